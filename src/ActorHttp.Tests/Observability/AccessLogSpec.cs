using System.Collections.Concurrent;
using ActorHttp.Observability;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Observability;

public sealed class AccessLogSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 13, 25, 31, TimeSpan.Zero);

    private static AccessLogEntry Request(int n) =>
        new("10.0.0.1", Noon, "GET", "/page/" + n, "HTTP/1.1", 200, n, "http://ref/", "agent");

    private static AccessLogSettings Settings(int queue = 1000, int batch = 100, TimeSpan? flush = null, string format = "common") =>
        new("unused", format, queue, batch, flush ?? TimeSpan.FromMilliseconds(20));

    /// <summary>A writer that records every batch it is given, optionally held back until released.</summary>
    private sealed class RecordingWriter
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public RecordingWriter(bool stalled = false)
        {
            if (!stalled) _release.SetResult();
        }

        public ConcurrentQueue<string[]> Batches { get; } = new();

        public int Calls => Volatile.Read(ref _calls);

        public IEnumerable<string> Lines => Batches.SelectMany(b => b);

        public Task WriteAsync(IReadOnlyList<string> batch)
        {
            Interlocked.Increment(ref _calls);
            Batches.Enqueue(batch.ToArray());
            return _release.Task;
        }

        public void Release() => _release.TrySetResult();
    }

    [Fact]
    public async Task Lines_logged_in_a_burst_are_written_many_to_one_write_call()
    {
        var writer = new RecordingWriter();
        var log = new AccessLog(Settings(queue: 2000, batch: 100), Sys, writer.WriteAsync);

        for (var i = 0; i < 1000; i++) log.Log(Request(i));
        await log.CompleteAsync();

        Assert.Equal(1000, writer.Lines.Count());
        Assert.Equal(1000, log.Written);
        Assert.All(writer.Batches, b => Assert.InRange(b.Length, 1, 100));
        Assert.True(writer.Batches.Count < 1000, $"{writer.Batches.Count} write calls for 1000 lines");
        Assert.Contains(writer.Batches, b => b.Length > 1);
    }

    [Fact]
    public async Task Lines_are_written_in_the_order_they_were_logged_in_the_configured_format()
    {
        var writer = new RecordingWriter();
        var log = new AccessLog(Settings(format: "combined"), Sys, writer.WriteAsync);

        for (var i = 0; i < 50; i++) log.Log(Request(i));
        await log.CompleteAsync();

        Assert.Equal(Enumerable.Range(0, 50).Select(i => AccessLogFormat.Combined(Request(i))), writer.Lines);
    }

    [Fact]
    public async Task A_stalled_writer_fills_the_bounded_queue_and_further_lines_are_counted_as_dropped()
    {
        const int queue = 50, batch = 10, burst = 10_000;
        var writer = new RecordingWriter(stalled: true);
        var log = new AccessLog(Settings(queue: queue, batch: batch), Sys, writer.WriteAsync);

        // First make sure the writer is holding a batch, so the burst meets a stream that cannot drain.
        log.Log(Request(-1));
        AwaitCondition(() => writer.Calls == 1);
        for (var i = 0; i < burst; i++) log.Log(Request(i));

        // Memory stays bounded: besides the line being written, at most the queue plus one batch being
        // grouped (and an element in flight between stages) were accepted; everything else was dropped.
        var accepted = burst - log.Dropped;
        Assert.InRange(accepted, queue, queue + batch + 2);
        Assert.Equal(1, writer.Calls);

        writer.Release();
        await log.CompleteAsync();

        Assert.Equal(1 + accepted, log.Written);
        Assert.Equal(burst + 1, log.Written + log.Dropped);
    }

    [Fact]
    public async Task Completing_the_log_writes_every_queued_line_without_waiting_for_the_flush_interval()
    {
        var writer = new RecordingWriter();
        var log = new AccessLog(Settings(batch: 1000, flush: TimeSpan.FromHours(1)), Sys, writer.WriteAsync);

        for (var i = 0; i < 10; i++) log.Log(Request(i));
        await log.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(10, writer.Lines.Count());
        Assert.Equal(0, log.Dropped);
    }

    [Fact]
    public async Task Completing_twice_returns_the_same_task_and_lines_logged_afterwards_are_counted_as_dropped()
    {
        var writer = new RecordingWriter();
        var log = new AccessLog(Settings(), Sys, writer.WriteAsync);

        var first = log.CompleteAsync();
        Assert.Same(first, log.CompleteAsync());
        await first;
        log.Log(Request(1));

        Assert.Equal(1, log.Dropped);
        Assert.Empty(writer.Lines);
    }

    [Fact]
    public async Task A_batch_that_fails_to_write_is_counted_as_dropped_and_later_batches_are_still_written()
    {
        var calls = 0;
        var written = new ConcurrentQueue<string>();
        var log = new AccessLog(Settings(), Sys, batch =>
        {
            if (Interlocked.Increment(ref calls) == 1) throw new IOException("disk full");
            foreach (var line in batch) written.Enqueue(line);
            return Task.CompletedTask;
        });

        log.Log(Request(1));
        AwaitCondition(() => log.Dropped == 1);
        log.Log(Request(2));
        await log.CompleteAsync();

        Assert.Equal(new[] { AccessLogFormat.Common(Request(2)) }, written);
        Assert.Equal(1, log.Written);
    }

    [Fact]
    public async Task Access_log_off_is_a_shared_no_op()
    {
        var log = AccessLog.Create(TestSettings.Defaults.AccessLog with { Target = "off" }, Sys);

        Assert.Same(AccessLog.Disabled, log);
        log.Log(Request(1));
        Assert.Equal(0, log.Dropped);
        await log.CompleteAsync();
    }

    [Fact]
    public async Task Access_log_to_a_path_appends_lines_to_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"actorhttp-access-{Guid.NewGuid():N}.log");
        await File.WriteAllTextAsync(path, "earlier line\n");
        try
        {
            var log = AccessLog.Create(TestSettings.Defaults.AccessLog with { Target = path }, Sys);
            log.Log(Request(1));
            log.Log(Request(2));
            await log.CompleteAsync();

            var expected = "earlier line\n" + AccessLogFormat.Common(Request(1)) + "\n" + AccessLogFormat.Common(Request(2)) + "\n";
            Assert.Equal(expected, await File.ReadAllTextAsync(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Logging_from_many_threads_at_once_loses_nothing_when_the_queue_has_room()
    {
        var writer = new RecordingWriter();
        var log = new AccessLog(Settings(queue: 10_000), Sys, writer.WriteAsync);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++) log.Log(Request(t * 1000 + i));
        })));
        await log.CompleteAsync();

        Assert.Equal(0, log.Dropped);
        Assert.Equal(8000, writer.Lines.Distinct().Count());
    }
}

/// <summary>Where the access log's writes run: the blocking-I/O dispatcher Akka.Streams is configured with.</summary>
public sealed class AccessLogDispatcherSpec() : Akka.TestKit.Xunit2.TestKit("""
    access-log-io { type = ForkJoinDispatcher, throughput = 1, dedicated-thread-pool { thread-count = 1 } }
    akka.stream.materializer.blocking-io-dispatcher = access-log-io
    """)
{
    [Fact]
    public async Task Batches_are_written_on_the_blocking_io_dispatcher_the_configuration_names()
    {
        var threads = new ConcurrentQueue<string?>();
        var log = new AccessLog(new AccessLogSettings("unused", "common", 10, 10, TimeSpan.FromMilliseconds(20)), Sys, _ =>
        {
            threads.Enqueue(Thread.CurrentThread.Name);
            return Task.CompletedTask;
        });

        log.Log(new AccessLogEntry("10.0.0.1", DateTimeOffset.UnixEpoch, "GET", "/", "HTTP/1.1", 200, 0, null, null));
        await log.CompleteAsync();

        // The dedicated pool names its threads after the dispatcher id.
        Assert.NotEmpty(threads);
        Assert.All(threads, name => Assert.StartsWith("access-log-io", name));
    }
}

using System.Threading.Channels;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorHttp.Observability;

/// <summary>Where connection actors report answered requests. Every member is thread-safe.</summary>
public interface IAccessLog
{
    /// <summary>Queues one line; never blocks. When the queue is full the entry is counted in <see cref="Dropped"/>.</summary>
    void Log(in AccessLogEntry entry);

    /// <summary>Entries that were not written: queue full, log completed, or their batch failed to write.</summary>
    long Dropped { get; }

    /// <summary>
    /// Stops accepting entries, writes every entry already queued and completes when they are written.
    /// Call it on shutdown after the last response is sent. Calling it again returns the same task.
    /// </summary>
    Task CompleteAsync();
}

/// <summary>
/// The access log: a bounded queue drained by an Akka.Streams graph that formats entries, groups them into
/// batches and writes each batch with one I/O call on the blocking-I/O dispatcher, so connection actors never
/// wait for the disk or the terminal.
/// </summary>
/// <remarks>
/// The queue is a bounded <see cref="Channel{T}"/> read by <see cref="ChannelSource.FromReader{T}"/> rather than
/// <c>Source.Queue</c>: <c>ChannelWriter.TryWrite</c> answers "full" synchronously, so a dropped entry is counted
/// on the spot without the task, completion source and stage message that every <c>OfferAsync</c> allocates, and
/// a stalled writer cannot make those messages pile up in the stage's mailbox. Memory is bounded by
/// <see cref="AccessLogSettings.QueueSize"/> plus two batches (one being grouped, one being written).
/// </remarks>
public sealed class AccessLog : IAccessLog
{
    private readonly Channel<AccessLogEntry> _queue;
    private readonly Func<IReadOnlyList<string>, Task> _writeBatch;
    private readonly ILoggingAdapter _diagnostics;
    private readonly Task _drained;
    private readonly IDisposable? _resource;
    private readonly Lazy<Task> _completion;
    private long _dropped;
    private long _written;
    private bool _failing; // only touched by the write stage, which runs one batch at a time

    /// <summary>
    /// A log that hands each batch of formatted lines (no terminators) to <paramref name="writeBatch"/>, which
    /// runs on the blocking-I/O dispatcher and may block or return a pending task; the next batch waits for it.
    /// Tests pass a writer they can stall; <see cref="Create"/> passes one for stdout or a file.
    /// </summary>
    public AccessLog(AccessLogSettings settings, ActorSystem system, Func<IReadOnlyList<string>, Task> writeBatch)
        : this(settings, system, writeBatch, resource: null)
    {
    }

    private AccessLog(AccessLogSettings settings, ActorSystem system, Func<IReadOnlyList<string>, Task> writeBatch, IDisposable? resource)
    {
        _writeBatch = writeBatch;
        _resource = resource;
        _diagnostics = Logging.GetLogger(system, typeof(AccessLog));
        _queue = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(settings.QueueSize)
        {
            // Wait (not DropWrite) is what makes TryWrite return false when full instead of dropping silently;
            // nothing ever calls WriteAsync, so no producer can actually wait.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });

        var format = AccessLogFormat.ByName(settings.Format);
        var materializer = system.Materializer(namePrefix: "access-log");

        _drained = ChannelSource.FromReader(_queue.Reader)
            .Select(format)
            .GroupedWithin(settings.BatchSize, settings.FlushInterval)
            .SelectAsync(1, WriteBatchAsync)
            .ToMaterialized(Sink.Ignore<NotUsed>(), Keep.Right)
            // The whole graph is fused into one actor; putting it on the blocking-I/O dispatcher keeps a slow
            // disk or a blocked terminal from occupying the threads connection actors run on. The materializer
            // resolves the attribute through akka.stream.materializer.blocking-io-dispatcher, as for FileChunkSource.
            .WithAttributes(Attributes.None.And(ActorAttributes.IODispatcher))
            .Run(materializer);

        _completion = new Lazy<Task>(() => CompleteCoreAsync(materializer), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// The log the settings ask for: a no-op when <c>off</c>, otherwise a log writing to stdout or appending to
    /// the file. The log flushes itself in Akka's coordinated shutdown (phase <c>before-actor-system-terminate</c>,
    /// after requests are done), so lines of requests answered just before exit are not lost.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened for appending.</exception>
    public static IAccessLog Create(AccessLogSettings settings, ActorSystem system)
    {
        if (settings.IsOff) return Disabled;

        var output = settings.IsStdout ? LineWriter.ForStdout() : LineWriter.ForFile(settings.Target);
        var log = new AccessLog(settings, system, output.WriteAsync, output);
        CoordinatedShutdown.Get(system).AddTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate,
            "actorhttp-access-log-flush",
            async () =>
            {
                await log.CompleteAsync().ConfigureAwait(false);
                return Done.Instance;
            });
        return log;
    }

    /// <summary>The log used for <c>access-log = off</c>: every call returns at once and does nothing.</summary>
    public static IAccessLog Disabled { get; } = new DisabledAccessLog();

    /// <inheritdoc />
    public void Log(in AccessLogEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry)) Interlocked.Increment(ref _dropped);
    }

    /// <inheritdoc />
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Lines handed to the writer successfully.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <inheritdoc />
    public Task CompleteAsync() => _completion.Value;

    private async Task CompleteCoreAsync(ActorMaterializer materializer)
    {
        _queue.Writer.TryComplete();
        try
        {
            await _drained.ConfigureAwait(false);
        }
        finally
        {
            _resource?.Dispose();
            materializer.Dispose();
        }
    }

    private async Task<NotUsed> WriteBatchAsync(IEnumerable<string> group)
    {
        var batch = group as IReadOnlyList<string> ?? group.ToList();
        try
        {
            await _writeBatch(batch).ConfigureAwait(false);
            Interlocked.Add(ref _written, batch.Count);
            if (_failing)
            {
                _failing = false;
                _diagnostics.Info("Access log: writing again; {0} lines dropped so far", Dropped);
            }
        }
        catch (Exception ex)
        {
            // One failed write (disk full, closed pipe) costs its lines, not the log: later batches are tried again.
            Interlocked.Add(ref _dropped, batch.Count);
            // Warn when writing starts failing, not for every batch: a full disk would otherwise flood the log.
            if (!_failing)
            {
                _failing = true;
                _diagnostics.Warning(ex, "Access log: {0} lines could not be written; dropping lines until writing succeeds", batch.Count);
            }
        }
        return NotUsed.Instance;
    }

    private sealed class DisabledAccessLog : IAccessLog
    {
        public void Log(in AccessLogEntry entry) { }
        public long Dropped => 0;
        public Task CompleteAsync() => Task.CompletedTask;
    }
}

using System.Diagnostics;
using ActorHttp.Files;
using ActorHttp.Http;
using CsCheck;
using static ActorHttp.Tests.Files.Requests;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Files;

/// <summary>Properties checked over generated inputs, and the shared instance under concurrent use.</summary>
public class FilesPropertiesSpec
{
    [Fact]
    public void No_mapped_request_path_has_a_segment_that_could_climb_separate_or_hide()
    {
        // Paths built from the characters traversal tricks are made of.
        var raw = Gen.String[Gen.Char["/.%25eEfFcC0a\\"], 0, 24];

        raw.Sample(tail =>
        {
            var path = RequestPath.Map("/" + tail);
            if (path.Outcome != PathOutcome.Mapped) return;
            foreach (var segment in path.Segments)
            {
                Assert.NotEqual("", segment);
                Assert.NotEqual('.', segment[0]);
                Assert.DoesNotContain('/', segment);
                Assert.DoesNotContain('\\', segment);
                Assert.DoesNotContain('\0', segment);
            }
        });
    }

    [Fact]
    public void A_satisfiable_range_always_lies_inside_the_representation_and_matches_the_arithmetic_of_RFC_9110()
    {
        Gen.Select(Gen.Long[0, 2000], Gen.Long[0, 3000], Gen.Long[0, 3000], Gen.Int[0, 2]).Sample((length, a, b, form) =>
        {
            var header = form switch { 0 => $"bytes={a}-{b}", 1 => $"bytes={a}-", _ => $"bytes=-{a}" };

            var kind = ByteRanges.Parse(header, length, out var range);

            var (expectedKind, expected) = form switch
            {
                0 when b < a => (RangeKind.Ignored, default),
                0 or 1 when a >= length => (RangeKind.Unsatisfiable, default),
                0 => (RangeKind.Satisfiable, new ByteRange(a, Math.Min(b, length - 1) - a + 1)),
                1 => (RangeKind.Satisfiable, new ByteRange(a, length - a)),
                _ when a == 0 => (RangeKind.Unsatisfiable, default),
                _ when length == 0 => (RangeKind.Ignored, default),
                _ => (RangeKind.Satisfiable, new ByteRange(length - Math.Min(a, length), Math.Min(a, length))),
            };
            Assert.Equal(expectedKind, kind);
            if (kind != RangeKind.Satisfiable) return;
            Assert.Equal(expected, range);
            Assert.InRange(range.Offset, 0, length - 1);
            Assert.InRange(range.Count, 1, length - range.Offset);
        });
    }

    [Fact]
    public void Many_threads_sharing_one_instance_get_correct_bodies_and_the_cache_keeps_its_budget()
    {
        using var tree = new TempTree();
        for (var i = 0; i < 20; i++) tree.Write($"www/f{i}.txt", new string((char)('a' + i), 10 + i));
        var files = new StaticFiles(TestSettings.Files(tree.Full("www")) with { CacheMaxBytes = 100 });

        Parallel.For(0, 8, worker =>
        {
            for (var n = 0; n < 2000; n++)
            {
                var i = (n * 7 + worker) % 20;
                var response = files.TryServe(Get($"/f{i}.txt", ("Range", "bytes=1-")))!;
                Assert.Equal(206, response.Status);
                Assert.Equal(new string((char)('a' + i), 9 + i), BodyText(response));
            }
        });

        Assert.InRange(files.Cache.Bytes, 0, 100);
        Assert.Equal(files.Cache.Bytes, Enumerable.Range(0, 20)
            .Select(i => files.Cache.Get(Path.Combine(files.Root, $"f{i}.txt"), 10 + i, FileTime)?.Length ?? 0).Sum());
    }

    [Fact]
    public async Task A_fifo_in_the_root_is_served_as_empty_instead_of_blocking_the_caller()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tree = new TempTree();
        tree.Dir("www");
        using (var mkfifo = Process.Start("mkfifo", tree.Full("www/pipe"))) mkfifo.WaitForExit();
        var files = new StaticFiles(TestSettings.Files(tree.Full("www")));

        // A blocked open would leave the task unfinished; WaitAsync turns that into a TimeoutException.
        var response = await Task.Run(() => files.TryServe(Get("/pipe"))).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, response!.Body.Length);
    }
}

using ActorHttp.Hosting;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// max-connections and backlog fitted to RLIMIT_NOFILE: of the limit, less the descriptors open and the
/// runtime's 128, an eighth for files, at most a quarter for the backlog and 32 for over-capacity sockets.
/// </summary>
public sealed class DescriptorLimitSpec : IDisposable
{
    private readonly TestWww _www = new();

    public void Dispose() => _www.Dispose();

    [Theory]
    // limit, open, max-connections, backlog -> fitted max-connections, fitted backlog
    [InlineData(256, 49, 20000, 4096, 19, 19)]            // 79 left: 9 for files, 19 backlog, 32 over capacity
    [InlineData(1024, 50, 20000, 4096, 498, 211)]         // 846 left: 105 for files, 211 backlog
    [InlineData(20000, 50, 20000, 4096, 13217, 4096)]     // a quarter (4955) is more than the backlog asked for
    [InlineData(1048576, 50, 20000, 4096, 20000, 4096)]   // high enough: nothing changes
    [InlineData(256, 49, 10, 8, 10, 8)]                   // never raised
    [InlineData(100, 50, 20000, 4096, 1, 1)]              // nothing left: one connection, a queue of one
    [InlineData(long.MaxValue, 50, 20000, 4096, 20000, 4096)] // RLIM_INFINITY, without overflow
    public void The_cap_and_backlog_leave_room_for_the_runtime_files_and_over_capacity_sockets(
        long limit, int open, int maxConnections, int backlog, int fittedConnections, int fittedBacklog)
    {
        Assert.Equal((fittedConnections, fittedBacklog), DescriptorLimit.Fit(maxConnections, backlog, new DescriptorBudget(limit, open)));
    }

    [Fact]
    public void Lowered_settings_are_said_once_each_on_the_report()
    {
        var report = new StringWriter();

        var settings = DescriptorLimit.Fit(TestSettings.For(_www.Root), new DescriptorBudget(256, 49), report);

        Assert.Equal((19, 19), (settings.MaxConnections, settings.Backlog));
        Assert.Equal(
            "max-connections: 20000 lowered to 19 (RLIMIT_NOFILE 256)\n" +
            "backlog: 4096 lowered to 19 (RLIMIT_NOFILE 256)\n",
            report.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Settings_within_the_limit_or_with_no_known_limit_are_kept_and_nothing_is_said()
    {
        var report = new StringWriter();
        var settings = TestSettings.For(_www.Root);

        Assert.Same(settings, DescriptorLimit.Fit(settings, null, report));
        Assert.Same(settings, DescriptorLimit.Fit(settings, new DescriptorBudget(1048576, 50), report));
        Assert.Equal("", report.ToString());
    }

    [Fact]
    public void The_probe_reads_this_process_soft_limit_and_its_open_descriptors()
    {
        if (!OperatingSystem.IsLinux()) return; // /proc/self/limits is Linux's

        var budget = DescriptorLimit.Probe();

        var line = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        Assert.NotNull(budget);
        Assert.Equal(soft == "unlimited" ? long.MaxValue : long.Parse(soft), budget.Value.Limit);
        Assert.InRange(budget.Value.Open, 3, (int)Math.Min(budget.Value.Limit, int.MaxValue)); // stdin, stdout, stderr at least
    }
}

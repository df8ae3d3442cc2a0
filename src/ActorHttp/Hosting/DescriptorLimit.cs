using ActorHttp.Configuration;
using System.Runtime.InteropServices;
using ActorHttp.Actors;

namespace ActorHttp.Hosting;

/// <summary>The process's descriptor limit (RLIMIT_NOFILE) and the descriptors already open when it was read.</summary>
public readonly record struct DescriptorBudget(long Limit, int Open);

/// <summary>
/// Fits <c>max-connections</c> and <c>backlog</c> to RLIMIT_NOFILE. Every socket is a descriptor, over-capacity
/// ones included, and once the process has none left the .NET runtime cannot start a thread (a new thread needs
/// a pipe) and aborts the whole process with "Out of memory.". So the cap leaves room for everything else that
/// needs one.
/// </summary>
/// <remarks>
/// The backlog counts too: Akka.IO accepts every socket waiting in the kernel's queue as fast as it can, before
/// the listener gets to answer or reset the ones over the cap, so a burst of connections holds about a
/// backlog's worth of descriptors at once.
/// </remarks>
public static class DescriptorLimit
{
    /// <summary>
    /// Descriptors the runtime and the actor system open after the settings are read: each assembly loaded
    /// later holds two, then the epoll instance and its pipes, the access log file, a thread being started.
    /// </summary>
    public const int RuntimeReserve = 128;

    /// <summary>
    /// The share of what is left that is kept for files being sent: a response larger than
    /// <c>files.small-file-limit</c> holds its file open while it streams.
    /// </summary>
    public const int FileShareDivisor = 8;

    /// <summary>The most of what is left that the accept queue (the backlog) may take.</summary>
    public const int BacklogShareDivisor = 4;

    /// <summary>
    /// The connection cap and backlog that RLIMIT_NOFILE allows. Of the limit, less the descriptors open now
    /// and the runtime's reserve, an eighth is kept for files, at most a quarter for the backlog, and
    /// <see cref="ListenerActor.MaxOverCapacitySockets"/> for sockets being answered 503; the connections get the
    /// rest. Neither value is raised, nor lowered below 1.
    /// </summary>
    public static (int MaxConnections, int Backlog) Fit(int maxConnections, int backlog, DescriptorBudget budget)
    {
        // long arithmetic: RLIMIT_NOFILE may be far above int.MaxValue (RLIM_INFINITY is read as long.MaxValue).
        var left = Math.Max(0, budget.Limit - budget.Open - RuntimeReserve);
        var fittedBacklog = Math.Clamp(left / BacklogShareDivisor, 1, backlog);
        var connections = left - left / FileShareDivisor - fittedBacklog - ListenerActor.MaxOverCapacitySockets;
        return ((int)Math.Clamp(connections, 1, maxConnections), (int)fittedBacklog);
    }

    /// <summary>
    /// The settings with <c>max-connections</c> and <c>backlog</c> lowered to what <paramref name="budget"/>
    /// allows, each said once on <paramref name="report"/>; the settings as they are when the limit is unknown
    /// or high enough.
    /// </summary>
    public static ServerSettings Fit(ServerSettings settings, DescriptorBudget? budget, TextWriter report)
    {
        if (budget is not { } known) return settings;
        var (maxConnections, backlog) = Fit(settings.MaxConnections, settings.Backlog, known);
        if (maxConnections == settings.MaxConnections && backlog == settings.Backlog) return settings;
        if (maxConnections < settings.MaxConnections)
            report.WriteLine($"max-connections: {settings.MaxConnections} lowered to {maxConnections} (RLIMIT_NOFILE {known.Limit})");
        if (backlog < settings.Backlog)
            report.WriteLine($"backlog: {settings.Backlog} lowered to {backlog} (RLIMIT_NOFILE {known.Limit})");
        return settings with { MaxConnections = maxConnections, Backlog = backlog };
    }

    /// <summary>This process's soft RLIMIT_NOFILE and open descriptors; null on Windows or where they cannot be read.</summary>
    public static DescriptorBudget? Probe()
    {
        // RLIMIT_NOFILE is 7 in Linux's <sys/resource.h>, 8 in macOS's and FreeBSD's. rlim_t is 64 bits on
        // 64-bit systems; a 32-bit process is left as it is.
        int? resource = !Environment.Is64BitProcess ? null
            : OperatingSystem.IsLinux() ? 7
            : OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 8
            : null;
        if (resource is null) return null;
        try
        {
            if (getrlimit(resource.Value, out var limit) != 0) return null;
            return new DescriptorBudget((long)Math.Min(limit.Current, long.MaxValue), CountOpen());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    // Linux lists a process's descriptors in /proc/self/fd, macOS and FreeBSD in /dev/fd.
    private static int CountOpen()
    {
        var folder = OperatingSystem.IsLinux() ? "/proc/self/fd" : "/dev/fd";
        try
        {
            return Directory.EnumerateFileSystemEntries(folder).Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);
}

using System.Reflection;

namespace ActorHttp.Hosting;

/// <summary>
/// Sizes .NET's shared array pool for a server that opens and closes connections by the thousand.
/// Akka.IO's TcpConnection rents its receive buffer (one frame: 128 KiB by default) from
/// <see cref="System.Buffers.ArrayPool{T}.Shared"/> and returns it when the connection ends. The pool keeps
/// 32 arrays of each size per core; a burst of short connections has more out at once, and every miss
/// allocates a fresh large-object array, which at that rate drives gen-2 collections and costs one-request
/// connections throughput (README, "Runtime and Akka.IO settings"). With more arrays per core the misses stop.
/// Pooled arrays hold memory only where reads wrote into them.
/// </summary>
/// <remarks>
/// The pool reads its size once, from the environment, when any shared pool is first used; so the console
/// host calls <see cref="Apply"/> first thing. A value the operator set in the environment is kept.
/// </remarks>
public static class ArrayPoolTuning
{
    public const string Variable = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    /// <summary>Arrays of each size the pool keeps per core (the runtime's default is 32).</summary>
    public const int ArraysPerCore = 256;

    public static void Apply()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            Environment.SetEnvironmentVariable(Variable, ArraysPerCore.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The number of arrays per size and core the running pool actually uses, read from the runtime's
    /// internal field for the startup report; null when this runtime does not have that field.
    /// </summary>
    public static int? Effective()
    {
        var statics = typeof(object).Assembly.GetType("System.Buffers.SharedArrayPoolStatics");
        var field = statics?.GetField("s_maxArraysPerPartition", BindingFlags.NonPublic | BindingFlags.Static);
        return field?.GetValue(null) as int?;
    }
}

using System.Net;
using System.Net.Sockets;

namespace ActorHttp.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL server for the specs of the PostgreSQL journal: initdb into a temporary folder, started
/// with pg_ctl on a free loopback port with trust authentication for 127.0.0.1 only, stopped and deleted on
/// Dispose. PostgreSQL refuses to run as root, so as root every program runs as the <c>postgres</c> user that
/// Debian's package creates (the folder is handed to it). Where PostgreSQL is not installed the constructor
/// throws with the package to install (see <see cref="InstalledPrograms"/> for when a spec skips instead).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string User = "postgres";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private readonly string _bin;
    private int _databases;

    public PostgresServer()
    {
        _bin = InstalledPrograms.Require(DebianPackage.Postgresql, InstalledPrograms.PostgresBin);
        Folder = Directory.CreateTempSubdirectory("actorhttp-pg-").FullName;
        try
        {
            if (Environment.UserName == "root") InstalledPrograms.Run("chown", StepTimeout, null, User, Folder);
            // --no-sync: a test database need not survive a power cut, and fsync on a shared disk costs seconds.
            InstalledPrograms.Run(Program("initdb"), StepTimeout, User,
                "-D", DataFolder, "-U", User, "--auth=trust", "--no-sync", "--encoding=UTF8", "--locale=C");
            Port = FreeLoopbackPort();
            // listen_addresses keeps it on loopback; the socket folder is its own, so it needs no /var/run/postgresql.
            InstalledPrograms.Run(Program("pg_ctl"), StepTimeout, User,
                "-D", DataFolder, "-l", LogFile, "-w", "-t", "30", "start",
                "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={Folder} -c fsync=off");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The temporary folder: the data folder, the server's log and its socket.</summary>
    public string Folder { get; }

    public int Port { get; private set; }

    private string DataFolder => Path.Combine(Folder, "data");

    private string LogFile => Path.Combine(Folder, "server.log");

    /// <summary>A new, empty database, for one spec; its Npgsql connection string.</summary>
    public string CreateDatabase()
    {
        var name = $"spec{Interlocked.Increment(ref _databases)}";
        InstalledPrograms.Run(Program("createdb"), StepTimeout, User, "-h", "127.0.0.1", "-p", Port.ToString(), "-U", User, name);
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Pooling=true";

    /// <summary>The server's log so far, for failure messages.</summary>
    public string Log => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    private string Program(string name) => Path.Combine(_bin, name);

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            // immediate: nothing in a test database is worth a checkpoint.
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
                InstalledPrograms.Run(Program("pg_ctl"), StepTimeout, User, "-D", DataFolder, "-m", "immediate", "-w", "-t", "20", "stop");
        }
        finally
        {
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>One PostgreSQL server shared by every spec of the collection; each spec takes its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}

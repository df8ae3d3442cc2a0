using System.Net.Sockets;

namespace ActorHttp.Tests.Support;

/// <summary>The throwaway PostgreSQL server the journal specs run against.</summary>
public sealed class PostgresServerSpec
{
    [FactNeeding(DebianPackage.Postgresql)]
    public void A_throwaway_server_listens_on_loopback_creates_databases_and_is_gone_after_dispose()
    {
        string folder;
        int port;
        using (var server = new PostgresServer())
        {
            folder = server.Folder;
            port = server.Port;
            Assert.True(Accepts(port), "the server accepts TCP connections on 127.0.0.1:" + port);
            Assert.Contains("Database=spec1", server.CreateDatabase());
            Assert.Contains("Database=spec2", server.CreateDatabase());
        }

        Assert.False(Accepts(port), "nothing listens on the port after Dispose");
        Assert.False(Directory.Exists(folder), "the data folder is deleted");
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

using System.Diagnostics;
using System.Net.WebSockets;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// The real host process with real WebSocket clients: Python's websockets library (Debian's python3-websockets, run by
/// /usr/bin/python3: the python3 on PATH may be another that does not see Debian's packages), curl, and a shutdown
/// signal seen by a .NET client.
/// </summary>
public sealed class WebSocketProcessSpec : IDisposable
{
    private const string Python = InstalledPrograms.Python;
    private const string Curl = InstalledPrograms.Curl;

    /// <summary>Echo text, then a 1 MiB binary message, through the built-in /ws/echo; prints "ok".</summary>
    private const string EchoScript = """
        import asyncio, os, sys
        import websockets

        async def main(url):
            async with websockets.connect(url, max_size=2 ** 21) as ws:
                await ws.send("hello")
                assert await ws.recv() == "hello", "text differs"
                data = os.urandom(1024 * 1024)
                await ws.send(data)
                assert await ws.recv() == data, "binary differs"
            print("ok")

        asyncio.run(asyncio.wait_for(main(sys.argv[1]), 20))
        """;

    private readonly TestWww _www = new();

    public void Dispose() => _www.Dispose();

    private Task<HostProcess> StartHost() =>
        HostProcess.StartAsync(_www.Root, "--port", "0", "--root", _www.Root, "--set", "actorhttp.access-log=off");

    /// <summary>Runs a program to its end within 30 seconds; its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
        return (process.ExitCode, await output, await error);
    }

    [FactNeeding(DebianPackage.Python3Websockets)]
    public async Task Pythons_websockets_gets_text_and_a_one_megabyte_binary_message_back_from_the_echo()
    {
        using var host = await StartHost();

        var (exitCode, output, error) = await Run(Python, "-c", EchoScript, $"ws://127.0.0.1:{host.Port}/ws/echo");

        Assert.True(exitCode == 0, $"python exited {exitCode}: {error}");
        Assert.Equal("ok", output.Trim());
    }

    [FactNeeding(DebianPackage.Curl)]
    public async Task Curl_asking_for_version_8_gets_426_naming_13()
    {
        using var host = await StartHost();

        var (exitCode, output, _) = await Run(Curl, "-si", "--max-time", "10", $"http://127.0.0.1:{host.Port}/ws/echo",
            "-H", "Upgrade: websocket", "-H", "Connection: Upgrade", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "-H", "Sec-WebSocket-Version: 8");

        Assert.Equal(0, exitCode);
        Assert.StartsWith("HTTP/1.1 426 Upgrade Required", output);
        Assert.Matches("(?im)^Sec-WebSocket-Version: 13\r?$", output);
    }

    [Fact]
    public async Task A_shutdown_signal_closes_open_sockets_with_1001_and_the_process_exits()
    {
        using var host = await StartHost();
        using var socket = new ClientWebSocket();
        // Generous bounds: the suite runs this beside many other tests on two cores.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/ws/echo"), timeout.Token);

        host.Signal(HostProcess.SIGTERM);
        var received = await socket.ReceiveAsync(new byte[256], timeout.Token);

        Assert.Equal(WebSocketMessageType.Close, received.MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, socket.CloseStatus);
        await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "", timeout.Token);
        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"exit {exitCode}: {host.ErrorText}");
    }
}

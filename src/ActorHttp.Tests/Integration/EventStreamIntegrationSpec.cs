using System.Diagnostics;
using System.Net.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>The built-in clock event stream (<c>GET /events/clock</c>, a default route) over a real socket.</summary>
public sealed class EventStreamIntegrationSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly TestWww _www = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    /// <summary>The first <paramref name="count"/> data and id lines of the clock stream, read within ten seconds.</summary>
    private async Task<(HttpResponseMessage Response, List<string> Lines)> ReadClock(int count, string? lastEventId = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var request = new HttpRequestMessage(HttpMethod.Get, "/events/clock");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var lines = new List<string>();
        while (lines.Count(l => l.StartsWith("data: ", StringComparison.Ordinal)) < count)
            lines.Add(await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the stream ended"));
        response.Dispose();
        return (response, lines);
    }

    [Fact]
    public async Task The_clock_streams_the_time_each_second_as_server_sent_events()
    {
        var (response, lines) = await ReadClock(2);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(new[] { "id: 1", "id: 2" }, lines.Where(l => l.StartsWith("id: ", StringComparison.Ordinal)));
        Assert.All(lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal)),
            l => Assert.Matches(@"^data: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", l));
    }

    [Fact]
    public async Task A_reconnecting_client_gets_the_ids_after_its_Last_Event_ID()
    {
        var (_, lines) = await ReadClock(1, lastEventId: "99");
        Assert.Contains("id: 100", lines);
    }

    [Fact]
    public void A_HEAD_request_gets_the_stream_head_alone_and_the_connection_goes_on()
    {
        using var client = _server.Connect();
        client.Send("HEAD /events/clock HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        var head = client.ReadResponse(headRequest: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("text/event-stream", head.Header("Content-Type"));
        Assert.Empty(head.Body);
        Assert.Equal("OK\n", client.ReadResponse().BodyText);
    }

    [FactNeeding(DebianPackage.Curl)]
    public async Task Curl_with_no_buffering_prints_the_clock_events_as_they_come()
    {
        var curl = new ProcessStartInfo(InstalledPrograms.Curl, $"-sN --max-time 3 http://127.0.0.1:{_server.Port}/events/clock")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(curl) ?? throw new InvalidOperationException("curl did not start (is it installed?)");
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
        // --max-time ends the transfer (exit 28) once it has seen about three seconds of the stream.
        Assert.Equal(28, process.ExitCode);
        var data = (await output).Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).ToList();
        Assert.InRange(data.Count, 2, 5);
    }
}

using Akka.Actor;
using ActorHttp.Observability;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Integration;

/// <summary>
/// Responses the client abandons are still access-logged and counted, once, as nginx logs them: the status and the
/// body bytes written when the response had begun, 499 when the client left before it began.
/// </summary>
public sealed class AbandonedResponseLogSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const int BigFileBytes = 32 * 1024 * 1024;
    private readonly TestWww _www = new();
    private readonly List<CompletedExchange> _logged = new();
    private TestServer _server = null!;

    /// <summary>A handler that never answers (its client gives up first); it tells the spec it has the request.</summary>
    private sealed class NeverAnswers : ReceiveActor
    {
        public NeverAnswers(IActorRef spec) => ReceiveAny(request => spec.Tell(request));
    }

    public async Task InitializeAsync()
    {
        _www.Write("big.bin", new byte[BigFileBytes]);
        var routes = new RouteBuilder().Map("POST", "/never", Props.Create(() => new NeverAnswers(TestActor)), streamBody: true).Build();
        _server = await TestServer.StartAsync(Sys, TestSettings.For(_www.Root), routes, new RecordingObserver(_logged));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _www.Dispose();
    }

    private List<CompletedExchange> LoggedFor(string target)
    {
        lock (_logged) return _logged.Where(e => e.Target == target).ToList();
    }

    [Theory]
    [InlineData("/events/clock")]
    [InlineData("/big.bin")]
    public void A_response_the_client_abandons_half_way_is_logged_with_its_status_and_the_bytes_written(string target)
    {
        using (var client = _server.Connect())
        {
            client.Send($"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Equal(200, client.ReadHead().Status);
            client.Reset(); // the client goes away mid-body
        }

        AwaitCondition(() => LoggedFor(target).Count > 0, TimeSpan.FromSeconds(10));
        var entry = Assert.Single(LoggedFor(target));
        Assert.Equal(200, entry.Status);
        if (target == "/big.bin") Assert.InRange(entry.BodyBytes, 0, BigFileBytes - 1);
    }

    [Fact]
    public void A_request_whose_client_left_before_its_answer_began_is_logged_as_499_with_no_body()
    {
        using (var client = _server.Connect())
        {
            client.Send("POST /never HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
            ExpectMsg<StreamedHttpRequest>(); // read, and handed to its handler with its body streaming
            client.ShutdownSend(); // the client gives up: its body can never end
        }

        AwaitCondition(() => LoggedFor("/never").Count > 0, TimeSpan.FromSeconds(10));
        var entry = Assert.Single(LoggedFor("/never"));
        Assert.Equal(499, entry.Status);
        Assert.Equal(0, entry.BodyBytes);
    }
}

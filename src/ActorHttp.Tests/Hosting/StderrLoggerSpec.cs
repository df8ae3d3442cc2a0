using Akka.Actor;
using Akka.Event;
using ActorHttp.Hosting;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

public sealed class StderrLoggerSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly CapturedText _stderr = new();
    private readonly IActorRef _logger;

    public StderrLoggerSpec() => _logger = Sys.ActorOf(Props.Create(() => new StderrLogger(_stderr)));

    [Fact]
    public void An_event_is_one_line_with_control_characters_in_its_message_and_its_cause_escaped()
    {
        var cause = new PathTooLongException("The path '/www/x\r\nforged\x1b[31m' is too long.");
        _logger.Tell(new Error(cause, "akka://actorhttp/user/c", typeof(StderrLoggerSpec),
            "Route static files failed for GET /a\nb\u2028c\u0085d\u007fe\\f"));

        AwaitAssert(() => Assert.Single(_stderr.Lines));
        Assert.Equal(
            "[ERROR] akka://actorhttp/user/c: Route static files failed for GET /a\\x0Ab\\xE2\\x80\\xA8c\\x85d\\x7Fe\\x5Cf"
            + " (PathTooLongException: The path '/www/x\\x0D\\x0Aforged\\x1B[31m' is too long.)",
            _stderr.Lines[0]);
    }

    [Fact]
    public void Arguments_given_to_any_log_call_are_escaped_as_well_as_the_source()
    {
        Sys.EventStream.Subscribe(_logger, typeof(Warning));
        Logging.GetLogger(Sys, "source\r\nforged").Warning("Body of {0} ended after {1} bytes", "/x\r\n[ERROR] forged\u2029", 3);

        AwaitAssert(() => Assert.Contains(_stderr.Lines, l => l.Contains("forged")));
        var line = Assert.Single(_stderr.Lines, l => l.Contains("forged"));
        Assert.Equal("[WARNING] source\\x0D\\x0Aforged (akka://test): Body of /x\\x0D\\x0A[ERROR] forged\\xE2\\x80\\xA9 ended after 3 bytes", line);
    }
}

using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;
using ActorHttp.Configuration;
using ActorHttp.Hosting;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// The logger Akka falls back to when no configured logger runs: before they start, and at shutdown, when a stopped
/// logger's unwritten events are flushed to it (Akka's LoggerMailbox). On a busy machine a host's last lines (its
/// CoordinatedShutdown INFO lines) are still queued then: they must reach stderr, never the stdout scripts read.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class StderrMinimalLoggerSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Events_a_logger_had_not_written_when_the_system_stopped_go_to_stderr_as_escaped_lines()
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new CapturedText(), new CapturedText());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            // The host's configuration with a logger that holds its first event until the loggers are stopped, so
            // the second is still in its mailbox; the fallback logger's level lowered to see the moment they are.
            HeldLogger.Output = (stdout, stderr);
            var config = ConfigurationFactory.ParseString($$"""
                akka.loggers = ["{{typeof(HeldLogger).AssemblyQualifiedName}}"]
                akka.stdout-loglevel = DEBUG
                """).WithFallback(ServerSettings.Reference);
            var system = ActorSystem.Create("fallback", config);
            var log = Logging.GetLogger(system, "spec");
            log.Info("held");
            log.Info("left behind\r\n[ERROR] forged");

            await system.Terminate().WaitAsync(Bound);

            Assert.DoesNotContain(stdout.Lines, l => l.Contains("left behind"));
            Assert.Contains(@"[INFO] spec (akka://fallback): left behind\x0D\x0A[ERROR] forged", stderr.Lines);
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    /// <summary>A logger that blocks on its first event until Akka has stopped every logger (it says so on the fallback).</summary>
    private sealed class HeldLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
    {
        public static (CapturedText Out, CapturedText Error) Output;

        public HeldLogger()
        {
            var held = false;
            Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
            Receive<LogEvent>(_ =>
            {
                if (held) return;
                held = true;
                SpinWait.SpinUntil(() => StoppedAll(Output.Out) || StoppedAll(Output.Error), Bound);
            });
        }

        private static bool StoppedAll(CapturedText text) => text.Text.Contains("All default loggers stopped");
    }
}

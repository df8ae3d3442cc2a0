using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace ActorHttp.Hosting;

/// <summary>
/// Akka's log events written to stderr, one line each: stdout is kept for the "Listening on" line and
/// the access log, which scripts read.
/// </summary>
public sealed class StderrLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public StderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine($"[{e.LogLevel().ToString().Replace("Level", "").ToUpperInvariant()}] {e.LogSource}: {e.Message}{(e.Cause is null ? "" : " (" + e.Cause.GetType().Name + ": " + e.Cause.Message + ")")}"));
    }
}

using Akka.Event;

namespace ActorHttp.Hosting;

/// <summary>
/// The logger Akka falls back to (<c>akka.stdout-logger-class</c>) when <see cref="StderrLogger"/> is not running:
/// before it starts, and at shutdown, when Akka flushes the events a stopped logger had not yet written to it
/// (Akka's LoggerMailbox does, whatever their level). Akka's own writes them to stdout in another format; this
/// one writes <see cref="StderrLogger"/>'s escaped lines to stderr, so stdout carries only what the README says.
/// </summary>
public sealed class StderrMinimalLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is LogEvent e) Console.Error.WriteLine(StderrLogger.Line(e));
    }
}

using System.Text;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using ActorHttp.Observability;

namespace ActorHttp.Hosting;

/// <summary>
/// Akka's log events written to stderr, one line each: stdout is kept for the "Listening on" line and
/// the access log, which scripts read.
/// </summary>
public sealed class StderrLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>The logger Akka starts from <c>akka.loggers</c>: writes to the process's stderr.</summary>
    public StderrLogger() : this(Console.Error) { }

    /// <summary>The same logger writing to any writer (tests read what it wrote).</summary>
    public StderrLogger(TextWriter output)
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => output.WriteLine(Line(e)));
    }

    /// <summary>
    /// <c>[LEVEL] source: message (CauseType: cause message)</c>. Escaping is done here, where every event
    /// ends up, rather than where each is logged: whoever called Log.X with whatever argument (a request
    /// target, an exception whose message holds a decoded path), the source, the message and the cause's
    /// message are escaped as the access log escapes request text (<see cref="LogText"/>), so one event is
    /// one line and a client cannot forge another. The stack trace is left out for the same reason.
    /// </summary>
    internal static string Line(LogEvent e)
    {
        var line = new StringBuilder(128);
        line.Append('[').Append(e.LogLevel().ToString().Replace("Level", "").ToUpperInvariant()).Append("] ");
        LogText.AppendEscaped(line, e.LogSource ?? "");
        line.Append(": ");
        LogText.AppendEscaped(line, e.Message?.ToString() ?? "");
        if (e.Cause is { } cause)
        {
            line.Append(" (").Append(cause.GetType().Name).Append(": ");
            LogText.AppendEscaped(line, cause.Message);
            line.Append(')');
        }
        return line.ToString();
    }
}

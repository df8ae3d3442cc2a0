using ActorHttp.Observability;

namespace ActorHttp.Tests.Support;

/// <summary>An observer that keeps every exchange the server logged, as the access log and metrics get them.</summary>
public sealed class RecordingObserver(List<CompletedExchange> entries) : IServerObserver
{
    public void ConnectionOpened() { }
    public void ConnectionClosed() { }
    public void RequestCompleted(in CompletedExchange exchange) { lock (entries) entries.Add(exchange); }
    public void RequestRejected(ActorHttp.Http.RequestRejectionReason reason) { }
    public void BytesSent(long count) { }
}

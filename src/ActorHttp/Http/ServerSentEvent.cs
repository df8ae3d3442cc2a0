namespace ActorHttp.Http;

/// <summary>
/// One event of a <c>text/event-stream</c> response (WHATWG HTML §9.2, "Server-sent events"): its data (split into
/// <c>data:</c> lines at each line break), and optionally its type, its id (what the client sends back as
/// <c>Last-Event-ID</c> when it reconnects) and the reconnection time in milliseconds it asks the client to use.
/// <see cref="EventStreamFormat.Problem"/> says what makes one unsendable.
/// </summary>
public sealed record ServerSentEvent(string Data, string? Event = null, string? Id = null, int? Retry = null);

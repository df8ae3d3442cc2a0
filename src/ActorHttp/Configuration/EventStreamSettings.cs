namespace ActorHttp.Configuration;

/// <summary>
/// Server-sent event streams (<c>actorhttp.sse</c>): how long a stream may stay silent before a heartbeat comment is
/// sent, and how many events may wait for a slow client before its connection is cut.
/// </summary>
public sealed record EventStreamSettings(TimeSpan HeartbeatInterval, int MaxQueuedEvents);

namespace ActorHttp.Actors;

/// <summary>
/// Raised once, when the server begins a graceful shutdown; read by every connection actor (responses then say
/// close) and by the health route (503 from then on). Made first and given at construction to the health route
/// and to the <see cref="ServerContext"/> that owns it, so nothing has to be filled in later.
/// </summary>
public sealed class ShutdownFlag
{
    private volatile bool _raised;

    /// <summary>True once graceful shutdown began.</summary>
    public bool IsRaised => _raised;

    internal void Raise() => _raised = true;
}

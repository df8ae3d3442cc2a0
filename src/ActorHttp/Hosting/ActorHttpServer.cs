using Akka.Actor;

namespace ActorHttp.Hosting;

/// <summary>
/// The server <see cref="ActorHttpHostingExtensions.WithActorHttp"/> started in an actor system:
/// <c>await ActorHttpServer.For(system).Bound</c> gives its <see cref="ServerBinding"/> (the real address when port 0
/// was asked for). Also the key its listener actor is registered under in Akka.Hosting's ActorRegistry.
/// </summary>
public sealed class ActorHttpServer : IExtension
{
    private readonly TaskCompletionSource<ServerBinding> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the server is bound; fails as the start failed.</summary>
    public Task<ServerBinding> Bound => _bound.Task;

    /// <summary>The server of this actor system.</summary>
    public static ActorHttpServer For(ActorSystem system) => system.WithExtension<ActorHttpServer, ActorHttpServerId>();

    internal void Started(ServerBinding binding) => _bound.TrySetResult(binding);

    internal void Failed(Exception reason) => _bound.TrySetException(reason);
}

/// <summary>Akka's extension id for <see cref="ActorHttpServer"/>: one per actor system.</summary>
public sealed class ActorHttpServerId : ExtensionIdProvider<ActorHttpServer>
{
    public override ActorHttpServer CreateExtension(ExtendedActorSystem system) => new();
}

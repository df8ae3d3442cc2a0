namespace ActorHttp.Tests.Support;

/// <summary>
/// The test system configuration that replaces the scheduler with Akka.TestKit's TestScheduler, so that timers
/// (ours and Akka.IO's) fire only when a spec advances the clock.
/// </summary>
public static class VirtualTime
{
    public const string Config = "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"";
}

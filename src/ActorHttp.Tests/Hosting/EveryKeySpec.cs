using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Configuration.Hocon;
using ActorHttp.Hosting;
using ActorHttp.Configuration;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Hosting;

/// <summary>
/// Every leaf key of the reference's <c>actorhttp</c> section (and each field of a route), set to values of the wrong
/// type or out of range: each value is either refused with a <see cref="SettingsException"/> naming that key, or
/// accepted, and then the server's context builds from it. Never another exception, which the host would print as a
/// stack trace. New keys are walked without touching this spec.
/// </summary>
public sealed class EveryKeySpec(EveryKeySpec.Fixture fixture) : IClassFixture<EveryKeySpec.Fixture>
{
    /// <summary>One actor system and web root for all keys: a system per key would cost more than the walk.</summary>
    public sealed class Fixture : IDisposable
    {
        public ActorSystem System { get; } = ActorSystem.Create("every-key", "akka.loglevel = OFF");

        public TestWww Www { get; } = new();

        public void Dispose()
        {
            System.Terminate().Wait(TimeSpan.FromSeconds(10));
            Www.Dispose();
        }
    }

    private static readonly string[] WrongValues =
    {
        "abc", "\"\"", "-1", "0", "1", "1.5", "2147483648", "99999999999999999999", "-1s", "0s", "100000d",
        "true", "null", "[1]", "[\"x\"]", "{ a = 1 }", "\"a\\r\\nb\"", "\"/\"", "\"../x\"", "\"/*\"",
    };

    private static readonly string[] RouteFields = { "method", "path", "handler" };

    public static IEnumerable<object[]> Keys() =>
        Leaves(ServerSettings.Reference.GetConfig("actorhttp").Root.GetObject(), "")
            .Concat(RouteFields.Select(field => $"routes[0].{field}"))
            .Select(key => new object[] { key });

    private static IEnumerable<string> Leaves(HoconObject obj, string prefix)
    {
        foreach (var (key, value) in obj.Items)
        {
            var path = prefix + key;
            if (value.IsObject() && value.GetObject().Items.Count > 0)
                foreach (var leaf in Leaves(value.GetObject(), path + ".")) yield return leaf;
            else yield return path;
        }
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_wrong_value_for_any_key_is_accepted_or_refused_naming_that_key(string key)
    {
        var naming = new Regex($@"^actorhttp\.{Regex.Escape(key)}([.\[][^:]*)?: ");
        foreach (var value in WrongValues)
        {
            var hocon = key.StartsWith("routes[0].", StringComparison.Ordinal)
                // A later key in an object wins: the route is valid but for the one field.
                ? $"actorhttp.routes = [ {{ method = GET, path = \"/x\", handler = echo, {key["routes[0].".Length..]} = {value} }} ]"
                : $"actorhttp.{key} = {value}";
            try
            {
                var settings = TestSettings.For(fixture.Www.Root, hocon);
                settings.ValidatePaths();
                Assert.NotNull(HttpServer.CreateContext(fixture.System, settings));
            }
            catch (SettingsException e)
            {
                Assert.True(naming.IsMatch(e.Message), $"{hocon}\nwas refused with a message that does not name the key: {e.Message}");
            }
            catch (Exception e)
            {
                Assert.Fail($"{hocon}\nthrew {e.GetType().Name} instead of SettingsException: {e.Message}");
            }
        }
    }

    [Fact]
    public void The_walk_covers_the_keys_of_every_part_of_the_section()
    {
        var keys = Keys().Select(k => (string)k[0]).ToArray();

        foreach (var key in new[] { "port", "limits.max-body", "files.cache-max-bytes", "content-types", "routes", "routes[0].handler", "access-log-format", "metrics.path" })
            Assert.Contains(key, keys);
    }
}

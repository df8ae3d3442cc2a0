using Akka.Configuration;
using Akka.Configuration.Hocon;
using ActorHttp.Configuration;
using ActorHttp.Hosting;

namespace ActorHttp.Tests.Hosting;

/// <summary><c>--print-config</c>'s output is HOCON that reads back as the configuration it was printed from.</summary>
public sealed class ConfigPrinterSpec
{
    [Fact]
    public void A_node_s_whole_configuration_reads_back_with_every_value_unchanged()
    {
        var loaded = ConfigurationFactory.ParseString("actorhttp.cluster.enabled = on").WithFallback(ServerSettings.Reference);
        var config = ConfigLoader.ForActorSystem(ServerSettings.Create(loaded), loaded);

        var printed = ConfigPrinter.Render(config);

        Assert.DoesNotContain("<<unknown value>>", printed);
        AssertSameLeaves(config, ConfigurationFactory.ParseString(printed));
    }

    [Fact]
    public void Empty_lists_nulls_quotes_backslashes_and_control_characters_survive_the_round_trip()
    {
        var config = ConfigurationFactory.ParseString("""
            actorhttp {
              empty = []
              nothing = null
              hostile = "say \"hi\" \\ then\n\u0001\u001b[31m"
              "dotted.key" = { "a b" = [1, "two", { c = 3 }] }
              address = "akka.tcp://actorhttp@127.0.0.1:4053"
            }
            akka.loglevel = INFO
            """);

        var printed = ConfigPrinter.Render(config);

        Assert.DoesNotContain('\u0001', printed);
        Assert.DoesNotContain('\u001b', printed);
        var read = ConfigurationFactory.ParseString(printed);
        AssertSameLeaves(config, read);
        Assert.Empty(read.GetStringList("actorhttp.empty"));
        Assert.Equal("say \"hi\" \\ then\n\u0001\u001b[31m", read.GetString("actorhttp.hostile"));
    }

    [Fact]
    public void C1_control_characters_survive_the_round_trip_and_none_is_printed_raw()
    {
        // U+009B is a terminal's one-byte CSI, as ESC [ is.
        var config = ConfigurationFactory.ParseString("""
            actorhttp.c1 = "a\u009b31mb\u0085c"
            akka.loglevel = INFO
            """);

        var printed = ConfigPrinter.Render(config);

        Assert.DoesNotContain('\u009b', printed);
        Assert.DoesNotContain('\u0085', printed);
        var read = ConfigurationFactory.ParseString(printed);
        Assert.Equal("a\u009b31mb\u0085c", read.GetString("actorhttp.c1"));
    }

    private static void AssertSameLeaves(Config expected, Config actual)
    {
        foreach (var section in new[] { "actorhttp", "akka" })
            Assert.Equal(Leaves(expected.GetConfig(section).Root), Leaves(actual.GetConfig(section).Root));
    }

    /// <summary>Every leaf as path = text, lists and objects in lists included, in order.</summary>
    private static List<string> Leaves(HoconValue value, string path = "")
    {
        if (value.Values.Count == 0) return [$"{path} = <null>"];
        if (value.IsObject())
            return value.GetObject().Items.OrderBy(item => item.Key, StringComparer.Ordinal)
                .SelectMany(item => Leaves(item.Value, $"{path}/{item.Key}")).ToList();
        if (value.Values.Any(element => element is HoconArray))
        {
            var items = value.GetArray();
            return [$"{path} = list of {items.Count}", .. items.SelectMany((item, i) => Leaves(item, $"{path}[{i}]"))];
        }
        return [$"{path} = {value.GetString() ?? "<null>"}"];
    }
}

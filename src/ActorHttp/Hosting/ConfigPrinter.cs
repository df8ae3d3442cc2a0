using System.Text;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorHttp.Hosting;

/// <summary>
/// Renders the effective <c>actorhttp</c> and <c>akka</c> sections, all layers merged, as HOCON that parses back to the
/// same values: an operator can save the output as a profile. Written here rather than taken from Akka's own
/// <c>ToString</c>, which prints empty lists as <c>&lt;&lt;unknown value&gt;&gt;</c>, a null as nothing, and quotes
/// without escaping.
/// </summary>
public static partial class ConfigPrinter
{
    public static string Render(Config config)
    {
        var text = new StringBuilder();
        foreach (var section in new[] { "actorhttp", "akka" })
        {
            text.Append(section).Append(' ');
            WriteValue(text, config.GetConfig(section)?.Root ?? new HoconValue(), 0);
            text.Append('\n');
        }
        return text.ToString();
    }

    private static void WriteValue(StringBuilder text, HoconValue value, int depth)
    {
        if (value.Values.Count == 0)
        {
            text.Append("null");
        }
        else if (value.IsObject())
        {
            WriteObject(text, value.GetObject(), depth);
        }
        else if (value.Values.Any(element => element is HoconArray))
        {
            text.Append('[');
            var items = value.GetArray();
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0) text.Append(", ");
                WriteValue(text, items[i], depth + 1);
            }
            text.Append(']');
        }
        else
        {
            var literal = value.GetString();
            text.Append(literal is null ? "null" : Quote(literal));
        }
    }

    private static void WriteObject(StringBuilder text, HoconObject obj, int depth)
    {
        if (obj.Items.Count == 0)
        {
            text.Append("{}");
            return;
        }
        text.Append("{\n");
        var indent = new string(' ', (depth + 1) * 2);
        foreach (var (key, child) in obj.Items)
        {
            text.Append(indent).Append(Quote(key)).Append(child.IsObject() ? " " : " = ");
            WriteValue(text, child, depth + 1);
            text.Append('\n');
        }
        text.Append(' ', depth * 2).Append('}');
    }

    /// <summary>
    /// Unquoted when HOCON reads the text back as the same string (letters, digits and <c>- _</c>, nothing it would take
    /// for a path, a separator or a comment); otherwise quoted with every control character escaped, C1 ones (a
    /// terminal's one-byte CSI) included.
    /// </summary>
    private static string Quote(string text) => SafeUnquoted().IsMatch(text) ? text : ConfigLoader.Quote(text);

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex SafeUnquoted();
}

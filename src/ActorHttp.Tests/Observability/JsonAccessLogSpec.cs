using System.Text.Json;
using ActorHttp.Observability;
using CsCheck;

namespace ActorHttp.Tests.Observability;

/// <summary>The <c>json</c> access-log format: one object per line that System.Text.Json reads back as written.</summary>
public sealed class JsonAccessLogSpec
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 13, 25, 31, 250, TimeSpan.Zero);

    private static AccessLogEntry Entry(string target = "/", string? userAgent = "curl/8", string? referer = null,
        string? traceId = null, string? spanId = null) =>
        new("127.0.0.1", Noon, "GET", target, "HTTP/1.1", 200, 176, referer, userAgent,
            TimeSpan.FromMilliseconds(1.5), "req-1", traceId, spanId);

    private static JsonElement Parse(string line) => JsonDocument.Parse(line).RootElement;

    [Fact]
    public void A_json_line_carries_every_field_of_the_request()
    {
        var json = Parse(AccessLogFormat.Json(Entry()));

        Assert.Equal("2026-11-23T13:25:31.250+00:00", json.GetProperty("time").GetString());
        Assert.Equal("127.0.0.1", json.GetProperty("remote").GetString());
        Assert.Equal("GET", json.GetProperty("method").GetString());
        Assert.Equal("/", json.GetProperty("target").GetString());
        Assert.Equal("HTTP/1.1", json.GetProperty("protocol").GetString());
        Assert.Equal("http", json.GetProperty("scheme").GetString());
        Assert.Equal(200, json.GetProperty("status").GetInt32());
        Assert.Equal(176, json.GetProperty("bytes").GetInt64());
        Assert.Equal(1.5, json.GetProperty("duration_ms").GetDouble());
        Assert.Equal("curl/8", json.GetProperty("user_agent").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("referer").ValueKind);
        Assert.Equal("req-1", json.GetProperty("request_id").GetString());
        Assert.False(json.TryGetProperty("trace_id", out _));
    }

    [Fact]
    public void A_line_of_a_request_over_TLS_names_the_https_scheme() =>
        Assert.Equal("https", Parse(AccessLogFormat.Json(Entry() with { Scheme = "https" })).GetProperty("scheme").GetString());

    [Fact]
    public void A_traced_request_s_line_carries_its_trace_and_span_ids()
    {
        var json = Parse(AccessLogFormat.Json(Entry(traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331")));

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", json.GetProperty("trace_id").GetString());
        Assert.Equal("b7ad6b7169203331", json.GetProperty("span_id").GetString());
    }

    [Fact]
    public void Control_characters_quotes_and_line_separators_are_escaped_and_read_back_as_sent()
    {
        const string hostile = "/x\"}\r\n{\"status\":1\u0000\u001b[31m\u0085\u2028\\caf\u00e9\ud83d\ude00";
        var line = AccessLogFormat.Json(Entry(target: hostile, userAgent: "\n", referer: "\u007f"));

        Assert.DoesNotContain(line, c => c < 0x20 || c >= 0x7F);
        Assert.Contains("\\u000d\\u000a", line);
        var json = Parse(line);
        Assert.Equal(hostile, json.GetProperty("target").GetString());
        Assert.Equal("\n", json.GetProperty("user_agent").GetString());
        Assert.Equal("\u007f", json.GetProperty("referer").GetString());
    }

    [Fact]
    public void Any_text_becomes_one_printable_ascii_line_that_parses_back_to_it_but_for_lone_surrogates()
    {
        Gen.String.Sample(text =>
        {
            var line = AccessLogFormat.Json(Entry(target: text));
            Assert.DoesNotContain(line, c => c < 0x20 || c >= 0x7F);
            var expected = string.Concat(text.EnumerateRunesOrReplacement());
            Assert.Equal(expected, Parse(line).GetProperty("target").GetString());
        }, iter: 2000);
    }

    [Fact]
    public void The_json_format_is_chosen_by_its_name() =>
        Assert.Equal(AccessLogFormat.Json(Entry()), AccessLogFormat.ByName("JSON")(Entry()));
}

internal static class RuneText
{
    /// <summary>The text with every lone surrogate replaced by U+FFFD, as a JSON writer must replace it.</summary>
    public static IEnumerable<string> EnumerateRunesOrReplacement(this string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (System.Text.Rune.TryGetRuneAt(text, i, out var rune))
            {
                yield return rune.ToString();
                if (rune.Utf16SequenceLength == 2) i++;
            }
            else yield return "\ufffd";
        }
    }
}

using System.Text;

namespace ActorHttp.Tests.Support;

/// <summary>A writer that keeps what is written to it, readable from another thread while an actor writes.</summary>
public sealed class CapturedText : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text) _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_text) _text.Append(value);
    }

    /// <summary>Everything written so far.</summary>
    public string Text
    {
        get { lock (_text) return _text.ToString(); }
    }

    /// <summary>The complete lines written so far (each ended by '\n', which is not included).</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var text = Text;
            var end = text.LastIndexOf('\n');
            return end < 0 ? Array.Empty<string>() : text[..end].Split('\n');
        }
    }
}

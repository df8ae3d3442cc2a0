namespace ActorHttp.Tests.Observability;

/// <summary>Checks the house rule for HOCON files: every key, value or object, has a comment right above it.</summary>
internal static class HoconComments
{
    public static void AssertEveryKeyHasACommentAbove(string hocon)
    {
        string? previous = null;
        foreach (var raw in hocon.Split('\n'))
        {
            var line = raw.Trim();
            var isKey = !line.StartsWith('#') && (line.Contains('=') || line.EndsWith('{'));
            if (isKey)
                Assert.True(previous is not null && previous.StartsWith('#'), $"No comment above: {line}");
            previous = line;
        }
    }
}

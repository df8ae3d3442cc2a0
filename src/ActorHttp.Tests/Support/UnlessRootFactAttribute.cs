namespace ActorHttp.Tests.Support;

/// <summary>
/// A fact about file permissions the kernel enforces, skipped when the suite runs as root (as CI does), which reads
/// and searches whatever the mode says. Such a fact has a twin that runs everywhere through a seam.
/// </summary>
public sealed class UnlessRootFactAttribute : FactAttribute
{
    public UnlessRootFactAttribute()
    {
        if (Environment.UserName == "root") Skip = "root reads whatever a file's mode says";
    }
}

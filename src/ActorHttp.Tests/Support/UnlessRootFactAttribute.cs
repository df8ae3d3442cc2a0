namespace ActorHttp.Tests.Support;

/// <summary>
/// A fact about Unix file permissions the kernel enforces, skipped when the suite runs as root (as CI does), which
/// reads and searches whatever the mode says, and on Windows. Such a fact has a twin that runs everywhere through a seam.
/// </summary>
public sealed class UnlessRootFactAttribute : FactAttribute
{
    public UnlessRootFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Unix file modes";
        else if (Environment.UserName == "root") Skip = "root reads whatever a file's mode says";
    }
}

namespace ActorHttp.Tests.Support;

/// <summary>
/// A fact that drives <see cref="HeadlessBrowser"/>. Where Chromium or chromedriver is missing it is reported as
/// skipped, so that <c>dotnet test</c> on a developer machine without them still passes; but when
/// <c>ACTORHTTP_REQUIRE_BROWSER=1</c> (as <c>.ci/run</c> sets it) it runs anyway and fails naming what is missing,
/// so that CI never passes by skipping (<c>ACTORHTTP_REQUIRE_PROGRAMS=1</c>, which requires every program the specs
/// run, requires the browser too).
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string RequireVariable = "ACTORHTTP_REQUIRE_BROWSER";

    public BrowserFactAttribute() => Skip = SkipReason();

    /// <summary>Why a browser test is skipped here, or null when it runs.</summary>
    public static string? SkipReason() =>
        HeadlessBrowser.IsInstalled || Environment.GetEnvironmentVariable(RequireVariable) == "1" || InstalledPrograms.Required
            ? null
            : $"{HeadlessBrowser.Chromium} or {HeadlessBrowser.Chromedriver} is not installed ({RequireVariable}=1 makes this a failure)";
}

/// <summary>A theory that drives <see cref="HeadlessBrowser"/>, skipped or required as <see cref="BrowserFactAttribute"/> is.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute() => Skip = BrowserFactAttribute.SkipReason();
}

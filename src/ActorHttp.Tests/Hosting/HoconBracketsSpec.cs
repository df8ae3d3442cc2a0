using ActorHttp.Hosting;

namespace ActorHttp.Tests.Hosting;

/// <summary>The bracket check run before Akka's HOCON parser, which never returns on a list closed by '}'.</summary>
public sealed class HoconBracketsSpec
{
    [Theory]
    [InlineData("actorhttp.port = 80")]
    [InlineData("actorhttp { routes = [{ path = \"/x\" }, { path = \"/y\" }] }")]
    [InlineData("a = \"}]\"")]                           // brackets in a quoted string
    [InlineData("a = \"say \\\"}\\\" please\"")]         // and after an escaped quote in it
    [InlineData("a = \"\"\"multi \"}\" ]\n line\"\"\"")] // a triple-quoted string
    [InlineData("a = \"\"\"x\"\"\"\" , b = [1]")]        // which takes the extra quotes before its end
    [InlineData("a = 1 # a comment with } in it\nb = [2]")]
    [InlineData("a = 1 // another ]\nb = { c = 3 }")]
    [InlineData("a = ${b}, c = [${d.e}]")]                // substitutions
    [InlineData("actorhttp.limits={ max-body = ")]       // unfinished, which the parser itself reports
    public void Balanced_or_merely_unfinished_text_is_left_to_the_parser(string hocon)
    {
        Assert.Null(HoconBrackets.FirstMismatch(hocon));
    }

    [Theory]
    [InlineData("actorhttp.port=[1, }", "'}' closes a '['")]
    [InlineData("a = { b = 1 ]", "']' closes a '{'")]
    [InlineData("a = 1 }", "'}' closes nothing")]
    [InlineData("a = \"]\" ]", "']' closes nothing")]
    [InlineData("a = [1] # }\n}", "'}' closes nothing")]
    public void A_bracket_that_closes_what_it_did_not_open_is_named(string hocon, string mismatch)
    {
        Assert.Equal(mismatch, HoconBrackets.FirstMismatch(hocon));
    }
}

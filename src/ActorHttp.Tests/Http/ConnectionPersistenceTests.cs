using ActorHttp.Http;

namespace ActorHttp.Tests.Http;

/// <summary>
/// The keep-alive rule (RFC 9112 §9.3) and how a connection closes (§9.6), each a table: a row where every clause
/// allows keeping the connection, then each clause flipped on its own; and connection option lists (RFC 9110 §7.6.1).
/// </summary>
public sealed class ConnectionPersistenceTests
{
    [Theory]
    [InlineData("close", true)]
    [InlineData("Close", true)]
    [InlineData(" close ", true)]
    [InlineData("keep-alive, close", true)]
    [InlineData("upgrade,\tclose", true)]
    [InlineData("closed", false)]
    [InlineData("not-close", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_connection_option_is_found_as_a_whole_list_element(string? value, bool expected) =>
        Assert.Equal(expected, ConnectionPersistence.HasToken(value, "close"));

    [Theory]
    //          client request last    shut-  peer   close- body     keeps
    //          wants  known   answer  ting   sent   delim. unread   open
    //          keep                   down   FIN    body
    [InlineData(true,  true,  false, false, false, false, false,   true)]  // every clause allows it
    [InlineData(false, true,  false, false, false, false, false,   false)] // §9.3: the client said close (or HTTP/1.0 without keep-alive)
    [InlineData(true,  false, false, false, false, false, false,   false)] // after a rejection the next request's start is unknown
    [InlineData(true,  true,  false, false, false, false, true,    false)] // answered before its body ended: where the next request starts is unknown
    [InlineData(true,  true,  false, false, false, true,  false,   false)] // §6.3: the body ends only when the connection closes
    [InlineData(true,  true,  true,  false, false, false, false,   true)]  // the last answer alone closes nothing
    [InlineData(true,  true,  true,  true,  false, false, false,   false)] // §9.6: shutting down, the last answer says close
    [InlineData(true,  true,  false, true,  false, false, false,   true)]  // shutting down, answers still to come keep it open
    [InlineData(true,  true,  true,  false, true,  false, false,   false)] // §9.6: the client half-closed and this is the last answer
    [InlineData(true,  true,  false, false, true,  false, false,   true)]  // the client half-closed but more answers are due
    public void A_connection_stays_open_only_while_no_clause_of_the_rule_closes_it(
        bool clientWantsKeepAlive, bool requestKnown, bool lastToAnswer, bool shuttingDown, bool peerClosed,
        bool closeDelimitedBody, bool requestBodyUnread, bool keepsOpen) =>
        Assert.Equal(keepsOpen, ConnectionPersistence.KeepsOpen(new ResponseTurn(
            clientWantsKeepAlive, requestKnown, lastToAnswer, shuttingDown, peerClosed, closeDelimitedBody, requestBodyUnread)));

    [Theory]
    //          client request nothing closes
    //          asked  known   unread  at once
    [InlineData(true,  true,  true,  true)]  // the client asked and sends nothing more: close as nginx and Kestrel do
    [InlineData(false, true,  true,  false)] // a close the client did not ask for: it may still be sending (§9.6)
    [InlineData(true,  false, true,  false)] // an error: the client may be mid-request, a reset would lose the answer
    [InlineData(true,  true,  false, false)] // a pipelined request or a body not read: closing now could reset the answer
    public void A_connection_closes_at_once_only_when_the_client_asked_and_nothing_it_sent_is_unread(
        bool clientAskedToClose, bool requestKnown, bool nothingUnread, bool atOnce) =>
        Assert.Equal(atOnce, ConnectionPersistence.ClosesAtOnce(clientAskedToClose, requestKnown, nothingUnread));
}

using Akka.Actor;
using ActorHttp.Handlers;
using ActorHttp.Routing;
using ActorHttp.Tests.Observability;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Handlers;

/// <summary>The built-in chat: one room, one member per socket, every message to every member; and the page that uses it.</summary>
public sealed class ChatRoomSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void Every_message_goes_to_every_member_and_a_member_that_stopped_gets_none()
    {
        var room = Sys.ActorOf(ChatRoom.Props());
        var (alice, aliceClient) = this.OpenWebSocket(ChatMember.Props(room), "/ws/chat");
        var (bob, bobClient) = this.OpenWebSocket(ChatMember.Props(room), "/ws/chat");
        var (carol, carolClient) = this.OpenWebSocket(ChatMember.Props(room), "/ws/chat");
        // Joining is a message to the room: a round trip through it makes sure all three have joined.
        AwaitAssert(() =>
        {
            alice.SendText("ping");
            carolClient.ExpectText(TimeSpan.FromMilliseconds(200));
        });
        aliceClient.ReceiveWhile<object>(TimeSpan.FromMilliseconds(100), m => m);
        bobClient.ReceiveWhile<object>(TimeSpan.FromMilliseconds(100), m => m);
        carolClient.ReceiveWhile<object>(TimeSpan.FromMilliseconds(100), m => m);

        Watch(carol);
        Sys.Stop(carol);
        ExpectTerminated(carol);

        // The room hears of carol's end by its own watch, which may come a moment after the test's: a message said
        // before that still reaches her, so the assertion is retried until the room has let her go.
        AwaitAssert(() =>
        {
            bob.SendText("hello");
            Assert.Equal("hello", aliceClient.ExpectText());
            Assert.Equal("hello", bobClient.ExpectText());
            carolClient.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        });
    }

    [Fact]
    public void The_chat_page_talks_to_ws_chat_with_the_element_ids_a_browser_test_drives()
    {
        var page = RepoFiles.Read("www/chat.html");

        Assert.Contains("/ws/chat", page);
        Assert.Contains("id=\"message\"", page);
        Assert.Contains("id=\"send\"", page);
        Assert.Contains("id=\"log\"", page);
        Assert.Contains("textContent", page); // messages shown as text, never as HTML
        Assert.DoesNotContain("innerHTML", page);
    }
}

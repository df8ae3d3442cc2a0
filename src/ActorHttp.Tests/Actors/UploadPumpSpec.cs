using System.Collections.Immutable;
using System.Text;
using Akka;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Http;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// A request body fed to its handler's stream as it arrives, in an <see cref="Owner"/> standing in for the
/// connection actor (the pump's offers are answered to it), in virtual time for the handler's timeout.
/// </summary>
public sealed class UploadPumpSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan HandlerTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Briefly = TimeSpan.FromMilliseconds(100);
    private const string Head = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n";

    private readonly Owner _owner;
    private readonly ExchangeQueue _queue;
    private readonly RequestReader _reader = new(TestSettings.For(Path.GetTempPath()), headFirst: true);

    public UploadPumpSpec() : base(Support.VirtualTime.Config)
    {
        _owner = new Owner(this);
        _queue = _owner.Run((context, owner) => new ExchangeQueue(context, owner, HandlerTimeout, () => Sys.Log));
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private void Receive(string text) => _owner.Run(() =>
    {
        _reader.Spill();
        _reader.Append(ByteString.FromBytes(Encoding.Latin1.GetBytes(text)));
    });

    /// <summary>A streamed request as the connection starts one: its head read, its exchange queued, its pump made.</summary>
    private (UploadPump Pump, Source<ByteString, NotUsed> Body) Begin(string bytes)
    {
        Receive(bytes);
        return _owner.Run(() =>
        {
            var head = _reader.Next();
            Assert.Equal(ReadKind.Head, head.Kind);
            _reader.StreamBody();
            var exchange = _queue.Add(head.Request, HttpVersion.Http11, keepAlive: true);
            return UploadPump.Create(exchange.Seq, Sys.Materializer(), _owner.Ref, _queue);
        });
    }

    private PumpState Feed(UploadPump pump) => _owner.Run(() => pump.Feed(_reader, out _));

    private PumpState Answer(UploadPump pump, UploadPump.Offered offered) => _owner.Run(() => pump.OnOffered(offered));

    private static string Whole(Task<IImmutableList<ByteString>> handler)
    {
        Assert.True(handler.Wait(TimeSpan.FromSeconds(3)));
        return string.Concat(handler.Result.Select(piece => piece.ToString(Encoding.Latin1)));
    }

    [Fact]
    public void Pieces_are_offered_one_at_a_time_and_the_body_is_done_once_the_handler_took_the_last()
    {
        var (pump, body) = Begin(Head + "01234");
        var handler = body.RunWith(Sink.Seq<ByteString>(), Sys.Materializer());

        Assert.Equal(PumpState.Waiting, Feed(pump));
        Assert.True(pump.OfferPending);
        Receive("56789");
        Assert.Equal(PumpState.Waiting, Feed(pump));        // the first offer is unanswered: nothing more is read
        Assert.False(_reader.IsEmpty);
        var first = _owner.Events.ExpectMsg<UploadPump.Offered>();
        _owner.Events.ExpectNoMsg(Briefly);

        Assert.Equal(PumpState.Waiting, Answer(pump, first));
        Assert.Equal(PumpState.Waiting, Feed(pump));        // the last piece is read and offered, not yet taken
        Assert.True(_reader.IsEmpty);
        Assert.True(pump.OfferPending);
        Assert.Equal(PumpState.Done, Answer(pump, _owner.Events.ExpectMsg<UploadPump.Offered>()));

        Assert.Equal("0123456789", Whole(handler));
    }

    [Fact]
    public void The_handler_is_timed_while_it_holds_a_piece_and_from_the_bodys_end_never_while_the_client_sends()
    {
        var (pump, body) = Begin(Head + "01234");
        var taken = CreateTestProbe();
        body.RunForeach(piece => taken.Ref.Tell(piece, Akka.Actor.ActorRefs.NoSender), Sys.Materializer());
        var tick = TimeSpan.FromMilliseconds(1);

        Feed(pump);
        taken.ExpectMsg<ByteString>();                      // the handler's stream runs (before virtual time moves)
        var first = _owner.Events.ExpectMsg<UploadPump.Offered>();
        Clock.Advance(HandlerTimeout - tick);
        Answer(pump, first);                                // taken in time: the client's turn now
        Clock.Advance(2 * HandlerTimeout);
        _owner.Events.ExpectNoMsg(Briefly);

        Receive("567");
        Feed(pump);
        var second = _owner.Events.ExpectMsg<UploadPump.Offered>();
        Clock.Advance(HandlerTimeout);                      // not answered yet: the handler holds the body up
        _owner.Events.ExpectMsg<ExchangeQueue.HandlerTimedOut>();
        Answer(pump, second);

        Receive("89");
        Feed(pump);
        Assert.Equal(PumpState.Done, Answer(pump, _owner.Events.ExpectMsg<UploadPump.Offered>()));
        Clock.Advance(HandlerTimeout);                      // the handler has the whole body: it must reply in time
        _owner.Events.ExpectMsg<ExchangeQueue.HandlerTimedOut>();
    }

    [Fact]
    public void After_the_handler_cancels_its_stream_the_rest_of_the_body_is_read_and_dropped()
    {
        var (pump, _) = Begin(Head + "01234");
        Feed(pump);
        var offered = _owner.Events.ExpectMsg<UploadPump.Offered>();

        // What a handler that cancelled its stream answers an offer with.
        Assert.Equal(PumpState.Waiting, Answer(pump, offered with { Result = QueueOfferResult.QueueClosed.Instance }));
        Assert.False(pump.WantsMore);

        Receive("56789GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(PumpState.Done, Feed(pump));           // read to its end, offered to nobody
        _owner.Events.ExpectNoMsg(Briefly);
        Assert.Equal("/next", _owner.Run(() => _reader.Next().Request?.Target));
    }

    [Theory]
    [InlineData(false)] // the client vanished mid-body: the handler must not take a truncated body for a whole one
    [InlineData(true)]  // the body ended and only its last piece was on its way: the handler gets all of it
    public void Abandoning_a_body_fails_the_handlers_stream_only_if_the_body_did_not_end(bool ended)
    {
        var (pump, body) = Begin(Head + (ended ? "0123456789" : "01234"));
        var handler = body.RunWith(Sink.Seq<ByteString>(), Sys.Materializer());
        Feed(pump);
        Assert.Equal(!ended, pump.WantsMore);

        _owner.Run(() => pump.Abandon());

        if (ended) Assert.Equal("0123456789", Whole(handler));
        else Assert.IsType<IOException>(Assert.Throws<AggregateException>(() => handler.Wait(TimeSpan.FromSeconds(3))).InnerException);
        Assert.False(pump.WantsMore);
    }
}

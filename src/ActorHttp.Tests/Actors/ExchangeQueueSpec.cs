using Akka.Actor;
using Akka.IO;
using Akka.Streams.Dsl;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Http;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// A connection's exchanges in request order and the handlers working on them, in an <see cref="Owner"/> standing
/// in for the connection actor, in virtual time: the test hands each handler's reply, stop or timer to the queue.
/// </summary>
public sealed class ExchangeQueueSpec : Akka.TestKit.Xunit2.TestKit
{
    // Each step is a message that virtual time releases at once; only a loaded machine makes it slow to arrive.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan HandlerTimeout = TimeSpan.FromSeconds(30);
    private static readonly HttpRequest Request = Requests.Get("/h");

    private readonly Owner _owner;
    private readonly ExchangeQueue _queue;

    public ExchangeQueueSpec() : base(Support.VirtualTime.Config)
    {
        _owner = new Owner(this);
        _queue = _owner.Run((context, owner) => new ExchangeQueue(context, owner, HandlerTimeout, () => Sys.Log));
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private Exchange Add() => _owner.Run(() => _queue.Add(Request, HttpVersion.Http11, keepAlive: true));

    /// <summary>Adds an exchange and starts its route as the connection does; the handler it started, if any.</summary>
    private (Exchange Exchange, IActorRef? Handler) Start(RouteTarget target, bool streamsBody = false)
    {
        var route = new Route(new[] { "GET" }, PathPattern.Parse("/h"), target) { StreamsRequestBody = streamsBody };
        return _owner.Run(() =>
        {
            var exchange = _queue.Add(Request, HttpVersion.Http11, keepAlive: true);
            _queue.Start(exchange, route, Request, streamsBody ? Source.Empty<ByteString>() : null);
            return (exchange, exchange.Handler);
        });
    }

    private static RouteTarget PerRequest<T>() where T : ActorBase, new() => new RouteTarget.PerRequest(Props.Create<T>());

    private int? StatusOf(Exchange exchange) => _owner.Run(() => exchange.Response?.Status);

    [Fact]
    public void Responses_come_out_in_request_order_whichever_is_ready_first()
    {
        var (first, second, third) = (Add(), Add(), Add());
        Assert.True(_owner.Run(() => _queue.Complete(second.Seq, HttpResponse.Empty(204))));

        Assert.Same(first, _owner.Run(() => _queue.First)); // the second is ready, but the first goes out first
        Assert.Null(StatusOf(first));

        _owner.Run(() => _queue.RemoveFirst());
        Assert.Same(second, _owner.Run(() => _queue.First));
        _owner.Run(() => _queue.RemoveFirst());
        Assert.Same(third, _owner.Run(() => _queue.First));
        Assert.Equal(1, _owner.Run(() => _queue.Count));
        Assert.Null(_owner.Run(() => _queue.Find(first.Seq)));
    }

    [Fact]
    public void An_exchange_completes_once_and_every_later_answer_is_ignored()
    {
        var exchange = Add();
        var seq = exchange.Seq;
        Assert.True(_owner.Run(() => _queue.Complete(seq, HttpResponse.Empty(204))));

        Assert.False(_owner.Run(() => _queue.Complete(seq, HttpResponse.Empty(200))));
        Assert.False(_owner.Run(() => _queue.OnReply(new ExchangeQueue.HandlerReplied(seq, HttpResponse.Empty(200)))));
        Assert.False(_owner.Run(() => _queue.OnFailed(new ExchangeQueue.HandlerFailed(seq, new InvalidOperationException()))));
        Assert.False(_owner.Run(() => _queue.OnTimedOut(new ExchangeQueue.HandlerTimedOut(seq))));
        Assert.Equal(204, StatusOf(exchange));
    }

    [Fact]
    public void A_per_request_handler_gets_the_request_and_is_stopped_once_its_exchange_completes()
    {
        var (exchange, handler) = Start(PerRequest<Replier>());
        Watch(handler!);

        var reply = _owner.Events.ExpectMsg<HttpResponse>();
        Assert.Equal(handler, _owner.Events.LastSender);
        Assert.True(_owner.Run(() => _queue.OnChildReply(handler!, reply)));

        ExpectTerminated(handler!);
        Assert.Equal(200, StatusOf(exchange));
        Assert.Null(_owner.Run(() => exchange.Handler));
        Assert.False(_owner.Run(() => _queue.OnChildReply(handler!, HttpResponse.Empty(500)))); // a second reply is late
    }

    [Fact]
    public void A_handler_that_stops_without_replying_is_answered_500()
    {
        var (exchange, handler) = Start(PerRequest<Quitter>());

        var stopped = _owner.Events.ExpectMsg<Owner.Stopped>();
        Assert.Equal(handler, stopped.Child);
        Assert.True(_owner.Run(() => _queue.OnTerminated(stopped.Child)));
        Assert.Equal(500, StatusOf(exchange));
    }

    [Fact]
    public void A_handler_that_does_not_reply_within_the_handler_timeout_is_answered_503_and_stopped()
    {
        var (exchange, handler) = Start(PerRequest<Silent>());
        Watch(handler!);

        Clock.Advance(HandlerTimeout - TimeSpan.FromMilliseconds(1));
        _owner.Events.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromMilliseconds(1));

        var timedOut = _owner.Events.ExpectMsg<ExchangeQueue.HandlerTimedOut>();
        Assert.True(_owner.Run(() => _queue.OnTimedOut(timedOut)));
        Assert.Equal(503, StatusOf(exchange));
        ExpectTerminated(handler!);
    }

    [Fact]
    public void A_handler_fed_a_streamed_body_is_timed_only_from_TimeHandler_each_call_afresh_until_UntimeHandler()
    {
        var (exchange, _) = Start(PerRequest<Silent>(), streamsBody: true);
        var seq = exchange.Seq;
        Clock.Advance(2 * HandlerTimeout);                 // not timed while the body is still to come
        _owner.Run(() => _queue.TimeHandler(seq));
        _owner.Run(() => _queue.UntimeHandler(seq));
        Clock.Advance(2 * HandlerTimeout);
        _owner.Events.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        _owner.Run(() => _queue.TimeHandler(seq));
        Clock.Advance(TimeSpan.FromSeconds(20));
        _owner.Run(() => _queue.TimeHandler(seq));         // counts from now, not from the first call
        Clock.Advance(TimeSpan.FromSeconds(20));
        _owner.Events.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.True(_owner.Run(() => _queue.OnTimedOut(_owner.Events.ExpectMsg<ExchangeQueue.HandlerTimedOut>())));
        Assert.Equal(503, StatusOf(exchange));
    }

    [Fact]
    public void A_route_answered_in_place_that_throws_is_answered_500_and_logged()
    {
        var exchange = Add();

        var response = EventFilter.Exception<InvalidOperationException>().ExpectOne(() =>
            _owner.Run(() => _queue.Serve(exchange, _ => throw new InvalidOperationException("boom"), Request)));

        Assert.Equal(500, response.Status);
    }

    [Fact]
    public void A_shared_handler_is_asked_and_its_reply_completes_its_own_exchange()
    {
        var shared = CreateTestProbe();
        var (exchange, handler) = Start(new RouteTarget.Actor(shared.Ref));
        Assert.Null(handler);

        shared.ExpectMsg<HttpRequest>();
        shared.Reply(HttpResponse.Empty(204));

        var replied = _owner.Events.ExpectMsg<ExchangeQueue.HandlerReplied>();
        Assert.Equal(exchange.Seq, replied.Seq);
        Assert.True(_owner.Run(() => _queue.OnReply(replied)));
        Assert.Equal(204, StatusOf(exchange));
    }

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    /// <summary>Starts a request to the entity "a" of a sharded route whose region is <paramref name="region"/>.</summary>
    private Exchange StartSharded(TestProbe region, string requestId = "r1")
    {
        var target = new RouteTarget.Sharded(new ShardedEntity("counter", _ => Props.Empty), "id") { Region = region.Ref, RetryInterval = RetryInterval };
        var route = new Route(new[] { "POST" }, PathPattern.Parse("/counter/{id}"), target);
        var request = Requests.Build("POST", "/counter/a", ReadOnlyMemory<byte>.Empty, ("X-Request-Id", requestId)).WithRouteValues(("id", "a"));
        return _owner.Run(() =>
        {
            var exchange = _queue.Add(request, HttpVersion.Http11, keepAlive: true);
            _queue.Start(exchange, route, request, null);
            return exchange;
        });
    }

    [Fact]
    public void A_sharded_request_whose_delivery_is_lost_is_sent_again_alike_after_the_retry_interval_and_the_first_reply_wins()
    {
        var region = CreateTestProbe();
        var exchange = StartSharded(region);
        var first = region.ExpectMsg<ShardedHttpRequest>();
        Assert.Equal("a", first.EntityId);
        Assert.NotEqual(Guid.Empty, first.DeliveryId);

        // The first delivery is dropped (a shard handed off, a node gone): nothing comes back.
        Clock.Advance(RetryInterval - TimeSpan.FromMilliseconds(1));
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var again = region.ExpectMsg<ShardedHttpRequest>();
        Assert.Equal(first.DeliveryId, again.DeliveryId); // the same delivery, which the entity can recognise
        Assert.Same(first.Request, again.Request);

        region.Reply(HttpResponse.Text(200, "1\n"));
        region.Reply(HttpResponse.Text(200, "1\n")); // a late duplicate's answer
        var reply = _owner.Events.ExpectMsg<HttpResponse>();
        Assert.True(_owner.Run(() => _queue.OnChildReply(_owner.Events.LastSender, reply)));
        Assert.Equal(200, StatusOf(exchange));
        _owner.Events.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        Clock.Advance(4 * RetryInterval); // answered: no more deliveries
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Two_sharded_requests_carry_different_delivery_ids_even_with_the_same_X_Request_Id()
    {
        var region = CreateTestProbe();
        StartSharded(region, requestId: "same");
        StartSharded(region, requestId: "same"); // a client may reuse its ids

        Assert.NotEqual(region.ExpectMsg<ShardedHttpRequest>().DeliveryId, region.ExpectMsg<ShardedHttpRequest>().DeliveryId);
    }

    [Fact]
    public void A_sharded_request_never_answered_is_sent_again_until_the_handler_timeout_then_answered_504()
    {
        var region = CreateTestProbe();
        var exchange = StartSharded(region);
        var deliveries = 1;
        region.ExpectMsg<ShardedHttpRequest>(Patience);
        for (var elapsed = RetryInterval; elapsed < HandlerTimeout; elapsed += RetryInterval)
        {
            Clock.Advance(RetryInterval);
            region.ExpectMsg<ShardedHttpRequest>(Patience);
            deliveries++;
        }
        Assert.Equal(15, deliveries); // at 0, 2, ..., 28 s

        Clock.Advance(RetryInterval);
        var timedOut = _owner.Events.ExpectMsg<ExchangeQueue.HandlerTimedOut>(Patience);
        Assert.True(_owner.Run(() => _queue.OnTimedOut(timedOut)));
        Assert.Equal(504, StatusOf(exchange));
        region.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m, msgs: 1); // the one due at 30 s too, if it went first
        Clock.Advance(4 * RetryInterval); // the sender is stopped with its exchange
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private sealed class Replier : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(HttpResponse.Text(200, "ok"));
    }

    private sealed class Silent : UntypedActor
    {
        protected override void OnReceive(object message) { }
    }

    private sealed class Quitter : UntypedActor
    {
        protected override void OnReceive(object message) => Context.Stop(Self);
    }
}

using System.Text;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using ActorHttp.Actors;
using ActorHttp.Configuration;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Routing;
using ActorHttp.Tests.Support;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Tests.Actors;

/// <summary>
/// The WebSocket session against a probe standing in for the Akka.IO connection, in virtual time: the close codes it
/// sends, the keep-alive ping, the bounded outgoing queue and the back-pressure on reading. A small owner actor stands in
/// for the connection actor after a 101: it hands the session every message and stops once the session ended.
/// It runs in the heap collection, alone, for its spec that counts what idle sessions keep.
/// </summary>
[Collection(HeapCollection.Name)]
public sealed class WebSocketSessionSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly byte[] Key = { 9, 8, 7, 6 };

    private static readonly WebSocketSettings Settings = WebSocketSettings.Default with
    {
        MaxMessage = 64, KeepAliveInterval = TimeSpan.FromSeconds(30), KeepAliveTimeout = TimeSpan.FromSeconds(10), MaxOutgoingQueue = 3,
    };

    /// <summary>A message begun must come at 100 bytes a second after a grace of 5 s.</summary>
    private static readonly MinDataRate MessageRate = new(100, TimeSpan.FromSeconds(5));

    private readonly TestProbe _connection;
    private readonly TestProbe _handler;
    private readonly ReadCount _reads = new();
    private IActorRef _socket = ActorRefs.Nobody;
    private IActorRef _session = null!;
    private IActorRef _ticker = null!;
    private IActorRef _handlerActor = null!;
    private WebSocketChannel _channel = null!;

    public WebSocketSessionSpec() : base(VirtualTime.Config)
    {
        _connection = CreateTestProbe();
        _handler = CreateTestProbe();
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private sealed class ReadCount
    {
        public int Asked;
    }

    /// <summary>Counts the reads the session asks for and passes every other command to the probe, the session as sender.</summary>
    private sealed class SocketStub : ReceiveActor
    {
        public SocketStub(IActorRef probe, ReadCount reads)
        {
            Receive<Tcp.ResumeReading>(_ => Interlocked.Increment(ref reads.Asked));
            ReceiveAny(message => probe.Forward(message));
        }
    }

    /// <summary>A handler that tells the probe all it receives; "fail" makes it throw, a gate holds it in its first message.</summary>
    private sealed class ProbeHandler : ReceiveActor
    {
        public ProbeHandler(IActorRef probe, ManualResetEventSlim? gate)
        {
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("handler failure (expected by the spec)"));
            ReceiveAny(message =>
            {
                if (gate is not null && message is WebSocketMessage) gate.Wait(TimeSpan.FromSeconds(10));
                probe.Tell(message, Self);
            });
        }
    }

    /// <summary>Owns one session as the connection actor does once upgraded: every message to it, stopped once it ended.</summary>
    private sealed class SessionOwner : UntypedActor, IWithTimers
    {
        private readonly IActorRef _socket;
        private readonly WebSocketSettings _settings;
        private readonly IActorRef? _keepAlive;
        private readonly Props _handler;
        private readonly bool _draining;
        private WebSocketSession _session = null!;

        public SessionOwner(IActorRef socket, WebSocketSettings settings, IActorRef? keepAlive, Props handler, bool draining)
        {
            _socket = socket;
            _settings = settings;
            _keepAlive = keepAlive;
            _handler = handler;
            _draining = draining;
        }

        public ITimerScheduler Timers { get; set; } = null!;

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Stop));

        protected override void PreStart() => _session = WebSocketSession.Open(Context, Timers, _socket, _settings,
            MessageRate, NullServerObserver.Instance, _keepAlive, _handler, Requests.Get("/ws"), null, ByteString.Empty, _draining);

        protected override void PostStop() => _session.OwnerStopped();

        protected override void OnReceive(object message)
        {
            _session.Handle(message);
            if (_session.Ended) Context.Stop(Self);
        }
    }

    private static Props Owned(IActorRef socket, WebSocketSettings settings, IActorRef? keepAlive, Props handler, bool draining = false) =>
        Props.Create(() => new SessionOwner(socket, settings, keepAlive, handler, draining));

    /// <summary>Opens a session whose pings come from <paramref name="keepAlive"/>, by default a ticker of its own.</summary>
    private void Open(WebSocketSettings? settings = null, bool draining = false, ManualResetEventSlim? gate = null, IActorRef? keepAlive = null)
    {
        var socket = _socket = Sys.ActorOf(Props.Create(() => new SocketStub(_connection.Ref, _reads)));
        var handler = Props.Create(() => new ProbeHandler(_handler.Ref, gate));
        _ticker = keepAlive ?? Sys.ActorOf(KeepAliveTicker.Props(Settings.KeepAliveInterval, Settings.KeepAliveTimeout));
        _session = Sys.ActorOf(Owned(socket, settings ?? Settings, _ticker, handler, draining));
        Watch(_session);
        var opened = _handler.ExpectMsg<WebSocketOpened>();
        _handlerActor = _handler.LastSender;
        _channel = opened.Channel;
    }

    private void ClientSends(byte[] frame) => _session.Tell(new Tcp.Received(ByteString.FromBytes(frame)), _connection.Ref);

    private static byte[] Masked(WebSocketOpcode opcode, string text) => WebSocketFrames.Encode(opcode, Encoding.UTF8.GetBytes(text), mask: Key);

    private static byte[] Masked(WebSocketOpcode opcode, byte[] payload) => WebSocketFrames.Encode(opcode, payload, mask: Key);

    /// <summary>The next write, acknowledged unless told otherwise.</summary>
    private byte[] ExpectWrite(bool ack = true)
    {
        var write = _connection.ExpectMsg<Tcp.Write>();
        if (ack) _connection.Reply(write.Ack);
        return write.Data.ToArray();
    }

    /// <summary>The close frame the server sent, as its code.</summary>
    private ushort ExpectCloseFrame()
    {
        var frame = ExpectWrite();
        Assert.Equal(0x88, frame[0]);
        return (ushort)(frame[2] << 8 | frame[3]);
    }

    /// <summary>
    /// Returns once the session and its ticker have handled all sent so far, so that their timers are set, and the
    /// socket has counted every read the session asked before that.
    /// </summary>
    private void Settle()
    {
        _session.Tell(new Identify("settle"), TestActor);
        ExpectMsg<ActorIdentity>();
        _socket.Tell(new Identify("settle"), TestActor);
        ExpectMsg<ActorIdentity>();
        _session.Tell(new Identify("settle"), TestActor);
        ExpectMsg<ActorIdentity>();
        _ticker.Tell(new Identify("settle"), TestActor);
        ExpectMsg<ActorIdentity>();
    }

    [Fact]
    public void The_clients_close_is_told_the_handler_answered_with_its_code_and_then_the_server_closes_the_TCP_connection()
    {
        Open();

        ClientSends(Masked(WebSocketOpcode.Close, new byte[] { 0x03, 0xE8, (byte)'o', (byte)'k' }));

        Assert.Equal(new WebSocketClosed(1000, "ok"), _handler.ExpectMsg<WebSocketClosed>());
        Assert.Equal(1000, ExpectCloseFrame());
        _connection.ExpectMsg<Tcp.Close>();
        _session.Tell(Tcp.Closed.Instance, _connection.Ref);
        ExpectTerminated(_session);
    }

    [Theory]
    [InlineData("unmasked", WebSocketCloseCodes.ProtocolError)]
    [InlineData("reserved opcode", WebSocketCloseCodes.ProtocolError)]
    [InlineData("stray continuation", WebSocketCloseCodes.ProtocolError)]
    [InlineData("bad UTF-8", WebSocketCloseCodes.InvalidPayload)]
    [InlineData("too big", WebSocketCloseCodes.MessageTooBig)]
    public void A_client_that_breaks_a_rule_gets_its_close_code_and_nothing_more_is_read(string fault, ushort code)
    {
        Open();
        var frame = fault switch
        {
            "unmasked" => WebSocketFrames.EncodeText("x"),
            "reserved opcode" => Masked((WebSocketOpcode)3, "x"),
            "stray continuation" => Masked(WebSocketOpcode.Continuation, "x"),
            "bad UTF-8" => Masked(WebSocketOpcode.Text, new byte[] { 0xFF }),
            _ => Masked(WebSocketOpcode.Binary, new byte[65]),
        };
        Settle(); // the reads asked while opening are counted
        var readsBefore = Volatile.Read(ref _reads.Asked);

        ClientSends(frame);

        Assert.Equal(code, _handler.ExpectMsg<WebSocketClosed>().Code);
        Assert.Equal(code, ExpectCloseFrame());
        _connection.ExpectMsg<Tcp.Close>();
        Settle();
        Assert.Equal(readsBefore, Volatile.Read(ref _reads.Asked));
    }

    [Fact]
    public void A_handler_that_fails_closes_the_socket_with_1011()
    {
        Open();

        _handlerActor.Tell("fail");

        Assert.Equal(WebSocketCloseCodes.InternalError, ExpectCloseFrame());
    }

    [Fact]
    public void Shutdown_closes_the_socket_with_1001_and_cuts_it_if_the_client_does_not_answer_in_time()
    {
        Open();

        _session.Tell(ConnectionProtocol.Drain.Instance);

        Assert.Equal(WebSocketCloseCodes.GoingAway, ExpectCloseFrame());
        Assert.Equal(WebSocketCloseCodes.GoingAway, _handler.ExpectMsg<WebSocketClosed>().Code);
        Settle();
        Clock.Advance(Settings.KeepAliveTimeout);
        _connection.ExpectMsg<Tcp.Abort>();
        ExpectTerminated(_session);
    }

    [Fact]
    public void A_socket_opened_while_draining_closes_at_once_with_1001()
    {
        Open(draining: true);

        Assert.Equal(WebSocketCloseCodes.GoingAway, ExpectCloseFrame());
    }

    [Fact]
    public void The_handlers_close_goes_out_after_what_it_sent_and_the_clients_answer_ends_the_connection()
    {
        Open();

        _channel.SendText("last");
        _channel.Close(4000, "done");

        Assert.Equal(WebSocketFrames.EncodeText("last"), ExpectWrite());
        Assert.Equal(4000, ExpectCloseFrame());
        ClientSends(Masked(WebSocketOpcode.Close, new byte[] { 0x0F, 0xA0 }));
        Assert.Equal(4000, _handler.ExpectMsg<WebSocketClosed>().Code);
        _connection.ExpectMsg<Tcp.Close>();
    }

    [Fact]
    public void An_idle_socket_is_pinged_and_a_peer_that_answers_is_kept()
    {
        Open();
        Settle();

        Clock.Advance(Settings.KeepAliveInterval);
        Assert.Equal(new byte[] { 0x89, 0x00 }, ExpectWrite());
        ClientSends(Masked(WebSocketOpcode.Pong, Array.Empty<byte>()));
        Settle();
        Clock.Advance(Settings.KeepAliveTimeout);

        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_peer_that_does_not_answer_the_ping_in_time_is_cut_and_the_handler_told_1006()
    {
        Open();
        Settle();

        Clock.Advance(Settings.KeepAliveInterval);
        Assert.Equal(new byte[] { 0x89, 0x00 }, ExpectWrite());
        Settle();
        Clock.Advance(Settings.KeepAliveTimeout);

        _connection.ExpectMsg<Tcp.Abort>();
        Assert.Equal(WebSocketCloseCodes.Abnormal, _handler.ExpectMsg<WebSocketClosed>().Code);
        ExpectTerminated(_session);
    }

    [Fact]
    public void A_session_pings_only_when_its_ticker_says_so_and_cuts_a_peer_silent_when_the_answer_is_due()
    {
        var ticker = CreateTestProbe();
        Open(keepAlive: ticker.Ref);
        ticker.ExpectMsg<KeepAliveTicker.Join>();
        Assert.Equal(_session, ticker.LastSender);
        Settle();

        Clock.Advance(Settings.KeepAliveInterval * 3); // no timer of its own
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        ticker.Send(_session, new KeepAliveTicker.Ping(7));
        Assert.Equal(new byte[] { 0x89, 0x00 }, ExpectWrite());
        ticker.Send(_session, new KeepAliveTicker.Ping(8)); // the peer is late for the first ping: its round counts
        ExpectWrite();
        ticker.Send(_session, new KeepAliveTicker.AnswerDue(6));
        Settle();
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        ticker.Send(_session, new KeepAliveTicker.AnswerDue(7));

        _connection.ExpectMsg<Tcp.Abort>();
        Assert.Equal(WebSocketCloseCodes.Abnormal, _handler.ExpectMsg<WebSocketClosed>().Code);
        ExpectTerminated(_session);
        ticker.ExpectMsg<KeepAliveTicker.Leave>();
    }

    [Fact]
    public void A_message_trickled_slower_than_the_minimum_rate_closes_the_socket_with_1008()
    {
        Open();
        var frame = Masked(WebSocketOpcode.Text, "trickled");
        Settle();

        // A byte of the frame now and then: the message is never whole, and falls below the rate after the grace.
        for (var i = 0; i < 4; i++)
        {
            ClientSends(new[] { frame[i] });
            Settle();
            Clock.Advance(TimeSpan.FromSeconds(1.5));
        }

        Assert.Equal(WebSocketCloseCodes.PolicyViolation, _handler.ExpectMsg<WebSocketClosed>().Code);
        Assert.Equal(WebSocketCloseCodes.PolicyViolation, ExpectCloseFrame());
        _connection.ExpectMsg<Tcp.Close>();
    }

    [Fact]
    public void A_fragmented_message_whose_last_fragment_never_comes_closes_the_socket_with_1008_and_a_whole_one_does_not()
    {
        Open();
        ClientSends(Masked(WebSocketOpcode.Text, "quick"));
        ClientSends(WebSocketFrames.Encode(WebSocketOpcode.Text, "begun, "u8.ToArray(), fin: false, mask: Key));
        Settle();
        Clock.Advance(TimeSpan.FromSeconds(4));
        ClientSends(WebSocketFrames.Encode(WebSocketOpcode.Continuation, "and whole"u8.ToArray(), mask: Key));
        ClientSends(WebSocketFrames.Encode(WebSocketOpcode.Binary, new byte[] { 1 }, fin: false, mask: Key));
        Settle();
        Assert.Equal("quick", _handler.ExpectMsg<WebSocketMessage.Text>().Content);
        Assert.Equal("begun, and whole", _handler.ExpectMsg<WebSocketMessage.Text>().Content);

        Clock.Advance(MessageRate.GracePeriod);

        Assert.Equal(WebSocketCloseCodes.PolicyViolation, ExpectCloseFrame());
    }

    /// <summary>A socket that does what it is told: acknowledges every write, confirms a close or an abort.</summary>
    private sealed class CompliantSocket : AutoPilot
    {
        public override AutoPilot Run(IActorRef sender, object message)
        {
            switch (message)
            {
                case Tcp.Write write: sender.Tell(write.Ack); break;
                case Tcp.Close: sender.Tell(Tcp.Closed.Instance); break;
                case Tcp.Abort: sender.Tell(Tcp.Aborted.Instance); break;
            }
            return this;
        }
    }

    public static TheoryData<string> WaysASessionEnds => new()
    {
        "the client's close", "the handler's close, answered", "a protocol error", "the socket's error",
        "the client's FIN without a close frame", "no pong in time", "no answer to the server's close",
        "the shutdown's abort", "the shutdown's abort after its drain", "a socket command that failed",
        "a handler's message no frame can carry",
    };

    [Theory]
    [MemberData(nameof(WaysASessionEnds))]
    public void However_a_session_ends_its_handler_takes_one_WebSocketClosed_and_is_then_stopped(string way)
    {
        Open();
        _connection.SetAutoPilot(new CompliantSocket());
        Watch(_handlerActor);

        switch (way)
        {
            case "the client's close": ClientSends(Masked(WebSocketOpcode.Close, new byte[] { 0x03, 0xE8 })); break;
            case "the handler's close, answered":
                _channel.Close(4000, "done");
                ClientSends(Masked(WebSocketOpcode.Close, new byte[] { 0x0F, 0xA0 }));
                break;
            case "a protocol error": ClientSends(WebSocketFrames.EncodeText("unmasked")); break;
            case "the socket's error": _session.Tell(new Tcp.ErrorClosed("connection reset by peer"), _connection.Ref); break;
            case "the client's FIN without a close frame": _session.Tell(Tcp.PeerClosed.Instance, _connection.Ref); break;
            case "no pong in time":
                Settle();
                Clock.Advance(Settings.KeepAliveInterval);
                Settle();
                Clock.Advance(Settings.KeepAliveTimeout);
                break;
            case "no answer to the server's close":
                _session.Tell(ConnectionProtocol.Drain.Instance);
                Settle();
                Clock.Advance(Settings.KeepAliveTimeout);
                break;
            case "the shutdown's abort": _session.Tell(ConnectionProtocol.Abort.Instance); break;
            case "the shutdown's abort after its drain":
                _session.Tell(ConnectionProtocol.Drain.Instance);
                _session.Tell(ConnectionProtocol.Abort.Instance);
                break;
            case "a socket command that failed": _session.Tell(new Tcp.CommandFailed(Tcp.Write.Empty), _connection.Ref); break;
            default: _channel.Socket.Tell(new WebSocketMessage.Text(null!)); break; // a handler's bug: the session's encoding throws

        }

        // The handler forwards what it takes, so a WebSocketClosed at the probe was taken before the handler stopped;
        // the session ends only after the handler did, so by then everything the handler forwarded is at the probe.
        ExpectTerminated(_handlerActor);
        ExpectTerminated(_session);
        var taken = new List<object>();
        while (_handler.HasMessages) taken.Add(_handler.ReceiveOne(TimeSpan.FromSeconds(1))!);
        Assert.Single(taken.OfType<WebSocketClosed>());
    }

    [Fact]
    public void Control_frames_sent_while_a_message_is_begun_do_not_count_toward_its_minimum_rate()
    {
        Open();
        ClientSends(WebSocketFrames.Encode(WebSocketOpcode.Text, "begun, "u8.ToArray(), fin: false, mask: Key));
        Settle();

        // Unsolicited pongs of 131 bytes every half second: 262 bytes/s, above the rate (100), and not a byte of the
        // message. Counted, they would let a client hold a message of up to max-message begun for as long as it liked.
        // Each comes in two reads, so that the bytes of a pong received before it is whole are not counted either.
        var pong = Masked(WebSocketOpcode.Pong, new byte[WebSocketFrames.MaxControlPayload]);
        for (var i = 0; i < 20; i++)
        {
            ClientSends(pong[..60]);
            Settle();
            ClientSends(pong[60..]);
            Settle();
            Clock.Advance(TimeSpan.FromSeconds(0.5));
        }

        Assert.Equal(WebSocketCloseCodes.PolicyViolation, ExpectCloseFrame());
        Assert.Equal(WebSocketCloseCodes.PolicyViolation, _handler.ExpectMsg<WebSocketClosed>().Code);
    }

    [Fact]
    public void A_ping_is_answered_with_a_pong_carrying_its_payload()
    {
        Open();

        ClientSends(Masked(WebSocketOpcode.Ping, "beat"));

        Assert.Equal(WebSocketFrames.Encode(WebSocketOpcode.Pong, "beat"u8), ExpectWrite());
    }

    [Fact]
    public void Pings_that_come_while_a_pong_waits_leave_one_pong_with_the_latest_payload_and_no_room_taken_from_the_queue()
    {
        Open();
        ClientSends(Masked(WebSocketOpcode.Ping, "first"));
        var first = _connection.ExpectMsg<Tcp.Write>(); // on the wire, unacknowledged

        // §5.5.3: more pings than the queue holds (three) while the first pong is out, and the handler's messages behind them.
        ClientSends(Enumerable.Range(0, 10).SelectMany(i => Masked(WebSocketOpcode.Ping, "p" + i)).ToArray());
        for (var i = 0; i < 3; i++) _channel.SendText("m" + i);
        Settle();
        _connection.Reply(first.Ack);

        Assert.Equal(WebSocketFrames.Encode(WebSocketOpcode.Pong, "p9"u8), ExpectWrite());
        for (var i = 0; i < 3; i++) Assert.Equal(WebSocketFrames.EncodeText("m" + i), ExpectWrite());
    }

    [Fact]
    public void A_client_that_does_not_read_fills_the_bounded_queue_and_is_closed_with_1008_what_waited_dropped()
    {
        Open();

        // One write on the wire, unacknowledged; three wait; the fifth message overflows the queue of three.
        for (var i = 0; i < 5; i++) _channel.SendText("m" + i);
        var first = _connection.ExpectMsg<Tcp.Write>();
        Settle();
        _connection.Reply(first.Ack);

        Assert.Equal(WebSocketCloseCodes.PolicyViolation, ExpectCloseFrame());
        _connection.ExpectMsg<Tcp.Close>();
        Assert.Equal(WebSocketCloseCodes.PolicyViolation, _handler.ExpectMsg<WebSocketClosed>().Code);
    }

    [Fact]
    public void Reading_pauses_while_the_handler_is_a_whole_message_behind_and_resumes_once_it_caught_up()
    {
        using var gate = new ManualResetEventSlim();
        Open(gate: gate);
        Settle();

        // The handler is held in the first message; the second puts it more than max-message (64) behind.
        ClientSends(Masked(WebSocketOpcode.Binary, new byte[40]));
        ClientSends(Masked(WebSocketOpcode.Binary, new byte[40]));
        Settle();
        var asked = Volatile.Read(ref _reads.Asked);
        ClientSends(Masked(WebSocketOpcode.Binary, new byte[1]));
        Settle();
        Assert.Equal(asked, Volatile.Read(ref _reads.Asked));

        gate.Set();
        for (var i = 0; i < 3; i++) _handler.ExpectMsg<WebSocketMessage.Binary>();
        AwaitAssert(() => Assert.True(Volatile.Read(ref _reads.Asked) > asked));
    }

    [Fact]
    public void Reading_pauses_while_the_handler_is_max_message_bytes_of_text_behind_counted_in_UTF_8_as_on_the_wire()
    {
        using var gate = new ManualResetEventSlim();
        Open(gate: gate);
        Settle();

        // Ten four-byte characters: 40 bytes on the wire (RFC 6455 §5.2 payload length), 20 UTF-16 chars in a string.
        // Two such messages put the handler 80 bytes behind, past max-message (64), where 40 chars would not be.
        var text = string.Concat(Enumerable.Repeat("\U0001D11E", 10));
        ClientSends(Masked(WebSocketOpcode.Text, text));
        ClientSends(Masked(WebSocketOpcode.Text, text));
        Settle();
        var asked = Volatile.Read(ref _reads.Asked);
        ClientSends(Masked(WebSocketOpcode.Text, "x"));
        Settle();
        Assert.Equal(asked, Volatile.Read(ref _reads.Asked));

        gate.Set();
        for (var i = 0; i < 3; i++) _handler.ExpectMsg<WebSocketMessage.Text>();
        AwaitAssert(() => Assert.True(Volatile.Read(ref _reads.Asked) > asked));
    }

    [Fact]
    public void Messages_reach_the_handler_whole_in_order()
    {
        Open();

        ClientSends(Masked(WebSocketOpcode.Text, "one"));
        ClientSends(WebSocketFrames.Encode(WebSocketOpcode.Binary, new byte[] { 1 }, fin: false, mask: Key)
            .Concat(WebSocketFrames.Encode(WebSocketOpcode.Continuation, new byte[] { 2 }, mask: Key)).ToArray());

        Assert.Equal(new WebSocketMessage.Text("one"), _handler.ExpectMsg<WebSocketMessage.Text>());
        Assert.Equal(new byte[] { 1, 2 }, _handler.ExpectMsg<WebSocketMessage.Binary>().Content.ToArray());
    }

    /// <summary>Takes every command and answers none: the socket of the sessions that only sit idle.</summary>
    private sealed class IdleSocket : UntypedActor
    {
        protected override void OnReceive(object message) { }
    }

    [Fact]
    public void An_idle_session_keeps_no_receive_buffer_once_what_it_received_is_read()
    {
        const int sessions = 400;
        var socket = Sys.ActorOf(Props.Create(() => new IdleSocket()));
        var opened = new IActorRef[sessions];
        for (var i = 0; i < sessions; i++)
            opened[i] = Sys.ActorOf(Owned(socket, Settings, null, Props.Create(() => new IdleSocket())));
        SettleAll(opened);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // A pong, as every client sends once per keep-alive interval: read at once, nothing of it is kept.
        var pong = ByteString.FromBytes(Masked(WebSocketOpcode.Pong, Array.Empty<byte>()));
        foreach (var session in opened) session.Tell(new Tcp.Received(pong), socket);
        SettleAll(opened);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.True((after - before) / sessions < 256, $"{(after - before) / sessions} bytes kept per session after a pong");
        GC.KeepAlive(opened);
    }

    private void SettleAll(IEnumerable<IActorRef> sessions)
    {
        foreach (var session in sessions) session.Tell(new Identify("settle"), TestActor);
        foreach (var _ in sessions) ExpectMsg<ActorIdentity>();
    }
}

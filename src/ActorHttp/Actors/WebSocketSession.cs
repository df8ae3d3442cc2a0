using Akka.Actor;
using Akka.Event;
using Akka.IO;
using ActorHttp.Configuration;
using ActorHttp.Http;
using ActorHttp.Observability;
using ActorHttp.Routing;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Actors;

/// <summary>
/// One WebSocket after its 101 (RFC 6455): reads the client's frames into messages for its handler actor, writes what
/// the handler sends as frames, answers pings, pings an idle peer, and runs the closing handshake. A plain object, not
/// an actor: the connection actor that accepted the handshake owns it and hands it every message once the connection
/// left HTTP, so an open socket costs one actor of ours besides its handler. The handler is the owner's child, its
/// channel points at the owner, and the session's timers are the owner's; the owner stops once <see cref="Ended"/>. The
/// keep-alive pings come from the listener's <see cref="KeepAliveTicker"/>, which the session joins on open.
/// It speaks to the socket only through Akka.IO's connection protocol (Write with an ack, ResumeReading, Close, Abort),
/// so over TLS it goes through its connection actor's TLS session, which speaks the same protocol. Reading is pulled: one ResumeReading per frame
/// received, none while the handler has more than <c>max-message</c> bytes of messages it has not taken yet. Writing is
/// one acknowledged write at a time, behind a queue of at most <c>max-outgoing-queue</c> messages; the answer to pings is
/// one pong at most, kept beside that queue.
/// </summary>
internal sealed class WebSocketSession
{
    private readonly IActorContext _owner;
    private readonly ITimerScheduler _timers;
    private readonly ICanTell _connection;
    private readonly WebSocketSettings _settings;
    private readonly MinDataRate _messageRate;
    private readonly IServerObserver _observer;
    private readonly IActorRef? _keepAlive;       // the ticker of the pings, or null when there are none
    private readonly WebSocketReader _reader;
    private readonly Queue<ByteString> _outgoing = new();
    private byte[]? _pongPayload;         // the payload of the latest ping, whose pong waits to be written, or null
    private IActorRef? _handler;          // null once it stopped
    private readonly InputBuffer _input = new(); // bytes received and not yet read into frames; no array while idle
    private bool _readRequested;
    private bool _writing;                // a write awaits its ack
    private bool _closeSent;              // our close frame is queued: nothing is sent after it
    private bool _doneReading;            // the client's close came, or the connection failed: nothing more is read
    private bool _closeSocketWhenWritten; // the TCP connection closes once the queue is out
    private bool _handlerToldClosed;
    private bool _finishing;              // the socket is gone: waiting for the handler to stop
    private long _undelivered;            // bytes of messages told the handler that it has not been seen to take
    private long _confirming = -1;        // the bytes an outstanding Identify will confirm, or -1
    private long _unansweredPing = -1;    // the keep-alive round of the first ping nothing has arrived since, or -1
    private RequestBodyTiming? _trickle;  // times a message begun and not whole yet; null between messages
    private int _controlOwed;             // bytes of control frames counted toward the message's rate, to take off

    private WebSocketSession(IActorContext owner, ITimerScheduler timers, ICanTell connection, WebSocketSettings settings,
        MinDataRate messageRate, IServerObserver observer, IActorRef? keepAlive)
    {
        _owner = owner;
        _timers = timers;
        _connection = connection;
        _settings = settings;
        _messageRate = messageRate;
        _observer = observer;
        _keepAlive = keepAlive;
        _reader = new WebSocketReader(settings.MaxMessage);
    }

    /// <summary>The socket is gone and the handler stopped: the owner stops too.</summary>
    public bool Ended { get; private set; }

    /// <summary>
    /// Opens the session of one upgraded connection, from within its owner's actor (whose context, timers and
    /// supervision it uses: a handler that throws must be stopped, never restarted). The handler starts as the owner's
    /// child and is told it opened. <paramref name="received"/> is what the client sent after its handshake request,
    /// read as frames; <paramref name="draining"/> closes at once with 1001 (shutdown began). <paramref name="keepAlive"/> is
    /// the <see cref="KeepAliveTicker"/> to join (null: no pings); the owner calls <see cref="OwnerStopped"/> from its PostStop.
    /// A message begun must arrive at <paramref name="messageRate"/> (the minimum request-body rate).
    /// </summary>
    public static WebSocketSession Open(IActorContext owner, ITimerScheduler timers, ICanTell connection, WebSocketSettings settings,
        MinDataRate messageRate, IServerObserver observer, IActorRef? keepAlive, Props handler, HttpRequest request, string? subprotocol,
        ByteString received, bool draining)
    {
        var session = new WebSocketSession(owner, timers, connection, settings, messageRate, observer, keepAlive);
        session.Start(handler, request, subprotocol, received, draining);
        return session;
    }

    private void Start(Props handler, HttpRequest request, string? subprotocol, ByteString received, bool draining)
    {
        _handler = _owner.Watch(_owner.ActorOf(handler, "handler"));
        _handler.Tell(new WebSocketOpened(request, new WebSocketChannel(_owner.Self), subprotocol));
        _keepAlive?.Tell(KeepAliveTicker.Join.Instance, _owner.Self);
        if (draining) StartClose(WebSocketCloseCodes.GoingAway, "server shutting down", failing: false);
        OnReceived(received);
    }

    /// <summary>
    /// One message to the owner: true when it was the session's (the socket's, the handler's or a timer's). Should handling
    /// it throw (a handler's message no frame can carry, such as a null text; or a bug of ours), the socket is reset and
    /// the handler told, as when a peer is lost: the exception would otherwise stop the owner, and Akka would stop the
    /// handler with it before it took its WebSocketClosed.
    /// </summary>
    public bool Handle(object message)
    {
        try
        {
            return Dispatch(message);
        }
        catch (Exception e) when (!_finishing && e is not OutOfMemoryException)
        {
            _owner.GetLogger().Error(e, "WebSocket session failed on a {0}; connection reset", message.GetType().Name);
            LoseConnection("server error");
            return true;
        }
    }

    private bool Dispatch(object message)
    {
        switch (message)
        {
            case Tcp.Received received: _readRequested = false; OnReceived(received.Data); break;
            case ConnectionProtocol.WriteAck: _writing = false; WriteNext(); break;
            case WebSocketMessage.Text text: Send(WebSocketFrames.EncodeText(text.Content)); break;
            case WebSocketMessage.Binary binary: Send(Frame(WebSocketOpcode.Binary, binary.Content)); break;
            case WebSocketClose close: OnHandlerClose(close); break;
            case ActorIdentity identity when identity.MessageId is DeliveryMark: OnDelivered(); break;
            case KeepAliveTicker.Ping ping: OnPing(ping.Round); break;
            case KeepAliveTicker.AnswerDue due: if (_unansweredPing >= 0 && _unansweredPing <= due.Round) LoseConnection("no answer to a ping"); break;
            case CloseTimedOut: LoseConnection("no answer to the close"); break;
            case MessageTooSlow: OnMessageTooSlow(); break;
            case ConnectionProtocol.Drain: StartClose(WebSocketCloseCodes.GoingAway, "server shutting down", failing: false); break;
            case ConnectionProtocol.Abort: LoseConnection("the server's shutdown timed out"); break;
            case Terminated terminated when terminated.ActorRef.Equals(_handler): OnHandlerStopped(); break;
            case Tcp.ConnectionClosed closed: OnSocketClosed(closed); break;
            case Tcp.CommandFailed: LoseConnection("a socket command failed"); break;
            default: return false;
        }
        return true;
    }

    // ---- reading --------------------------------------------------------------------------------------------

    private void OnReceived(ByteString data)
    {
        if (_doneReading || _finishing) return;
        if (!data.IsEmpty)
        {
            _input.Append(data);
            _unansweredPing = -1; // any frame shows the peer is there
        }
        var control = ReadFrames();
        // Bounded: the reader refuses a frame announcing more than max-message, so what is kept is at most one frame
        // of that size and the rest of one read; an idle socket keeps no array at all.
        _input.Spill();
        _input.ReleaseIfEmpty();
        UpdateReading();
        // Control frames are not the message: pongs or pings sent beside a message begun must not keep it going. A
        // control frame split across reads is counted as its first bytes arrive and taken off once it is read whole.
        var messageBytes = data.Count - control - _controlOwed;
        _controlOwed = Math.Max(0, -messageBytes);
        TimeMessage(Math.Max(0, messageBytes));
    }

    /// <summary>Reads the whole frames received; returns the bytes of the control frames among them (ping, pong, close).</summary>
    private int ReadFrames()
    {
        var control = 0;
        while (!_doneReading)
        {
            var read = _reader.Next(_input.Span);
            _input.Consume(read.Consumed);
            if (read.Kind is WebSocketReadKind.Ping or WebSocketReadKind.Pong or WebSocketReadKind.Close) control += read.Consumed;
            switch (read.Kind)
            {
                case WebSocketReadKind.NeedMore: return control;
                case WebSocketReadKind.Text: Deliver(new WebSocketMessage.Text(read.Text!), read.PayloadLength); break;
                case WebSocketReadKind.Binary: Deliver(new WebSocketMessage.Binary(ByteString.FromBytes(read.Payload!)), read.PayloadLength); break;
                case WebSocketReadKind.Ping: Answer(read.Payload!); break;
                case WebSocketReadKind.Close: OnClientClose(read.CloseCode, read.CloseReason); break;
                case WebSocketReadKind.Failed: StartClose(read.CloseCode, "", failing: true); break;
                // A fragment, or a pong: nothing to deliver.
            }
        }
        return control;
    }

    /// <summary>
    /// Hands a message to the handler, counted by its <paramref name="size"/> on the wire (text in UTF-8 bytes, as
    /// max-message counts it, not in the chars of its string). Tell does not wait, so a slow handler is noticed by an
    /// Identify sent behind the messages: Akka answers it when the handler has taken everything before it, without the
    /// handler's code seeing it.
    /// </summary>
    private void Deliver(WebSocketMessage message, int size)
    {
        if (_handler is null || _closeSent) return; // after our close, data frames are discarded (§1.4)
        _handler.Tell(message);
        _undelivered += Math.Max(1, size);
        if (_confirming < 0) Confirm();
    }

    private void Confirm()
    {
        _confirming = _undelivered;
        _handler!.Tell(new Identify(DeliveryMark.Instance));
    }

    private void OnDelivered()
    {
        _undelivered -= _confirming;
        _confirming = -1;
        if (_undelivered > 0 && _handler is not null) Confirm();
        UpdateReading();
        TimeMessage(0);
    }

    /// <summary>
    /// Asks for the next frame unless reading is over, one is asked already, or the handler is behind by more than a
    /// whole message: then the client waits in the kernel's buffers, not in ours.
    /// </summary>
    private void UpdateReading()
    {
        if (_readRequested || _doneReading || _finishing || _undelivered > _settings.MaxMessage) return;
        _readRequested = true;
        _connection.Tell(Tcp.ResumeReading.Instance, _owner.Self);
    }

    /// <summary>
    /// A message begun and not whole yet (a partial frame kept, or fragments of an unfinished message) must arrive at the
    /// minimum request-body rate, as a request body must: a client trickling a byte now and then would otherwise hold up to
    /// max-message of memory for as long as it liked. Time the session holds reading back (its handler behind) is not
    /// counted, nor are control frames (<paramref name="received"/> is without them). One timer while a message is
    /// partial, none between messages.
    /// </summary>
    private void TimeMessage(int received)
    {
        if (_messageRate.IsOff) return;
        if (_doneReading || _finishing || (!_reader.InMessage && _input.IsEmpty))
        {
            if (_trickle is null) return;
            _trickle = null;
            _timers.Cancel(SlowKey);
            return;
        }
        var now = Now;
        if (_trickle is null) _trickle = new RequestBodyTiming(_messageRate);
        else _trickle.Received(received);
        _trickle.Update(now, reading: true, clientsTurn: _readRequested);
        if (!_timers.IsTimerActive(SlowKey) && _trickle.Deadline != TimeSpan.MaxValue)
            _timers.StartSingleTimer(SlowKey, MessageTooSlow.Instance, _trickle.Deadline - now);
    }

    /// <summary>The message timer fired: the client fell below the rate (1008, RFC 6455 §7.4.1), or the timer is re-armed for what is left.</summary>
    private void OnMessageTooSlow()
    {
        if (_trickle?.Deadline is not { } due || due == TimeSpan.MaxValue) return; // whole meanwhile, or paused
        var now = Now;
        if (now < due) _timers.StartSingleTimer(SlowKey, MessageTooSlow.Instance, due - now);
        else StartClose(WebSocketCloseCodes.PolicyViolation, "message too slow", failing: true);
    }

    /// <summary>The scheduler's clock, so that virtual time drives the message timer in tests.</summary>
    private TimeSpan Now => TimeSpan.FromTicks(_owner.System.Scheduler.Now.UtcTicks);

    // ---- writing --------------------------------------------------------------------------------------------

    private static ByteString Frame(WebSocketOpcode opcode, ByteString payload) =>
        ByteString.FromBytes(WebSocketFrames.Encode(opcode, payload.ToArray()));

    private void Send(byte[] frame) => Send(ByteString.FromBytes(frame));

    private void Send(ByteString frame)
    {
        if (_closeSent || _finishing) return; // §5.5.1: nothing follows a close frame
        if (_outgoing.Count >= _settings.MaxOutgoingQueue)
        {
            // A client that does not read: what waits is dropped and the socket closed (1008), so memory stays bounded.
            StartClose(WebSocketCloseCodes.PolicyViolation, "outgoing queue full", failing: true);
            return;
        }
        _outgoing.Enqueue(frame);
        WriteNext();
    }

    /// <summary>
    /// §5.5.2: a ping is answered with a pong carrying its payload, unless we closed already. §5.5.3 lets an endpoint that
    /// has not yet answered earlier pings answer only the latest: one pong waits at most, so a client that pings faster
    /// than it is answered costs one payload (125 bytes at most, §5.5), and never takes the handler's room in the queue.
    /// </summary>
    private void Answer(byte[] pingPayload)
    {
        if (_closeSent || _finishing) return;
        _pongPayload = pingPayload;
        WriteNext();
    }

    /// <summary>The waiting pong goes out before the queued messages: §5.5.2 asks it be sent as soon as is practical.</summary>
    private void WriteNext()
    {
        if (_writing || _finishing) return;
        if (_pongPayload is { } payload)
        {
            _pongPayload = null;
            Write(ByteString.FromBytes(WebSocketFrames.Encode(WebSocketOpcode.Pong, payload)));
            return;
        }
        if (_outgoing.Count == 0)
        {
            if (_closeSocketWhenWritten)
            {
                _closeSocketWhenWritten = false;
                _connection.Tell(Tcp.Close.Instance, _owner.Self); // §7.1.1: the server closes the TCP connection first
            }
            return;
        }
        Write(_outgoing.Dequeue());
    }

    private void Write(ByteString frame)
    {
        _writing = true;
        _observer.BytesSent(frame.Count);
        _connection.Tell(Tcp.Write.Create(frame, ConnectionProtocol.WriteAck.Instance), _owner.Self);
    }

    // ---- closing --------------------------------------------------------------------------------------------

    /// <summary>
    /// Sends our close frame (§7.1.2) after what is queued, or, when <paramref name="failing"/> (§7.1.7), instead of it and
    /// reading nothing more. The client has keep-alive-timeout to answer before the connection is cut.
    /// </summary>
    private void StartClose(ushort code, string reason, bool failing, bool tellHandler = true)
    {
        if (_closeSent || _finishing) return;
        if (failing)
        {
            _outgoing.Clear();
            _pongPayload = null;
            _doneReading = true;
            _closeSocketWhenWritten = true;
        }
        if (tellHandler) TellHandlerClosed(code, reason); // else it asked, and learns the client's answer
        _closeSent = true;
        _outgoing.Enqueue(ByteString.FromBytes(WebSocketFrames.EncodeClose(code, reason)));
        _timers.StartSingleTimer(CloseKey, CloseTimedOut.Instance, _settings.KeepAliveTimeout);
        WriteNext();
    }

    /// <summary>The client's close frame: answered with the same code (§5.5.1) unless ours went first, then the TCP close.</summary>
    private void OnClientClose(ushort code, string reason)
    {
        _doneReading = true;
        TellHandlerClosed(code, reason);
        if (!_closeSent)
        {
            _closeSent = true;
            _outgoing.Enqueue(ByteString.FromBytes(WebSocketFrames.EncodeClose(code, "")));
            _timers.StartSingleTimer(CloseKey, CloseTimedOut.Instance, _settings.KeepAliveTimeout);
        }
        _closeSocketWhenWritten = true;
        WriteNext();
    }

    private void OnHandlerClose(WebSocketClose close)
    {
        // A code a close frame may not carry would make the client fail the connection: it is the handler's error.
        var code = WebSocketCloseCodes.MaySend(close.Code) ? close.Code : WebSocketCloseCodes.InternalError;
        if (_closeSent || _finishing) return;
        StartClose(code, close.Reason, failing: false, tellHandler: false);
    }

    /// <summary>RFC 6455 §7.4.1: 1011 when the handler stopped (or failed) while the socket was open.</summary>
    private void OnHandlerStopped()
    {
        _handler = null;
        if (_finishing) Ended = true;
        else StartClose(WebSocketCloseCodes.InternalError, "", failing: false);
    }

    private void OnPing(long round)
    {
        if (_closeSent || _finishing) return;
        Send(WebSocketFrames.Encode(WebSocketOpcode.Ping, ReadOnlySpan<byte>.Empty));
        if (_unansweredPing < 0) _unansweredPing = round;
    }

    /// <summary>The owner stopped, however it did: the ticker stops pinging it.</summary>
    public void OwnerStopped() => _keepAlive?.Tell(KeepAliveTicker.Leave.Instance, _owner.Self);

    /// <summary>
    /// The peer stopped answering, or a shutdown's timeout cuts the socket: the connection is reset (no close frame could
    /// reach the peer, or none may be waited for), and the handler is told before it is stopped, as on every other way out.
    /// </summary>
    private void LoseConnection(string why)
    {
        if (_finishing) return;
        _connection.Tell(Tcp.Abort.Instance, _owner.Self);
        TellHandlerClosed(WebSocketCloseCodes.Abnormal, why);
        Finish();
    }

    private void OnSocketClosed(Tcp.ConnectionClosed closed)
    {
        TellHandlerClosed(WebSocketCloseCodes.Abnormal, closed is Tcp.ErrorClosed { Cause: { } cause } ? cause : "connection closed");
        Finish();
    }

    private void TellHandlerClosed(ushort code, string reason)
    {
        if (_handlerToldClosed) return;
        _handlerToldClosed = true;
        _handler?.Tell(new WebSocketClosed(code, reason));
    }

    /// <summary>
    /// The socket is gone: the handler is stopped by a PoisonPill, behind the messages it has not taken yet (the close
    /// among them), and this session ends once it has.
    /// </summary>
    private void Finish()
    {
        if (_finishing) return;
        _finishing = true;
        _doneReading = true;
        _outgoing.Clear();
        _pongPayload = null;
        _timers.Cancel(CloseKey);
        _timers.Cancel(SlowKey);
        if (_handler is null) Ended = true;
        else _handler.Tell(PoisonPill.Instance);
    }

    // ---- messages to itself ---------------------------------------------------------------------------------

    private const string CloseKey = "close";
    private const string SlowKey = "slow-message";

    private sealed class MessageTooSlow { public static readonly MessageTooSlow Instance = new(); }

    private sealed class CloseTimedOut { public static readonly CloseTimedOut Instance = new(); }

    /// <summary>The id of the Identify that marks the end of the messages delivered so far.</summary>
    private sealed class DeliveryMark { public static readonly DeliveryMark Instance = new(); }
}

using System.Buffers;
using System.Net.Security;
using System.Security.Authentication;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using ActorHttp.Http;
using ActorHttp.Observability;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Actors;

/// <summary>
/// What a <see cref="TlsSession"/> tells the plain code of the actor that owns it. Called on the owner's thread, from
/// within <see cref="TlsSession.Handle"/> or <see cref="TlsSession.Start"/>, once the session's own state is settled.
/// </summary>
public interface ITlsPlainSide
{
    /// <summary>The actor that reads and writes plaintext (and gets the socket's close with the owner's own events).</summary>
    IActorRef PlainActor { get; }

    /// <summary>The handshake is done: plain events follow, the first read already asked.</summary>
    void HandshakeCompleted();

    /// <summary>A plain event of Akka.IO's protocol (<c>Tcp.Received</c>, <c>PeerClosed</c>, <c>ConnectionClosed</c>), or the ack or failure of the owner's own write.</summary>
    void Deliver(object plainEvent);

    /// <summary>A failed handshake is over and its socket closed or reset: the owner stops.</summary>
    void Finished();
}

/// <summary>
/// TLS for one accepted socket, as a plain object that the actor owning the socket drives on its own thread: the actor
/// registers as the socket's handler and hands every message to <see cref="Handle"/> first. Toward the owner's plain
/// code the session speaks Akka.IO's protocol in pull mode, as <c>TcpConnection</c> does (Kestrel's SslDuplexPipe
/// plays the same part between its transport and HTTP): plain commands (<c>Tcp.Write</c>, <c>ResumeReading</c>,
/// <c>Close</c>...) come in as messages, or queued in <see cref="OwnCommands"/> by the owner itself; plain events go out
/// through <see cref="ITlsPlainSide"/>.
/// <list type="bullet">
/// <item>The SslStream runs over a <see cref="CiphertextStream"/> in steps on the owner's thread: what it reads and
/// writes in a step is taken up when the step returns, and the tasks it completes are looked at then, so a handshake
/// costs the socket's messages and no others.</item>
/// <item>Reading: one <c>Tcp.Received</c> of plaintext per <c>Tcp.ResumeReading</c>; the socket is read only when
/// the SslStream needs ciphertext for it, so a plain side that stops reading stops the socket too.</item>
/// <item>Writing: <c>Tcp.Write</c>s are encrypted one at a time, in order, and acknowledged to each write's sender once
/// the socket has acknowledged its records, as Akka.IO acknowledges a write once the kernel took it. What one entry
/// (a message, or the owner's queued commands) writes leaves as one socket write. Handshake flights are written
/// unacknowledged.</item>
/// <item>Closing: <c>Close</c> and <c>ConfirmedClose</c> send close_notify (RFC 8446 §6.1) once the writes queued
/// before them are encrypted, then, once the socket has acknowledged it, close the socket the same way; the socket's
/// close event is passed on. <c>Abort</c> resets.</item>
/// </list>
/// Buffers: ciphertext received but not yet decrypted is at most one Akka.IO frame (a new one is read only once it is
/// used up); plaintext read is at most <see cref="PlainReadSize"/> at a time; plaintext queued for writing at most
/// <see cref="MaxQueuedPlainBytes"/> (a write past it fails with <c>CommandFailed</c>); ciphertext in flight at most
/// one plain write's worth. States: Handshaking, then Open, or Ending after a failed handshake, then Ended. Plain HTTP
/// sent to the port is told by its first byte and answered with a plain-text 400 (<see cref="PlainHttpOnTlsPort"/>).
/// </summary>
public sealed class TlsSession : IDisposable
{
    /// <summary>Plaintext asked of the SslStream per read: two TLS records' worth (a record carries at most 16 KiB, RFC 8446 §5.1).</summary>
    public const int PlainReadSize = 32 * 1024;

    /// <summary>
    /// Plaintext writes queued and not yet acknowledged. The connection actor writes one acknowledged write at a time,
    /// so only writers that do not wait for acks come near it; past it a write fails as Akka.IO fails one past its
    /// write queue's limit.
    /// </summary>
    public const int MaxQueuedPlainBytes = 4 * 1024 * 1024;

    /// <summary>How long the socket gets to send a failed handshake's alert before it is reset.</summary>
    private static readonly TimeSpan EndingTimeout = TimeSpan.FromSeconds(2);

    private enum State { Handshaking, Open, Ending, Ended }

    private readonly IActorRef _socket;
    private readonly IActorRef _owner;
    private readonly TlsServerOptions _options;
    private readonly IServerObserver _observer;
    private readonly ITlsPlainSide _plain;
    private readonly Func<ILoggingAdapter> _log;
    private readonly CiphertextStream _cipher;
    private readonly SslStream _ssl;
    private ITimerScheduler? _timers;
    private State _state = State.Handshaking;
    private bool _pumping;

    // The SslStream's operations under way; each is looked at after every step (see Pump).
    private Task? _handshake;
    private Task<int>? _plainReadTask;
    private byte[]? _plainReadBuffer;
    private Task? _plainWriteTask;
    private byte[]? _plainWriteBuffer;
    private Task? _shutdown;

    // The ciphertext side: the socket.
    private ByteString _cipherIn = ByteString.Empty;   // received, not yet taken by the SslStream
    private CiphertextStream.ReadRequested? _cipherRead; // the SslStream's read waiting for the socket
    private bool _socketReadAsked;
    private bool _socketReceived;  // the client has sent something: its handshake is under way
    private bool _socketEof;
    private bool _socketClosed;
    private int _unackedCipherWrites;
    private ByteString _tickets = ByteString.Empty; // written as a TLS 1.3 handshake completed: leave with the next write
    private ByteString _outgoing = ByteString.Empty; // written during this entry: one socket write as it returns
    private bool _outgoingAcked;  // ... carrying a plain write's records, so acknowledged (and counted in _unackedCipherWrites)
    private readonly Queue<(object Command, IActorRef Sender)> _ownCommands = new();
    private bool _runningOwnCommands;

    // The plaintext side.
    private bool _plainReading;
    private bool _plainEof;
    private readonly Queue<(Tcp.Write Write, IActorRef Sender)> _plainWrites = new();
    private long _queuedPlainBytes;
    private bool _encrypting;    // the first queued write is with the SslStream
    private bool _encrypted;     // ... and is encrypted: acknowledged once its records are
    private Tcp.CloseCommand? _close;
    private IActorRef? _closeCommander;
    private bool _closeNotifyStarted;
    private bool _socketCloseSent;
    private bool _lingering;     // a plain-text refusal is out: the socket is read and dropped until the client closes

    /// <summary>A session for <paramref name="socket"/>, driven by the actor <paramref name="owner"/>, which must call <see cref="Start"/> from its PreStart.</summary>
    public TlsSession(IActorRef socket, IActorRef owner, TlsServerOptions options, IServerObserver observer, ITlsPlainSide plain, Func<ILoggingAdapter> log)
    {
        _socket = socket;
        _owner = owner;
        _options = options;
        _observer = observer;
        _plain = plain;
        _log = log;
        _cipher = new CiphertextStream(owner);
        _ssl = new SslStream(_cipher, leaveInnerStreamOpen: false);
        OwnCommands = new CommandQueue(this);
    }

    /// <summary>
    /// Where the owner's plain code sends its own commands (<c>Tcp.Write</c>, <c>ResumeReading</c>, <c>Close</c>...),
    /// in place of messages to itself: they are queued and run in order by <see cref="RunOwnCommands"/>, which the owner
    /// calls once the message it is handling is done. No mailbox round per command, and what the commands of one message
    /// write leaves as one socket write: a last response's records and the close_notify behind them, then the close.
    /// </summary>
    public ICanTell OwnCommands { get; }

    /// <summary>
    /// Runs the commands the owner queued (<see cref="OwnCommands"/>), and those its plain code queues meanwhile (an ack
    /// delivered, a read answered...), then sends what they wrote. Called by the owner after each message, never from
    /// within its plain code: plain events are delivered here, so nothing of the owner runs re-entrantly.
    /// </summary>
    public void RunOwnCommands()
    {
        if (_runningOwnCommands || _ownCommands.Count == 0) return;
        _runningOwnCommands = true;
        try
        {
            while (_ownCommands.TryDequeue(out var queued)) Handle(queued.Command, queued.Sender);
        }
        finally
        {
            _runningOwnCommands = false;
        }
        FlushOutgoing();
    }

    /// <summary>The client has sent its first bytes (a ClientHello, as a rule) and the handshake has not failed.</summary>
    public bool HandshakeUnderWay => _socketReceived && _state is State.Handshaking or State.Open;

    /// <summary>
    /// Registers the owner with the socket (from the owner, so that the handshake's first read cannot overtake the
    /// Register, which would undo it: see ListenerActor.Register), and begins the server handshake.
    /// </summary>
    public void Start(ITimerScheduler timers)
    {
        _timers = timers;
        _socket.Tell(new Tcp.Register(_owner, keepOpenOnPeerClosed: true, useResumeWriting: false), _owner);
        timers.StartSingleTimer(TimerKey, HandshakeTimedOut.Instance, _options.HandshakeTimeout);
        _cipher.BeginStep();
        try { _handshake = _ssl.AuthenticateAsServerAsync(_options.ForHandshake()); }
        catch (Exception e) { _handshake = Task.FromException(e); }
        finally { _cipher.EndStep(); }
        WatchOffStep(_handshake);
        Pump();
    }

    /// <summary>
    /// Takes the messages that are the session's: the socket's events (those sent by the socket), plain commands once
    /// open, and its own; false for anything else, which is the owner's.
    /// </summary>
    public bool Handle(object message, IActorRef sender)
    {
        var handled = _state switch
        {
            State.Handshaking => Handshaking(message, sender),
            State.Open => Open(message, sender),
            State.Ending => Ending(message, sender),
            _ => message is TaskCompleted or HandshakeTimedOut or EndingTimedOut or CipherAck
                || (sender.Equals(_socket) && message is Tcp.Event),
        };
        if (handled) Pump();
        return handled;
    }

    /// <summary>Resets the socket at once (a handshake in progress, a shutdown's abort, an aborting owner).</summary>
    public void Abort()
    {
        _ownCommands.Clear(); // what the owner queued before it aborted would go to a socket already reset
        if (_state == State.Handshaking) _timers?.Cancel(TimerKey);
        if (_state != State.Open) _state = State.Ended;
        ToSocket(Tcp.Abort.Instance);
    }

    /// <summary>Ends the SslStream, from the owner's PostStop. In a step: what the SslStream does on its way out is dropped, not sent to a stopped actor.</summary>
    public void Dispose()
    {
        _state = State.Ended;
        _cipher.BeginStep();
        try
        {
            _cipherRead?.Done.TrySetResult(0);
            _cipherRead = null;
            _ssl.Dispose();
        }
        finally
        {
            _cipher.EndStep();
        }
    }

    // ---- states ---------------------------------------------------------------------------------------------

    private bool Handshaking(object message, IActorRef sender)
    {
        if (Ciphertext(message, sender)) return true;
        switch (message)
        {
            case HandshakeTimedOut: FailHandshake(TlsHandshakeResult.Timeout, "timed out"); return true;
            case Tcp.ConnectionClosed when sender.Equals(_socket):
                // The handshake fails with it, and says why; its read gets the end at once.
                _socketClosed = true;
                CompleteCipherRead();
                return true;
            case TaskCompleted: return true;
            default: return false;
        }
    }

    private bool Open(object message, IActorRef sender)
    {
        if (Ciphertext(message, sender)) return true;
        switch (message)
        {
            case Tcp.ConnectionClosed closed when sender.Equals(_socket): OnSocketClosed(closed); return true;
            case Tcp.ResumeReading: OnResumeReading(); return true;
            case Tcp.Write write: OnWrite(write, sender); return true;
            case Tcp.CloseCommand close: OnClose(close, sender); return true;
            case Tcp.WriteCommand other:
                Reply(sender, other.FailureMessage.WithCause(new InvalidOperationException("only Tcp.Write is supported over TLS")));
                return true;
            case Tcp.SuspendReading: return true; // pull mode: nothing is read unless asked
            case TaskCompleted or HandshakeTimedOut: return true;
            default: return false;
        }
    }

    /// <summary>A handshake that failed: counted, its alert (if any) let out, the socket closed; nothing else.</summary>
    private bool Ending(object message, IActorRef sender)
    {
        switch (message)
        {
            case Tcp.ConnectionClosed when sender.Equals(_socket): End(); break;
            case EndingTimedOut: ToSocket(Tcp.Abort.Instance); End(); break;
            case Tcp.Received when _lingering && sender.Equals(_socket): _socket.Tell(Tcp.ResumeReading.Instance, _owner); break;
            case CiphertextStream.ReadRequested read: read.Done.TrySetResult(0); break;
            // Late handshake messages, acks and Drain/Abort of a connection already closing cost nothing.
        }
        return true;
    }

    private void End()
    {
        _state = State.Ended;
        _plain.Finished();
    }

    // ---- steps: the SslStream's work, on the owner's thread -------------------------------------------------

    /// <summary>
    /// After every entry: sends what the SslStream wrote, gives its waiting read what was received, and follows up
    /// each of its operations that completed, until none of that makes more; then asks the socket for bytes if the
    /// SslStream waits for some.
    /// </summary>
    private void Pump()
    {
        if (_pumping) return; // a step's follow-up that calls back in: the loop below takes it up
        _pumping = true;
        try
        {
            while (true)
            {
                var written = _cipher.TakeWritten();
                if (_handshake is { IsCompletedSuccessfully: true } && _ssl.SslProtocol == SslProtocols.Tls13) _tickets = written;
                else SendWritten(written);
                if (_cipher.TakeRead() is { } read)
                {
                    if (_state is State.Ending or State.Ended) read.Done.TrySetResult(0); // a failed handshake's last word
                    else _cipherRead = read;
                }
                if (CompleteCipherRead()) continue;
                if (!FollowUpCompleted()) break;
            }
            if (!_runningOwnCommands) FlushOutgoing(); // else once the owner's commands have all run
            AskSocketIfWaiting();
        }
        finally
        {
            _pumping = false;
        }
    }

    /// <summary>Follows up one completed operation of the SslStream, if there is one.</summary>
    private bool FollowUpCompleted()
    {
        if (_handshake is { IsCompleted: true } handshake)
        {
            _handshake = null;
            if (_state == State.Handshaking) OnHandshakeDone(handshake);
            return true;
        }
        if (_plainWriteTask is { IsCompleted: true } write)
        {
            _plainWriteTask = null;
            OnPlainWriteDone(write);
            return true;
        }
        if (_plainReadTask is { IsCompleted: true } read)
        {
            _plainReadTask = null;
            OnPlainReadDone(read);
            return true;
        }
        if (_shutdown is { IsCompleted: true })
        {
            _shutdown = null; // the close_notify is kept or sent: the socket's close follows once it is acknowledged
            CloseSocketIfWritten();
            return true;
        }
        return false;
    }

    /// <summary>
    /// An operation that did not complete within its own step completes within a later one (a ciphertext read's), where
    /// Pump sees it; were it ever to complete on another thread, the owner is told, and pumps then.
    /// </summary>
    private void WatchOffStep(Task task)
    {
        if (task.IsCompleted) return;
        task.ContinueWith(static (_, state) => ((TlsSession)state!).TellIfOffStep(), this, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void TellIfOffStep()
    {
        if (!_cipher.IsInStep) _owner.Tell(TaskCompleted.Instance, ActorRefs.NoSender);
    }

    // ---- the handshake --------------------------------------------------------------------------------------

    private void OnHandshakeDone(Task handshake)
    {
        if (!handshake.IsCompletedSuccessfully)
        {
            var cause = handshake.Exception?.GetBaseException();
            FailHandshake(cause is AuthenticationException ? TlsHandshakeResult.Protocol : TlsHandshakeResult.Other, cause?.Message ?? "cancelled");
            return;
        }
        _timers!.Cancel(TimerKey);
        _observer.TlsHandshake(TlsHandshakeResult.Completed);
        _state = State.Open;
        _plain.HandshakeCompleted();
        // The plain side starts with its first read asked for, as the listener asks Akka.IO for a plain connection's.
        StartPlainRead();
    }

    private void FailHandshake(TlsHandshakeResult reason, string why)
    {
        _handshake = null;
        _observer.TlsHandshake(reason);
        _log().Debug("TLS handshake failed ({0}): {1}", reason, why);
        // A timed-out client is reset; a refused one gets the alert the SslStream wrote (or a plain-text refusal), then
        // the socket closes: after a refusal, a half close and a drain as ConnectionActor's lingering close, so that
        // request bytes still coming do not turn the close into a reset that loses the answer.
        if (reason == TlsHandshakeResult.Timeout || _socketClosed)
        {
            ToSocket(Tcp.Abort.Instance);
            End();
            return;
        }
        _cipherRead?.Done.TrySetResult(0);
        _cipherRead = null;
        if (_lingering) _socket.Tell(Tcp.ResumeReading.Instance, _owner);
        ToSocket(_lingering ? Tcp.ConfirmedClose.Instance : Tcp.Close.Instance);
        _timers!.StartSingleTimer(TimerKey, EndingTimedOut.Instance, EndingTimeout);
        _state = State.Ending;
    }

    // ---- the ciphertext side --------------------------------------------------------------------------------

    /// <summary>The socket's messages and the SslStream's ciphertext, the same in every state but Ending.</summary>
    private bool Ciphertext(object message, IActorRef sender)
    {
        switch (message)
        {
            case CiphertextStream.ReadRequested read: _cipherRead = read; return true;
            case CiphertextStream.WriteRequested write: SendWritten(write.Data); return true;
            case CipherAck:
                _unackedCipherWrites--;
                AcknowledgeIfSent();
                CloseSocketIfWritten();
                return true;
            case Tcp.Received received when sender.Equals(_socket): OnSocketReceived(received.Data); return true;
            case Tcp.PeerClosed when sender.Equals(_socket):
                _socketEof = true;
                _socketReadAsked = false;
                return true;
            case Tcp.CommandFailed failed when failed.Cmd is Tcp.Write && sender.Equals(_socket):
                // A ciphertext write the socket refused: the stream of records is broken, nothing more can be sent.
                _log().Debug("TLS write to the socket failed: {0}", failed.Cause);
                ToSocket(Tcp.Abort.Instance);
                return true;
            default: return false;
        }
    }

    /// <summary>
    /// Ciphertext the SslStream wrote, kept for the socket write that leaves as the entry returns (<see cref="FlushOutgoing"/>),
    /// acknowledged when it carries a plain write's records or the close_notify. What a TLS 1.3 server writes as its handshake completes is
    /// only its NewSessionTickets (RFC 8446 §4.6.1: its Finished went with its first flight, and the client waits for
    /// nothing more), which "may" come at any time after: they go in front of the next write (a response, close_notify),
    /// one socket write fewer per connection. (Under TLS 1.2 that last flight is the server's Finished, which the client
    /// waits for: it goes at once.)
    /// </summary>
    private void SendWritten(ByteString data)
    {
        if (data.IsEmpty) return;
        if (!_tickets.IsEmpty)
        {
            data = _tickets.Concat(data);
            _tickets = ByteString.Empty;
        }
        _outgoing = _outgoing.IsEmpty ? data : _outgoing.Concat(data);
        if ((_encrypting || _closeNotifyStarted) && !_outgoingAcked)
        {
            // Counted now: the write being encrypted may be followed up (and its ack looked for) before the flush.
            _outgoingAcked = true;
            _unackedCipherWrites++;
        }
    }

    /// <summary>Sends the ciphertext kept so far as one socket write.</summary>
    private void FlushOutgoing()
    {
        if (_outgoing.IsEmpty) return;
        var write = _outgoingAcked ? Tcp.Write.Create(_outgoing, CipherAck.Instance) : Tcp.Write.Create(_outgoing);
        _outgoing = ByteString.Empty;
        _outgoingAcked = false;
        _socket.Tell(write, _owner);
    }

    /// <summary>A command to the socket, behind the ciphertext written before it. (A ResumeReading has no order to keep with writes: it goes straight.)</summary>
    private void ToSocket(Tcp.Command command)
    {
        FlushOutgoing();
        _socket.Tell(command, _owner);
    }

    private void AskSocketIfWaiting()
    {
        if (_cipherRead is null || _socketReadAsked || _socketEof || _socketClosed) return;
        _socketReadAsked = true;
        _socket.Tell(Tcp.ResumeReading.Instance, _owner);
    }

    private void OnSocketReceived(ByteString data)
    {
        _socketReadAsked = false;
        if (!_socketReceived && _state == State.Handshaking && !data.IsEmpty && PlainHttpOnTlsPort.Starts(data[0]))
        {
            _socketReceived = true;
            RefusePlainHttp();
            return;
        }
        _socketReceived = true;
        if (_plainEof && _close is Tcp.ConfirmedClose)
        {
            DrainSocket(); // after the client's close_notify: read and drop until its FIN
            return;
        }
        _cipherIn = _cipherIn.IsEmpty ? data : _cipherIn.Concat(data);
    }

    /// <summary>
    /// Gives the waiting SslStream read what was received (as much as its buffer takes), or the end, in a step: the
    /// SslStream goes on inline. False when the read must wait for the socket.
    /// </summary>
    private bool CompleteCipherRead()
    {
        if (_cipherRead is not { } read) return false;
        int count;
        if (!_cipherIn.IsEmpty)
        {
            count = Math.Min(read.Buffer.Length, _cipherIn.Count);
            var target = read.Buffer.Span[..count];
            _cipherIn.CopyTo(ref target, 0, count);
            _cipherIn = count == _cipherIn.Count ? ByteString.Empty : _cipherIn.Slice(count);
        }
        else if (_socketEof || _socketClosed) count = 0;
        else return false;
        _cipherRead = null;
        _cipher.BeginStep();
        try { read.Done.TrySetResult(count); }
        finally { _cipher.EndStep(); }
        return true;
    }

    /// <summary>
    /// Plain HTTP on the TLS port: no TLS session begins (the SslStream has written nothing yet, it waits for a
    /// ClientHello), the client gets the plain-text 400 nginx sends, and the handshake counts as refused by protocol.
    /// </summary>
    private void RefusePlainHttp()
    {
        ToSocket(Tcp.Write.Create(ByteString.FromBytes(PlainHttpOnTlsPort.Response())));
        _lingering = true;
        FailHandshake(TlsHandshakeResult.Protocol, "plain HTTP sent to the HTTPS port");
    }

    /// <summary>Reads on from the socket, dropping what arrives, so that the client's FIN completes a ConfirmedClose.</summary>
    private void DrainSocket()
    {
        if (_socketReadAsked || _socketEof || _socketClosed) return;
        _socketReadAsked = true;
        _socket.Tell(Tcp.ResumeReading.Instance, _owner);
    }

    private void OnSocketClosed(Tcp.ConnectionClosed closed)
    {
        _socketClosed = true;
        _plain.Deliver(closed);
        if (_closeCommander is not null && !_closeCommander.Equals(_plain.PlainActor) && !_closeCommander.Equals(_owner)) _closeCommander.Tell(closed, _owner);
        // As Akka.IO does with the writes a closed socket never sent.
        while (_plainWrites.TryDequeue(out var queued)) Reply(queued.Sender, queued.Write.FailureMessage);
        _queuedPlainBytes = 0;
    }

    // ---- the plaintext side: reading ------------------------------------------------------------------------

    private void OnResumeReading()
    {
        if (_plainReading || _plainEof || _socketClosed) return;
        StartPlainRead();
    }

    private void StartPlainRead()
    {
        _plainReading = true;
        var buffer = ArrayPool<byte>.Shared.Rent(PlainReadSize);
        _plainReadBuffer = buffer;
        _cipher.BeginStep();
        try { _plainReadTask = _ssl.ReadAsync(buffer.AsMemory(0, PlainReadSize)).AsTask(); }
        catch (Exception e) { _plainReadTask = Task.FromException<int>(e); }
        finally { _cipher.EndStep(); }
        WatchOffStep(_plainReadTask);
    }

    private void OnPlainReadDone(Task<int> read)
    {
        _plainReading = false;
        var buffer = _plainReadBuffer!;
        _plainReadBuffer = null;
        if (!read.IsCompletedSuccessfully)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            OnPlainReadFailed(read.Exception?.GetBaseException() ?? new OperationCanceledException());
            return;
        }
        if (read.Result > 0)
        {
            var data = ByteString.CopyFrom(buffer, 0, read.Result);
            ArrayPool<byte>.Shared.Return(buffer);
            if (!_socketClosed) _plain.Deliver(new Tcp.Received(data));
            return;
        }
        ArrayPool<byte>.Shared.Return(buffer);
        // The client's close_notify, or its FIN without one (the SslStream ends the stream either way).
        _plainEof = true;
        if (_socketClosed) return;
        if (_close is Tcp.ConfirmedClose) DrainSocket();
        else if (_close is null) _plain.Deliver(Tcp.PeerClosed.Instance);
    }

    private void OnPlainReadFailed(Exception cause)
    {
        if (_socketClosed) return; // the close was passed on already
        // A record that does not decrypt (RFC 8446 §5.2) or a broken stream: nothing after it can be trusted.
        _log().Debug("TLS read failed: {0}", cause.Message);
        ToSocket(Tcp.Abort.Instance);
        _socketClosed = true;
        _plain.Deliver(new Tcp.ErrorClosed(cause.Message));
    }

    // ---- the plaintext side: writing ------------------------------------------------------------------------

    private void OnWrite(Tcp.Write write, IActorRef sender)
    {
        if (_close is not null || _socketClosed)
        {
            Reply(sender, write.FailureMessage.WithCause(new InvalidOperationException("the connection is closing")));
            return;
        }
        if (_queuedPlainBytes + write.Data.Count > MaxQueuedPlainBytes)
        {
            Reply(sender, write.FailureMessage.WithCause(new InvalidOperationException($"more than {MaxQueuedPlainBytes} bytes queued for writing")));
            return;
        }
        _plainWrites.Enqueue((write, sender));
        _queuedPlainBytes += write.Data.Count;
        EncryptNext();
    }

    private void EncryptNext()
    {
        if (_encrypting || !_plainWrites.TryPeek(out var next)) return;
        _encrypting = true;
        var data = next.Write.Data;
        var plain = ArrayPool<byte>.Shared.Rent(Math.Max(data.Count, 1));
        var span = plain.AsSpan(0, data.Count);
        data.CopyTo(ref span, 0, data.Count);
        _plainWriteBuffer = plain;
        _cipher.BeginStep();
        try { _plainWriteTask = _ssl.WriteAsync(plain.AsMemory(0, data.Count)).AsTask(); }
        catch (Exception e) { _plainWriteTask = Task.FromException(e); }
        finally { _cipher.EndStep(); }
        WatchOffStep(_plainWriteTask);
    }

    private void OnPlainWriteDone(Task write)
    {
        ArrayPool<byte>.Shared.Return(_plainWriteBuffer!);
        _plainWriteBuffer = null;
        if (write.IsCompletedSuccessfully)
        {
            _encrypted = true;
            AcknowledgeIfSent();
            if (AllQueuedEncrypted) SendCloseNotifyIfAsked();
            return;
        }
        _encrypting = false;
        if (_socketClosed) return;
        var cause = write.Exception?.GetBaseException() ?? new OperationCanceledException();
        _log().Debug("TLS write failed: {0}", cause.Message);
        if (_plainWrites.TryDequeue(out var head)) Reply(head.Sender, head.Write.FailureMessage.WithCause(cause));
        ToSocket(Tcp.Abort.Instance);
    }

    /// <summary>The first queued write is encrypted and every record of it acknowledged: its sender hears so, the next goes.</summary>
    private void AcknowledgeIfSent()
    {
        if (!_encrypted || _unackedCipherWrites > 0) return;
        var (write, sender) = _plainWrites.Dequeue();
        _queuedPlainBytes -= write.Data.Count;
        _encrypting = _encrypted = false;
        if (write.WantsAck) Reply(sender, write.Ack);
        EncryptNext();
        if (AllQueuedEncrypted) SendCloseNotifyIfAsked();
    }

    /// <summary>
    /// Every write queued is encrypted, its records kept or sent: a close_notify may follow them at once (it leaves behind
    /// them, in the same socket write when they were written by the same entry), without waiting for their ack.
    /// </summary>
    private bool AllQueuedEncrypted => _encrypting ? _encrypted && _plainWrites.Count == 1 : _plainWrites.Count == 0;

    /// <summary>An ack or failure for a plain command's sender: the owner's own straight to its plain code, others' as messages.</summary>
    private void Reply(IActorRef sender, object message)
    {
        if (sender.Equals(_owner)) _plain.Deliver(message);
        else sender.Tell(message, _owner);
    }

    // ---- closing --------------------------------------------------------------------------------------------

    private void OnClose(Tcp.CloseCommand close, IActorRef sender)
    {
        if (close is Tcp.Abort)
        {
            _close = close;
            _closeCommander = sender;
            ToSocket(Tcp.Abort.Instance);
            return;
        }
        if (_close is not null) return;
        _close = close;
        _closeCommander = sender;
        if (AllQueuedEncrypted) SendCloseNotifyIfAsked();
    }

    /// <summary>Once the writes queued before a Close are encrypted: close_notify, then the socket's own close.</summary>
    private void SendCloseNotifyIfAsked()
    {
        if (_close is null || _closeNotifyStarted || _socketClosed) return;
        _closeNotifyStarted = true;
        _cipher.BeginStep();
        try { _shutdown = _ssl.ShutdownAsync(); }
        catch (Exception e) { _shutdown = Task.FromException(e); }
        finally { _cipher.EndStep(); }
        WatchOffStep(_shutdown);
    }

    /// <summary>
    /// The close_notify's socket write is acknowledged (and every write before it): the socket's own close. Sent behind
    /// a write still in flight, a Close makes Akka.IO's connection actor switch behaviour to wait for it, which costs
    /// more than this wait.
    /// </summary>
    private void CloseSocketIfWritten()
    {
        var closeNotifyWritten = _closeNotifyStarted && _shutdown is null;
        if (!closeNotifyWritten || _unackedCipherWrites > 0 || _socketCloseSent || _socketClosed) return;
        _socketCloseSent = true;
        ToSocket(_close!);
        // The client's close_notify came first: only its FIN is left to read for a ConfirmedClose.
        if (_plainEof && _close is Tcp.ConfirmedClose) DrainSocket();
    }

    // ---- messages to the owner, for the session ------------------------------------------------------------

    private const string TimerKey = "tls";

    private sealed class HandshakeTimedOut
    {
        public static readonly HandshakeTimedOut Instance = new();
    }

    private sealed class EndingTimedOut
    {
        public static readonly EndingTimedOut Instance = new();
    }

    /// <summary>An operation of the SslStream completed outside a step. It may arrive after the owner stopped: no dead-letter line.</summary>
    private sealed class TaskCompleted : IDeadLetterSuppression
    {
        public static readonly TaskCompleted Instance = new();
    }

    /// <summary>The owner's own commands, queued for <see cref="RunOwnCommands"/>; used on the owner's thread only.</summary>
    private sealed class CommandQueue(TlsSession session) : ICanTell
    {
        public void Tell(object message, IActorRef sender) => session._ownCommands.Enqueue((message, sender));
    }

    /// <summary>The ack of a ciphertext write to the socket.</summary>
    private sealed class CipherAck : Tcp.Event, IDeadLetterSuppression
    {
        public static readonly CipherAck Instance = new();
    }
}

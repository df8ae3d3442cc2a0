using System.Buffers;
using System.Net.Security;
using System.Security.Authentication;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using ActorHttp.Observability;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Actors;

/// <summary>
/// TLS for one accepted socket, between Akka.IO's connection actor and the plain handler (a
/// <see cref="ConnectionActor"/>, or an <see cref="OverCapacityActor"/>), which never knows: toward the handler this
/// actor IS the connection, speaking Akka.IO's protocol in pull mode as <c>TcpConnection</c> does (Kestrel's
/// SslDuplexPipe plays the same part between its transport and HTTP). It registers itself with the socket, runs the
/// server handshake through an <see cref="SslStream"/> over a <see cref="CiphertextStream"/>, then makes the handler.
/// <list type="bullet">
/// <item>Reading: one <c>Tcp.Received</c> of plaintext per <c>Tcp.ResumeReading</c> the handler sends; the socket is
/// read only when the SslStream needs ciphertext for it, so a handler that stops reading stops the socket too.</item>
/// <item>Writing: <c>Tcp.Write</c>s are encrypted one at a time, in order, and acknowledged to each write's sender once
/// the socket has acknowledged every record of it, as Akka.IO acknowledges a write once the kernel took it.</item>
/// <item>Closing: <c>Close</c> and <c>ConfirmedClose</c> send close_notify (RFC 8446 §6.1) after the writes queued
/// before them, then close the socket the same way; the socket's close event is passed on. <c>Abort</c> resets.</item>
/// </list>
/// Buffers: ciphertext received but not yet decrypted is at most one Akka.IO frame (a new one is read only once it is
/// used up); plaintext read is at most <see cref="PlainReadSize"/> at a time; plaintext queued for writing at most
/// <see cref="MaxQueuedPlainBytes"/> (a write past it fails with <c>CommandFailed</c>); ciphertext in flight at most
/// one plain write's worth. The SslStream's tasks come back as messages (PipeTo): no state is touched off this actor.
/// States: Handshaking, then Open, or Ending after a failed handshake.
/// </summary>
public sealed class TlsStage : UntypedActor, IWithTimers
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

    private readonly IActorRef _socket;
    private readonly TlsServerOptions _options;
    private readonly IServerObserver _observer;
    private readonly Func<IActorRef, Props> _plainHandler;
    private readonly SslStream _ssl;
    private ILoggingAdapter? _logger;
    private IActorRef? _handler;

    // The ciphertext side: the socket.
    private ByteString _cipherIn = ByteString.Empty;   // received, not yet taken by the SslStream
    private CiphertextStream.ReadRequested? _cipherRead; // the SslStream's read waiting for the socket
    private bool _socketReadAsked;
    private bool _socketEof;
    private bool _socketClosed;
    private int _unackedCipherWrites;

    // The plaintext side: the handler.
    private bool _plainReading;
    private bool _plainEof;
    private readonly Queue<(Tcp.Write Write, IActorRef Sender)> _plainWrites = new();
    private long _queuedPlainBytes;
    private bool _encrypting;    // the first queued write is with the SslStream
    private bool _encrypted;     // ... and is encrypted: acknowledged once its records are
    private Tcp.CloseCommand? _close;
    private IActorRef? _closeCommander;
    private bool _closeNotifyStarted;

    public ITimerScheduler Timers { get; set; } = null!;

    private ILoggingAdapter Log => _logger ??= Context.GetLogger();

    public TlsStage(IActorRef socket, TlsServerOptions options, IServerObserver observer, Func<IActorRef, Props> plainHandler)
    {
        _socket = socket;
        _options = options;
        _observer = observer;
        _plainHandler = plainHandler;
        _ssl = new SslStream(new CiphertextStream(Self), leaveInnerStreamOpen: false);
    }

    /// <summary>
    /// Props for the stage of one accepted <paramref name="socket"/>; <paramref name="plainHandler"/> makes the handler,
    /// given the stage as its connection, once the handshake is done.
    /// </summary>
    public static Props Props(IActorRef socket, TlsServerOptions options, ServerContext server, Func<IActorRef, Props> plainHandler) =>
        Akka.Actor.Props.Create(() => new TlsStage(socket, options, server.Observer, plainHandler))
            .WithDispatcher(server.Settings.ConnectionDispatcher);

    // A handler that throws is stopped, never restarted, as the listener stops its connection actors.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(Decider.From(Directive.Stop));

    protected override void PreStart()
    {
        // Registered from here rather than by the listener, so that the handshake's first read cannot overtake the
        // Register (which would undo it, see ListenerActor.Register).
        _socket.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: true, useResumeWriting: false));
        Timers.StartSingleTimer(TimerKey, HandshakeTimedOut.Instance, _options.HandshakeTimeout);
        _ssl.AuthenticateAsServerAsync(_options.ForHandshake()).PipeTo(Self,
            success: () => HandshakeSucceeded.Instance, failure: e => new HandshakeFailed(e));
    }

    protected override void PostStop()
    {
        _cipherRead?.Done.TrySetResult(0);
        _cipherRead = null;
        _ssl.Dispose();
        Context.Parent.Tell(new ConnectionProtocol.Ended(Self));
    }

    protected override void OnReceive(object message) => Handshaking(message);

    // ---- states ---------------------------------------------------------------------------------------------

    private void Handshaking(object message)
    {
        if (Ciphertext(message)) return;
        switch (message)
        {
            case HandshakeSucceeded: OnHandshakeSucceeded(); break;
            case HandshakeFailed failed:
                FailHandshake(failed.Cause is AuthenticationException ? TlsHandshakeResult.Protocol : TlsHandshakeResult.Other, failed.Cause);
                break;
            case HandshakeTimedOut: FailHandshake(TlsHandshakeResult.Timeout, null); break;
            // Shutting down: a connection that has not said a word yet is closed, as an idle one is.
            case ConnectionProtocol.Drain or ConnectionProtocol.Abort:
                _socket.Tell(Tcp.Abort.Instance);
                Context.Stop(Self);
                break;
            case Tcp.ConnectionClosed: break; // the handshake fails with it, and says why
            default: Unhandled(message); break;
        }
    }

    private void Open(object message)
    {
        if (Ciphertext(message)) return;
        switch (message)
        {
            case Tcp.ResumeReading: OnResumeReading(); break;
            case Tcp.Write write: OnWrite(write, Sender); break;
            case PlainRead read: OnPlainRead(read); break;
            case PlainReadFailed failed: OnPlainReadFailed(failed); break;
            case PlainEncrypted encrypted:
                ArrayPool<byte>.Shared.Return(encrypted.Buffer);
                _encrypted = true;
                AcknowledgeIfSent();
                break;
            case PlainWriteFailed failed: OnPlainWriteFailed(failed); break;
            case Tcp.CloseCommand close: OnClose(close, Sender); break;
            case CloseNotifySent: _socket.Tell(_close!); break;
            case Tcp.ConnectionClosed closed: OnSocketClosed(closed); break;
            case ConnectionProtocol.Drain or ConnectionProtocol.Abort: _handler.Forward(message); break;
            case ConnectionProtocol.Ended: Context.Stop(Self); break; // the handler stopped: the socket goes with us
            case Tcp.WriteCommand other: Sender.Tell(other.FailureMessage.WithCause(new InvalidOperationException("only Tcp.Write is supported over TLS"))); break;
            case Tcp.SuspendReading: break; // pull mode: nothing is read unless asked
            case HandshakeTimedOut: break;
            default: Unhandled(message); break;
        }
    }

    /// <summary>A handshake that failed: counted, its alert (if any) let out, the socket closed; nothing else.</summary>
    private void Ending(object message)
    {
        switch (message)
        {
            case Tcp.ConnectionClosed: Context.Stop(Self); break;
            case EndingTimedOut: _socket.Tell(Tcp.Abort.Instance); Context.Stop(Self); break;
            case CiphertextStream.ReadRequested read: read.Done.TrySetResult(0); break;
            // Late handshake messages, acks and Drain/Abort of a connection already closing cost nothing.
        }
    }

    // ---- the handshake --------------------------------------------------------------------------------------

    private void OnHandshakeSucceeded()
    {
        Timers.Cancel(TimerKey);
        _observer.TlsHandshake(TlsHandshakeResult.Completed);
        _handler = Context.ActorOf(_plainHandler(Self), "plain");
        Become(Open);
        // A handler starts with its first read asked for, as the listener asks Akka.IO for a plain connection's.
        StartPlainRead();
    }

    private void FailHandshake(TlsHandshakeResult reason, Exception? cause)
    {
        _observer.TlsHandshake(reason);
        Log.Debug("TLS handshake failed ({0}): {1}", reason, cause?.Message ?? "timed out");
        // A timed-out client is reset; a refused one gets the alert the SslStream wrote, then the socket closes.
        if (reason == TlsHandshakeResult.Timeout || _socketClosed)
        {
            _socket.Tell(Tcp.Abort.Instance);
            Context.Stop(Self);
            return;
        }
        _cipherRead?.Done.TrySetResult(0);
        _cipherRead = null;
        _socket.Tell(Tcp.Close.Instance);
        Timers.StartSingleTimer(TimerKey, EndingTimedOut.Instance, EndingTimeout);
        Become(Ending);
    }

    // ---- the ciphertext side --------------------------------------------------------------------------------

    /// <summary>The messages of the socket and the SslStream's ciphertext, the same in every state but Ending.</summary>
    private bool Ciphertext(object message)
    {
        switch (message)
        {
            case CiphertextStream.ReadRequested read: OnCipherReadRequested(read); return true;
            case CiphertextStream.WriteRequested write:
                _unackedCipherWrites++;
                _socket.Tell(Tcp.Write.Create(write.Data, CipherAck.Instance));
                return true;
            case CipherAck:
                _unackedCipherWrites--;
                AcknowledgeIfSent();
                return true;
            case Tcp.Received received: OnSocketReceived(received.Data); return true;
            case Tcp.PeerClosed:
                _socketEof = true;
                _socketReadAsked = false;
                CompleteCipherRead();
                return true;
            case Tcp.CommandFailed failed when failed.Cmd is Tcp.Write:
                // A ciphertext write the socket refused: the stream of records is broken, nothing more can be sent.
                Log.Debug("TLS write to the socket failed: {0}", failed.Cause);
                _socket.Tell(Tcp.Abort.Instance);
                return true;
            default: return false;
        }
    }

    private void OnCipherReadRequested(CiphertextStream.ReadRequested read)
    {
        _cipherRead = read;
        CompleteCipherRead();
        if (_cipherRead is not null && !_socketReadAsked)
        {
            _socketReadAsked = true;
            _socket.Tell(Tcp.ResumeReading.Instance);
        }
    }

    private void OnSocketReceived(ByteString data)
    {
        _socketReadAsked = false;
        if (_plainEof && _close is Tcp.ConfirmedClose)
        {
            DrainSocket(); // after the client's close_notify: read and drop until its FIN
            return;
        }
        _cipherIn = _cipherIn.IsEmpty ? data : _cipherIn.Concat(data);
        CompleteCipherRead();
    }

    /// <summary>Gives the waiting SslStream read what was received (as much as its buffer takes), or the end.</summary>
    private void CompleteCipherRead()
    {
        if (_cipherRead is not { } read) return;
        if (!_cipherIn.IsEmpty)
        {
            var count = Math.Min(read.Buffer.Length, _cipherIn.Count);
            var target = read.Buffer.Span[..count];
            _cipherIn.CopyTo(ref target, 0, count);
            _cipherIn = count == _cipherIn.Count ? ByteString.Empty : _cipherIn.Slice(count);
            _cipherRead = null;
            read.Done.TrySetResult(count);
        }
        else if (_socketEof || _socketClosed)
        {
            _cipherRead = null;
            read.Done.TrySetResult(0);
        }
    }

    /// <summary>Reads on from the socket, dropping what arrives, so that the client's FIN completes a ConfirmedClose.</summary>
    private void DrainSocket()
    {
        if (_socketReadAsked || _socketEof || _socketClosed) return;
        _socketReadAsked = true;
        _socket.Tell(Tcp.ResumeReading.Instance);
    }

    private void OnSocketClosed(Tcp.ConnectionClosed closed)
    {
        _socketClosed = true;
        CompleteCipherRead();
        _handler!.Tell(closed);
        if (_closeCommander is not null && !_closeCommander.Equals(_handler)) _closeCommander.Tell(closed);
        // As Akka.IO does with the writes a closed socket never sent.
        while (_plainWrites.TryDequeue(out var queued)) queued.Sender.Tell(queued.Write.FailureMessage);
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
        _ssl.ReadAsync(buffer.AsMemory(0, PlainReadSize)).AsTask().PipeTo(Self,
            success: count => new PlainRead(buffer, count), failure: e => new PlainReadFailed(e));
    }

    private void OnPlainRead(PlainRead read)
    {
        _plainReading = false;
        if (read.Count > 0)
        {
            var data = ByteString.CopyFrom(read.Buffer, 0, read.Count);
            ArrayPool<byte>.Shared.Return(read.Buffer);
            if (!_socketClosed) _handler!.Tell(new Tcp.Received(data));
            return;
        }
        ArrayPool<byte>.Shared.Return(read.Buffer);
        // The client's close_notify, or its FIN without one (the SslStream ends the stream either way).
        _plainEof = true;
        if (_socketClosed) return;
        if (_close is Tcp.ConfirmedClose) DrainSocket();
        else if (_close is null) _handler!.Tell(Tcp.PeerClosed.Instance);
    }

    private void OnPlainReadFailed(PlainReadFailed failed)
    {
        _plainReading = false;
        if (_socketClosed) return; // the close was passed on already
        // A record that does not decrypt (RFC 8446 §5.2) or a broken stream: nothing after it can be trusted.
        Log.Debug("TLS read failed: {0}", failed.Cause.Message);
        _handler!.Tell(new Tcp.ErrorClosed(failed.Cause.Message));
        _socket.Tell(Tcp.Abort.Instance);
        _socketClosed = true;
    }

    // ---- the plaintext side: writing ------------------------------------------------------------------------

    private void OnWrite(Tcp.Write write, IActorRef sender)
    {
        if (_close is not null || _socketClosed)
        {
            sender.Tell(write.FailureMessage.WithCause(new InvalidOperationException("the connection is closing")));
            return;
        }
        if (_queuedPlainBytes + write.Data.Count > MaxQueuedPlainBytes)
        {
            sender.Tell(write.FailureMessage.WithCause(new InvalidOperationException($"more than {MaxQueuedPlainBytes} bytes queued for writing")));
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
        _ssl.WriteAsync(plain.AsMemory(0, data.Count)).AsTask().PipeTo(Self,
            success: () => new PlainEncrypted(plain), failure: e => new PlainWriteFailed(plain, e));
    }

    /// <summary>The first queued write is encrypted and every record of it acknowledged: its sender hears so, the next goes.</summary>
    private void AcknowledgeIfSent()
    {
        if (!_encrypted || _unackedCipherWrites > 0) return;
        var (write, sender) = _plainWrites.Dequeue();
        _queuedPlainBytes -= write.Data.Count;
        _encrypting = _encrypted = false;
        if (write.WantsAck) sender.Tell(write.Ack);
        EncryptNext();
        if (!_encrypting) SendCloseNotifyIfAsked();
    }

    private void OnPlainWriteFailed(PlainWriteFailed failed)
    {
        ArrayPool<byte>.Shared.Return(failed.Buffer);
        _encrypting = false;
        if (_socketClosed) return;
        Log.Debug("TLS write failed: {0}", failed.Cause.Message);
        if (_plainWrites.TryDequeue(out var head)) head.Sender.Tell(head.Write.FailureMessage.WithCause(failed.Cause));
        _socket.Tell(Tcp.Abort.Instance);
    }

    // ---- closing --------------------------------------------------------------------------------------------

    private void OnClose(Tcp.CloseCommand close, IActorRef sender)
    {
        if (close is Tcp.Abort)
        {
            _close = close;
            _closeCommander = sender;
            _socket.Tell(Tcp.Abort.Instance);
            return;
        }
        if (_close is not null) return;
        _close = close;
        _closeCommander = sender;
        if (!_encrypting) SendCloseNotifyIfAsked();
    }

    /// <summary>Once the writes queued before a Close are out: close_notify, then the socket's own close.</summary>
    private void SendCloseNotifyIfAsked()
    {
        if (_close is null || _closeNotifyStarted || _socketClosed) return;
        _closeNotifyStarted = true;
        _ssl.ShutdownAsync().PipeTo(Self, success: () => CloseNotifySent.Instance, failure: _ => CloseNotifySent.Instance);
    }

    // ---- messages to itself ---------------------------------------------------------------------------------

    private const string TimerKey = "tls";

    // What the SslStream's tasks report may arrive after the stage stopped: not worth a dead-letter line.
    private sealed class HandshakeSucceeded : IDeadLetterSuppression
    {
        public static readonly HandshakeSucceeded Instance = new();
    }

    private sealed record HandshakeFailed(Exception Cause) : IDeadLetterSuppression;

    private sealed class HandshakeTimedOut
    {
        public static readonly HandshakeTimedOut Instance = new();
    }

    private sealed class EndingTimedOut
    {
        public static readonly EndingTimedOut Instance = new();
    }

    private sealed record PlainRead(byte[] Buffer, int Count) : IDeadLetterSuppression;

    private sealed record PlainReadFailed(Exception Cause) : IDeadLetterSuppression;

    private sealed record PlainEncrypted(byte[] Buffer) : IDeadLetterSuppression;

    private sealed record PlainWriteFailed(byte[] Buffer, Exception Cause) : IDeadLetterSuppression;

    private sealed class CloseNotifySent : IDeadLetterSuppression
    {
        public static readonly CloseNotifySent Instance = new();
    }

    /// <summary>The ack of a ciphertext write to the socket.</summary>
    private sealed class CipherAck : Tcp.Event, IDeadLetterSuppression
    {
        public static readonly CipherAck Instance = new();
    }
}

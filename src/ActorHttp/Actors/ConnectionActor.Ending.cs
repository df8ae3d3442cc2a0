using Akka.Actor;
using Akka.Event;
using ActorHttp.Http;
using HttpVersion = ActorHttp.Http.HttpVersion;
using Tcp = Akka.IO.Tcp;

namespace ActorHttp.Actors;

/// <summary>The connection actor's ways to end: a rejection, a timeout, the client's close, a shutdown drain, an abort.</summary>
public sealed partial class ConnectionActor
{
    // ---- ending ---------------------------------------------------------------------------------------------

    /// <summary>A request refused by the parser or timed out: answered in turn with Connection: close, nothing after it read.</summary>
    private void Reject(RequestRejectionReason reason)
    {
        // A streamed body cut short (bad framing, stalled client): its handler sees the stream fail and must
        // answer within its timeout; the rejection's answer follows in turn.
        if (AbandonUpload() is { } cutShort) _exchanges.TimeHandler(cutShort);
        _server.Observer.RequestRejected(reason);
        AnswerUnreadAndClose(ErrorResponses.For(RequestRejection.StatusFor(reason)));
    }

    /// <summary>
    /// Answers <paramref name="response"/> in turn, with Connection: close; nothing after it is read. Also how the first
    /// request of a connection drained before it arrived is refused (see <see cref="OnDrain"/>).
    /// </summary>
    private void AnswerUnreadAndClose(HttpResponse response)
    {
        if (_refusingFirst)
        {
            _refusingFirst = false;
            Timers.Cancel(LingerKey);
        }
        _rejected = true;
        var line = _reader.RequestLineSoFar(_server.Settings.Limits.MaxRequestLineBytes);
        _reader.Stop(discardInput: true);
        _deadlines.Stop();
        var rejection = _exchanges.Add(null, HttpVersion.Http11, keepAlive: false);
        rejection.Response = response;
        rejection.RejectedLine = line;
        TryWriteNext();
    }

    private void OnWatchdog()
    {
        switch (_deadlines.OnWatchdog(_writer))
        {
            case Expiry.WriteOverdue:
                // Part of a response may be out already, so no error response can follow: cut (as Kestrel does).
                Log.Info("Client at {0} read slower than the minimum response rate; connection aborted", _remote);
                Abort();
                break;
            case Expiry.Idle:
                CloseConnection(graceful: false); // RFC 9112 §9.5 lets a server close an idle connection
                break;
            case Expiry.RequestTimeout when _reader.IsEmpty && !_reader.IsReadingBody:
                // Not a byte of a request arrived: close without a word, as nginx and Kestrel do. A 408 nobody asked
                // for could be read by a client that opened the socket ahead of time as the answer to its request.
                CloseConnection(graceful: false);
                break;
            case Expiry.RequestTimeout:
                Reject(RequestRejectionReason.RequestTimeout); // 408, RFC 9110 §15.5.9
                break;
        }
    }

    private void OnPeerClosed()
    {
        _peerClosed = true;
        // An upload cut short by FIN can never complete: its handler's stream fails and nothing is answered.
        var uploadCutShort = _upload is { WantsMore: true };
        AbandonUpload();
        if (uploadCutShort)
        {
            Context.Stop(Self);
            return;
        }
        // The client may have only half-closed (RFC 9112 §9.6 lets it): what it asked for is still answered, with
        // Connection: close. With nothing in flight the connection closes now, through Akka.IO (a FIN) rather
        // than by stopping, which would make Akka reset the socket.
        if (_exchanges.Count == 0) CloseConnection(graceful: false);
    }

    /// <summary>
    /// Graceful shutdown: every request already read is answered (the last with Connection: close), a body being
    /// read is read to its end, and no new request is read; the connection closes once that is done.
    /// </summary>
    private void OnDrain()
    {
        _draining = true;
        // A plain connection accepted just before the drain, whose first request has not been read: its client has one
        // on the way (a balancer connects to send one, and must not send it again once sent). Closed now, that request
        // would be lost; it is answered 503 instead, which a balancer re-sends to another node. A client that sends
        // nothing is closed after the linger time, so the drain still ends soon. (Over TLS the handshake comes first.)
        if (_tls is null && !_reader.HasReadAHead && _exchanges.Count == 0)
        {
            _refusingFirst = true;
            Timers.StartSingleTimer(LingerKey, LingerTimedOut.Instance, LingerTimeout);
            return;
        }
        _reader.Stop(discardInput: false);
        CloseIfDrained();
        if (!_closing) UpdateReading();
    }

    private void CloseIfDrained()
    {
        if (_draining && IsDrained) CloseConnection(graceful: !_reader.IsEmpty);
    }

    /// <summary>Nothing read is left to answer: no exchange in flight, no body being read.</summary>
    private bool IsDrained => _exchanges.Count == 0 && _writer.Writing is null && !_reader.IsReadingBody;

    /// <summary>
    /// Closes our side. A graceful close is a half close (FIN) that lets the client read the whole response even
    /// if it is still sending; we then drain until it closes or the linger time passes. Otherwise the socket
    /// closes as soon as the responses written are out. Called with the last response still being written (see
    /// TryWriteNext), the close follows its writes; the response stays timed at the minimum response rate, and the
    /// linger time starts once it is out (this is called again then).
    /// </summary>
    private void CloseConnection(bool graceful)
    {
        if (!_closing)
        {
            _closing = true;
            AbandonUpload();
            if (!_readRequested) _connection.Tell(Tcp.ResumeReading.Instance, Self);
            _connection.Tell(graceful ? Tcp.ConfirmedClose.Instance : Tcp.Close.Instance, Self);
            _state = Closing;
        }
        if (_writer.Writing is not null) return;
        _deadlines.Stop();
        Timers.CancelAll();
        Timers.StartSingleTimer(LingerKey, LingerTimedOut.Instance, LingerTimeout);
    }

    /// <summary>Fails the stream of a body that did not end (see <see cref="UploadPump.Abandon"/>); the exchange it belonged to.</summary>
    private long? AbandonUpload()
    {
        if (_upload is not { } upload) return null;
        _upload = null;
        upload.Abandon();
        return upload.Seq;
    }

    /// <summary>
    /// The connection ended with exchanges not answered in full (the client went away mid-body or before its answer
    /// began, or the connection was cut): each is still logged and counted once, as nginx logs it: with its status and
    /// the body bytes written when its response had begun, as 499 ("client closed request") when it had not.
    /// </summary>
    private void ReportUnfinished()
    {
        foreach (var exchange in _exchanges.Unfinished)
        {
            // Only the exchange being written has body bytes sent: the writer counts them from its start.
            var begun = ReferenceEquals(exchange, _writer.Writing);
            _server.Observer.RequestCompleted(exchange.ToCompleted(_remote, _server.Scheme, begun ? null : ClientClosedRequest));
        }
    }

    /// <summary>nginx's status for a request whose client left before its response began; never sent.</summary>
    internal const int ClientClosedRequest = 499;

    private void Abort()
    {
        // Straight to the TLS session, if any: a command to ourselves would not be read once we stop.
        if (_tls is not null) _tls.Abort();
        else _connection.Tell(Tcp.Abort.Instance, Self);
        Context.Stop(Self);
    }

    // ---- messages to itself ---------------------------------------------------------------------------------

    private const string LingerKey = "linger";

    private sealed class LingerTimedOut
    {
        public static readonly LingerTimedOut Instance = new();
    }
}

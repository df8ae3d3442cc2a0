using System.Net.Sockets;

namespace ActorHttp.Actors;

/// <summary>
/// An accept Akka 1.5.74's <c>TcpListener</c> dropped, as the event stream shows it: the private message the listener
/// sends itself when an accept completes (a record holding the <see cref="SocketAsyncEventArgs"/>), published as an
/// unhandled message or a suppressed dead letter. See <see cref="EarlyAccepts"/> and <see cref="LateAccepts"/>.
/// </summary>
internal static class DroppedAccept
{
    private const string AcceptCompleted = "Akka.IO.TcpListener+AcceptCompleted";

    /// <summary>True when <paramref name="message"/> is a TcpListener's accept.</summary>
    public static bool Is(object message) => message.GetType().FullName == AcceptCompleted;

    /// <summary>
    /// Takes the socket an accept made out of its event args, so that the listener cannot take it too; null when the
    /// message is no accept or the accept failed (the listening socket closed under it makes none).
    /// </summary>
    public static Socket? TakeSocket(object message)
    {
        if (!Is(message)) return null;
        // A positional record: its one property is public, the type it belongs to is not.
        if (message.GetType().GetProperty("EventArgs")?.GetMethod?.Invoke(message, null) is not SocketAsyncEventArgs accept) return null;
        if (accept.SocketError != SocketError.Success) return null;
        var socket = accept.AcceptSocket;
        accept.AcceptSocket = null;
        return socket;
    }
}

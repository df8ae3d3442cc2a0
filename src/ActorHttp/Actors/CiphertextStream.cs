using Akka.Actor;
using Akka.IO;

namespace ActorHttp.Actors;

/// <summary>
/// The <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/> reads and writes ciphertext through, for a
/// <see cref="TlsStage"/>. It holds no state: a read is a message asking the stage for bytes (the stage fills the
/// buffer from <c>Tcp.Received</c> on its own thread, then completes the task), a write is a message carrying a copy of
/// the bytes for the stage to send as an acknowledged <c>Tcp.Write</c>. So the SslStream, although its read
/// continuations run on the stage's thread, never touches the stage's state, and the socket is read only when the
/// SslStream needs bytes.
/// </summary>
internal sealed class CiphertextStream(IActorRef stage) : Stream
{
    /// <summary>A read of ciphertext: the stage copies into <paramref name="Buffer"/> and completes <paramref name="Done"/> with the count, 0 at the end.</summary>
    internal sealed record ReadRequested(Memory<byte> Buffer, TaskCompletionSource<int> Done) : INoSerializationVerificationNeeded;

    /// <summary>Ciphertext to send, copied: the SslStream reuses its buffer once the write returns.</summary>
    internal sealed record WriteRequested(ByteString Data) : INoSerializationVerificationNeeded;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return ValueTask.FromResult(0);
        // The SslStream goes on inline, on the stage's thread that completes the read: what it does next (decrypt, ask
        // for more, hand over a flight) reaches the stage only as messages, so nothing of the stage runs re-entrantly,
        // and a handshake flight costs no extra hop through the thread pool per read.
        var done = new TaskCompletionSource<int>();
        if (cancellationToken.CanBeCanceled) cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        stage.Tell(new ReadRequested(buffer, done));
        return new ValueTask<int>(done.Task);
    }

    /// <summary>
    /// Hands the bytes to the stage and returns: the SslStream writes one record after another, and the stage holds
    /// back the plain write's ack until the socket has acknowledged every record of it, which is the back-pressure.
    /// </summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length > 0) stage.Tell(new WriteRequested(ByteString.FromBytes(buffer.ToArray())));
        return ValueTask.CompletedTask;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush() { }

    // The SslStream is used only asynchronously: a blocking call would block an actor's thread.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous only");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous only");

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

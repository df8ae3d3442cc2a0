using Akka.Actor;
using Akka.IO;

namespace ActorHttp.Actors;

/// <summary>
/// The <see cref="Stream"/> an <see cref="System.Net.Security.SslStream"/> reads and writes ciphertext through, for a
/// <see cref="TlsSession"/>. The session drives the SslStream from its actor's thread only, in steps (between
/// <see cref="BeginStep"/> and <see cref="EndStep"/>): a call into the SslStream, or the completion of a ciphertext read,
/// after which the SslStream runs on inline. What the SslStream asks of this stream during a step is kept here for the
/// session to take when the step returns (<see cref="TakeRead"/>, <see cref="TakeWritten"/>): no message, no thread hop,
/// and the records one step writes leave as one socket write. A call made outside a step, on another thread (nothing in
/// this design makes one, but a Stream cannot rule it out), becomes a message to the owner instead, so the session's
/// state is touched on its own thread only.
/// </summary>
internal sealed class CiphertextStream(IActorRef owner) : Stream
{
    /// <summary>A read of ciphertext: the session copies into <paramref name="Buffer"/> and completes <paramref name="Done"/> with the count, 0 at the end.</summary>
    internal sealed record ReadRequested(Memory<byte> Buffer, TaskCompletionSource<int> Done) : INoSerializationVerificationNeeded;

    /// <summary>Ciphertext to send, copied: the SslStream reuses its buffer once the write returns.</summary>
    internal sealed record WriteRequested(ByteString Data) : INoSerializationVerificationNeeded;

    private int _stepThread;           // the owner's managed thread id during a step, else 0
    private ReadRequested? _read;      // asked during the current step
    private ByteString _written = ByteString.Empty; // written during the current step

    /// <summary>The owner is about to call into the SslStream on this thread.</summary>
    public void BeginStep() => _stepThread = Environment.CurrentManagedThreadId;

    /// <summary>The owner's call into the SslStream returned.</summary>
    public void EndStep() => _stepThread = 0;

    /// <summary>The caller is the owner, within a step.</summary>
    public bool IsInStep => _stepThread == Environment.CurrentManagedThreadId;

    /// <summary>The read the SslStream asked for during the step, if any; each is taken once.</summary>
    public ReadRequested? TakeRead()
    {
        var read = _read;
        _read = null;
        return read;
    }

    /// <summary>The ciphertext the SslStream wrote during the step, in order (empty if none); each byte is taken once.</summary>
    public ByteString TakeWritten()
    {
        var written = _written;
        _written = ByteString.Empty;
        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return ValueTask.FromResult(0);
        // Continuations run inline, on the owner's thread that completes the read: the SslStream goes on within the
        // owner's next step, and what it does next (decrypt, ask for more, hand over a flight) is kept here or sent as
        // a message, so nothing of the owner runs re-entrantly, and a handshake flight costs no thread-pool hop.
        var done = new TaskCompletionSource<int>();
        if (cancellationToken.CanBeCanceled) cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        var read = new ReadRequested(buffer, done);
        if (IsInStep) _read = read;
        else owner.Tell(read);
        return new ValueTask<int>(done.Task);
    }

    /// <summary>
    /// Keeps (or sends) a copy of the bytes and returns: the SslStream writes one record after another, and the session
    /// holds back the plain write's ack until the socket has acknowledged every record of it, which is the back-pressure.
    /// </summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return ValueTask.CompletedTask;
        var copy = ByteString.FromBytes(buffer.ToArray()); // the one copy: the socket sends these bytes as they are
        if (IsInStep) _written = _written.IsEmpty ? copy : _written.Concat(copy);
        else owner.Tell(new WriteRequested(copy));
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

using Akka;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Microsoft.Win32.SafeHandles;

namespace ActorHttp.Streams;

/// <summary>
/// A region of a file as a stream of chunks read into a download's <see cref="ChunkBuffers"/>: the FileIO.FromFile
/// of this server, with the difference that a chunk's buffer is read into again once the socket has sent it,
/// instead of every chunk being copied into a new array. It runs on Akka.Streams' blocking-I/O dispatcher, as
/// FileIO does, because a read from disk blocks its thread. When every buffer is lent it waits for a release:
/// that, not a stream buffer, is what bounds how far it reads ahead of a slow client.
/// </summary>
public sealed class FileChunkSource : GraphStage<SourceShape<ByteString>>
{
    private readonly string _path;
    private readonly long _offset;
    private readonly long _count;
    private readonly ChunkBuffers _buffers;

    public FileChunkSource(string path, long offset, long count, ChunkBuffers buffers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _path = path;
        _offset = offset;
        _count = count;
        _buffers = buffers;
        Shape = new SourceShape<ByteString>(Out);
    }

    /// <summary>
    /// The bytes <paramref name="count"/> long from <paramref name="offset"/> of a file, in chunks of at most
    /// <see cref="ChunkBuffers.BufferSize"/>, in an island of their own on the blocking-I/O dispatcher.
    /// </summary>
    public static Source<ByteString, NotUsed> Create(string path, long offset, long count, ChunkBuffers buffers) =>
        Source.FromGraph(new FileChunkSource(path, offset, count, buffers)).Async();

    public Outlet<ByteString> Out { get; } = new("FileChunkSource.out");

    public override SourceShape<ByteString> Shape { get; }

    // Checked by hand: with the blocking-I/O dispatcher given threads of its own, the reads run on them.
    protected override Attributes InitialAttributes { get; } =
        Attributes.CreateName("fileChunkSource").And(ActorAttributes.IODispatcher);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly FileChunkSource _stage;
        private SafeFileHandle? _file;
        private long _position;
        private long _remaining;
        private bool _awaitingBuffer;

        public Logic(FileChunkSource stage) : base(stage.Shape)
        {
            _stage = stage;
            _position = stage._offset;
            _remaining = stage._count;
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            var released = GetAsyncCallback(OnBufferReleased);
            _stage._buffers.OnReleased(released);
            // FileShare.ReadWrite | Delete: a file replaced or deleted while it downloads must not fail the writer;
            // a download that then finds fewer bytes than promised ends early, and the connection is cut.
            _file = File.OpenHandle(_stage._path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        }

        public override void OnPull() => ReadNext();

        private void OnBufferReleased()
        {
            if (!_awaitingBuffer) return;
            _awaitingBuffer = false;
            ReadNext();
        }

        private void ReadNext()
        {
            if (_remaining == 0)
            {
                CompleteStage();
                return;
            }
            var buffer = _stage._buffers.TryTake();
            if (buffer is null)
            {
                _awaitingBuffer = true;
                return;
            }
            var wanted = (int)Math.Min(_remaining, _stage._buffers.BufferSize);
            var read = RandomAccess.Read(_file!, buffer.AsSpan(0, wanted), _position);
            if (read == 0)
            {
                _stage._buffers.GiveBack(buffer);
                CompleteStage(); // the file is shorter than the region: the consumer sees the body end early
                return;
            }
            _stage._buffers.Lend(buffer);
            _position += read;
            _remaining -= read;
            Push(_stage.Out, ByteString.FromBytes(buffer, 0, read));
            if (_remaining == 0) CompleteStage();
        }

        public override void PostStop()
        {
            _stage._buffers.SourceStopped();
            _file?.Dispose();
        }
    }
}

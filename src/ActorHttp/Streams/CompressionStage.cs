using System.Buffers;
using Akka;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using ActorHttp.Http;

namespace ActorHttp.Streams;

/// <summary>
/// A body compressed chunk by chunk as it streams (RFC 9110 §8.4.1): each pull of its consumer compresses at most
/// <see cref="StepBytes"/> of the input and passes on what the encoder wrote, so it runs no further ahead of the
/// socket than the socket asks, and holds, besides the element it is working through and the encoder's fixed state,
/// one output buffer of about a step. The encoder is made when the stream starts and released when it stops for any
/// reason (finished, failed, or cancelled by a client that went away).
/// </summary>
public sealed class CompressionStage : GraphStage<FlowShape<ByteString, ByteString>>
{
    /// <summary>
    /// Input compressed per pull: a file's chunk, so a chunk of a large handler element costs what a chunk of a file
    /// does. What a step writes is at most about this much (incompressible input grows by a few bytes per block),
    /// or twice as much when zlib held the previous step's output back.
    /// </summary>
    public const int StepBytes = 64 * 1024;

    private readonly Func<ChunkEncoder> _createEncoder;
    private readonly bool _flushEachElement;
    private readonly Action? _elementTaken;

    /// <param name="createEncoder">Makes the encoder when the stream starts.</param>
    /// <param name="flushEachElement">Send what each element compressed to before waiting for the next.</param>
    /// <param name="elementTaken">Called once the encoder has taken all of an element: its buffer may be reused.</param>
    public CompressionStage(Func<ChunkEncoder> createEncoder, bool flushEachElement, Action? elementTaken = null)
    {
        _createEncoder = createEncoder;
        _flushEachElement = flushEachElement;
        _elementTaken = elementTaken;
        Shape = new FlowShape<ByteString, ByteString>(In, Out);
    }

    /// <summary>The flow that compresses a body in <paramref name="coding"/> at <paramref name="level"/>.</summary>
    public static Flow<ByteString, ByteString, NotUsed> For(ContentCoding coding, int level, bool flushEachElement, Action? elementTaken = null) =>
        Flow.FromGraph(new CompressionStage(() => ChunkEncoder.For(coding, level), flushEachElement, elementTaken));

    public Inlet<ByteString> In { get; } = new("CompressionStage.in");

    public Outlet<ByteString> Out { get; } = new("CompressionStage.out");

    public override FlowShape<ByteString, ByteString> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("compression");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly CompressionStage _stage;
        // Reused for every step. 80 KiB holds a step of text's output and stays below the large-object heap's
        // 85,000 bytes; incompressible input makes it grow once, to at most about two steps.
        private readonly ArrayBufferWriter<byte> _output = new(80 * 1024);
        private ChunkEncoder? _encoder;
        private ByteString? _input;
        private int _offset;

        public Logic(CompressionStage stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public override void PreStart() => _encoder = _stage._createEncoder();

        public override void OnPush()
        {
            _input = Grab(_stage.In);
            _offset = 0;
            Produce();
        }

        public override void OnPull() => Produce();

        // An element still being worked through is finished on the next pulls; the coded stream ends after it.
        public override void OnUpstreamFinish()
        {
            if (_input is null) End();
        }

        public override void PostStop() => _encoder?.Dispose();

        // Called only while the consumer has asked for an element: compresses steps of the input until one writes
        // something, which is pushed; asks for more input when the element is used up, or ends the coded stream.
        private void Produce()
        {
            while (_input is { } input)
            {
                var count = Math.Min(StepBytes, input.Count - _offset);
                if (count > 0) _encoder!.Compress(input.Slice(_offset, count).ToReadOnlySpan(), _output);
                _offset += count;
                if (_offset == input.Count)
                {
                    _input = null;
                    _stage._elementTaken?.Invoke();
                    if (_stage._flushEachElement) _encoder!.Flush(_output);
                }
                if (_output.WrittenCount > 0)
                {
                    Push(_stage.Out, TakeOutput());
                    if (_input is null && IsClosed(_stage.In)) End(); // Emit waits for the next pull
                    return;
                }
            }
            if (IsClosed(_stage.In)) End();
            else if (!HasBeenPulled(_stage.In)) Pull(_stage.In);
        }

        private void End()
        {
            _encoder!.Finish(_output);
            var tail = TakeOutput();
            if (tail.IsEmpty) CompleteStage();
            else Emit(_stage.Out, tail, CompleteStage);
        }

        private ByteString TakeOutput()
        {
            var taken = ByteString.FromBytes(_output.WrittenSpan.ToArray());
            _output.ResetWrittenCount();
            return taken;
        }
    }
}

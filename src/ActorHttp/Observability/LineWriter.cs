using System.Text;

namespace ActorHttp.Observability;

/// <summary>
/// Writes a batch of lines to a byte stream with one <see cref="Stream.Write(byte[], int, int)"/> call, each
/// line followed by <c>\n</c>. Used by one stream stage at a time, so it is not thread-safe.
/// </summary>
internal sealed class LineWriter : IDisposable
{
    private readonly Stream _output;
    private readonly bool _ownsOutput;
    private byte[] _buffer = new byte[16 * 1024];

    private LineWriter(Stream output, bool ownsOutput)
    {
        _output = output;
        _ownsOutput = ownsOutput;
    }

    /// <summary>Writes to the process's standard output, which is left open on dispose.</summary>
    public static LineWriter ForStdout() => new(Console.OpenStandardOutput(), ownsOutput: false);

    /// <summary>
    /// Appends to the file, creating it when missing. Others may read, rotate (rename or delete) or also append
    /// to it while it is open, as log tools expect.
    /// </summary>
    public static LineWriter ForFile(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0),
            ownsOutput: true);

    /// <summary>Writes test output to any stream (left open on dispose).</summary>
    public static LineWriter For(Stream output) => new(output, ownsOutput: false);

    /// <summary>Encodes the batch into one buffer and writes it synchronously; the caller runs on an I/O dispatcher.</summary>
    public Task WriteAsync(IReadOnlyList<string> lines)
    {
        var length = 0;
        foreach (var line in lines) length += Encoding.UTF8.GetMaxByteCount(line.Length) + 1;
        if (_buffer.Length < length) _buffer = new byte[Math.Max(length, _buffer.Length * 2)];

        var used = 0;
        foreach (var line in lines)
        {
            used += Encoding.UTF8.GetBytes(line, 0, line.Length, _buffer, used);
            _buffer[used++] = (byte)'\n';
        }
        _output.Write(_buffer, 0, used);
        _output.Flush();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_ownsOutput) _output.Dispose();
        else _output.Flush();
    }
}

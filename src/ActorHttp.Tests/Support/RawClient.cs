using System.Net.Sockets;
using System.Text;

namespace ActorHttp.Tests.Support;

/// <summary>
/// A plain TCP client for sending exact bytes and reading exact responses, for the cases no HTTP client
/// library will produce (malformed requests, pipelining, half-written heads).
/// </summary>
public sealed class RawClient : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = new();

    private RawClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static RawClient Connect(int port)
    {
        var client = new TcpClient { NoDelay = true };
        client.Connect("127.0.0.1", port);
        return new RawClient(client);
    }

    public void Send(string text) => Send(Encoding.Latin1.GetBytes(text));

    public void Send(byte[] bytes) => _stream.Write(bytes);

    /// <summary>Half-closes: the server sees end of input but can still answer.</summary>
    public void ShutdownSend() => _client.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Reads the status line and headers of the next response, leaving its body unread.</summary>
    public RawResponse ReadHead()
    {
        var headEnd = ReadUntil(() => IndexOf(_pending, "\r\n\r\n"u8));
        var head = Encoding.Latin1.GetString(_pending.GetRange(0, headEnd).ToArray());
        _pending.RemoveRange(0, headEnd + 4);
        return RawResponse.ParseHead(head);
    }

    /// <summary>Reads one whole response (head and, by Content-Length or chunked framing, its body).</summary>
    public RawResponse ReadResponse(bool headRequest = false)
    {
        var response = ReadHead();
        byte[] body;
        if (headRequest || response.Status is 204 or 304 || response.Status < 200)
        {
            body = Array.Empty<byte>();
        }
        else if (response.Header("Content-Length") is { } length)
        {
            var count = int.Parse(length);
            ReadUntil(() => _pending.Count >= count ? count : -1);
            body = _pending.GetRange(0, count).ToArray();
            _pending.RemoveRange(0, count);
        }
        else if (response.Header("Transfer-Encoding")?.Contains("chunked") == true)
        {
            body = ReadChunked();
        }
        else
        {
            body = ReadToEnd();
        }
        return response with { Body = body };
    }

    private byte[] ReadChunked()
    {
        var body = new List<byte>();
        while (true)
        {
            var lineEnd = ReadUntil(() => IndexOf(_pending, "\r\n"u8));
            var size = Convert.ToInt32(Encoding.ASCII.GetString(_pending.GetRange(0, lineEnd).ToArray()).Split(';')[0], 16);
            _pending.RemoveRange(0, lineEnd + 2);
            if (size == 0)
            {
                var trailerEnd = ReadUntil(() => IndexOf(_pending, "\r\n"u8));
                _pending.RemoveRange(0, trailerEnd + 2);
                return body.ToArray();
            }
            ReadUntil(() => _pending.Count >= size + 2 ? size : -1);
            body.AddRange(_pending.GetRange(0, size));
            _pending.RemoveRange(0, size + 2);
        }
    }

    /// <summary>The next <paramref name="count"/> bytes (a WebSocket frame after the 101, say).</summary>
    public byte[] ReadBytes(int count)
    {
        ReadUntil(() => _pending.Count >= count ? count : -1);
        var bytes = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return bytes;
    }

    /// <summary>Everything until the server closes the connection.</summary>
    public byte[] ReadToEnd()
    {
        ReadUntil(() => -1, untilClosed: true);
        var all = _pending.ToArray();
        _pending.Clear();
        return all;
    }

    /// <summary>True when bytes, a close or a reset from the server are waiting, without waiting for any.</summary>
    public bool HasSomethingToRead() => _pending.Count > 0 || _client.Client.Poll(0, SelectMode.SelectRead);

    /// <summary>True when the server has closed (or reset) the connection, waiting up to the read timeout.</summary>
    public bool IsClosedByServer()
    {
        try
        {
            ReadToEnd();
            return true;
        }
        catch (IOException)
        {
            return true; // reset
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private int ReadUntil(Func<int> found, bool untilClosed = false)
    {
        var buffer = new byte[16 * 1024];
        var deadline = DateTime.UtcNow + ReadTimeout;
        while (true)
        {
            var at = found();
            if (at >= 0) return at;
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) throw new TimeoutException("No complete response from the server in time.");
            _client.ReceiveTimeout = (int)remaining.TotalMilliseconds + 1;
            int read;
            try
            {
                read = _stream.Read(buffer);
            }
            catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
            {
                throw new TimeoutException("No complete response from the server in time.");
            }
            if (read == 0)
            {
                if (untilClosed) return -1;
                throw new EndOfStreamException("The server closed the connection before a whole response arrived.");
            }
            _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++) match = haystack[i + j] == needle[j];
            if (match) return i;
        }
        return -1;
    }

    /// <summary>Resets the connection (an RST, as a killed client or a cancelled download can): no FIN, nothing more read.</summary>
    public void Reset()
    {
        _client.Client.LingerState = new LingerOption(true, 0);
        _client.Dispose();
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>A response as read off the wire.</summary>
public sealed record RawResponse(int Status, string StatusLine, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public bool ClosesConnection => Header("Connection")?.Contains("close", StringComparison.OrdinalIgnoreCase) == true;

    public static RawResponse ParseHead(string head)
    {
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l =>
        {
            var colon = l.IndexOf(':');
            return new KeyValuePair<string, string>(l[..colon], l[(colon + 1)..].Trim());
        }).ToList();
        return new RawResponse(status, lines[0], headers, Array.Empty<byte>());
    }
}


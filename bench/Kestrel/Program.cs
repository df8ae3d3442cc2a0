// Kestrel peer for bench/run.sh.
//   KestrelPeer --urls http://127.0.0.1:PORT --root DIR [--sleep-ms 5000] [--https-port PORT --cert cert.pem --key key.pem]
// Serves DIR as static files, "/" -> hello.html, "/sleep" -> hello.html after an awaited Task.Delay,
// "/ws/echo" -> a WebSocket (ASP.NET Core's WebSocket middleware) that sends every message back;
// files under /compress/ through ResponseCompression (the compression scenario).
// With --https-port, HTTPS on that port too (HTTP/1.1 only, as ActorHttp), with the PEM certificate and key given.
// Prints exactly one line "Listening on http://HOST:PORT" on stdout once bound (like ActorHttp).
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

string root = Path.GetFullPath(Arg("--root") ?? "www");
int sleepMs = int.Parse(Arg("--sleep-ms") ?? "5000");
string helloPath = Path.Combine(root, "hello.html");

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = root, WebRootPath = root });
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Limits.MaxConcurrentConnections = null;
    k.Limits.MaxConcurrentUpgradedConnections = null;
    k.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(5);
    if (Arg("--https-port") is { } httpsPort)
    {
        // Listening explicitly replaces --urls, so the plain port is listened on here as well.
        var plain = new Uri(Arg("--urls") ?? "http://127.0.0.1:5000");
        k.Listen(IPAddress.Parse(plain.Host), plain.Port);
        var certificate = X509Certificate2.CreateFromPemFile(Arg("--cert")!, Arg("--key")!);
        k.Listen(IPAddress.Parse(plain.Host), int.Parse(httpsPort), o =>
        {
            o.Protocols = HttpProtocols.Http1;
            o.UseHttps(certificate);
        });
    }
});

// The compression scenario's files only: br and gzip at their default level (Fastest), as the middleware ships.
builder.Services.AddResponseCompression();

var app = builder.Build();
var files = new PhysicalFileProvider(root);
var contentTypes = new FileExtensionContentTypeProvider();

app.MapGet("/", (HttpContext ctx) => SendHello(ctx));
app.MapGet("/sleep", async (HttpContext ctx) =>
{
    await Task.Delay(sleepMs, ctx.RequestAborted);
    await SendHello(ctx);
});
app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/compress"), branch => branch.UseResponseCompression());
app.UseWebSockets();
app.Map("/ws/echo", async (HttpContext ctx) =>
{
    if (!ctx.WebSockets.IsWebSocketRequest) { ctx.Response.StatusCode = 400; return; }
    using var socket = await ctx.WebSockets.AcceptWebSocketAsync();
    await Echo(socket, ctx.RequestAborted);
});
app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ContentTypeProvider = contentTypes, ServeUnknownFileTypes = true });

await app.StartAsync();
foreach (var url in app.Urls)
{
    Console.WriteLine($"Listening on {url}");
    break;
}
Console.Out.Flush();
await app.WaitForShutdownAsync();
return 0;

Task SendHello(HttpContext ctx)
{
    ctx.Response.ContentType = "text/html";
    ctx.Response.ContentLength = new FileInfo(helloPath).Length;
    return ctx.Response.SendFileAsync(helloPath);
}

// Every message back, as the ActorHttp built-in echo does: read whole (a 4 KiB buffer, as ASP.NET Core's own
// sample, and a stream for longer messages), then sent as one message.
static async Task Echo(WebSocket socket, CancellationToken aborted)
{
    var buffer = new byte[4096];
    var message = new MemoryStream();
    try
    {
        while (true)
        {
            message.SetLength(0);
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
                message.Write(buffer, 0, result.Count);
            } while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                return;
            }
            await socket.SendAsync(message.GetBuffer().AsMemory(0, (int)message.Length), result.MessageType, true, aborted);
        }
    }
    catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
}

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

// Kestrel peer for bench/run.sh.
//   KestrelPeer --urls http://127.0.0.1:PORT --root DIR [--sleep-ms 5000]
// Serves DIR as static files, "/" -> hello.html, "/sleep" -> hello.html after an awaited Task.Delay;
// files under /compress/ through ResponseCompression (the compression scenario).
// Prints exactly one line "Listening on http://HOST:PORT" on stdout once bound (like ActorHttp).
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

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

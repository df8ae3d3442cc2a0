using System.Security.Cryptography;
using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using ActorHttp.Http;
using ActorHttp.Routing;

namespace ActorHttp.Tests.Routing;

/// <summary>What the upload handlers tell their test: the handler and its connection, then how the body ended.</summary>
public sealed record UploadStarted(IActorRef Handler, IActorRef Connection, HttpRequest Head);

public sealed record UploadEnded(long Count, string Sha256);

public sealed record UploadFailed(Exception Cause);

/// <summary>
/// Reads a streamed body to its end, counting bytes and hashing them, and replies "count sha256". The stream
/// runs on the system materializer, so the test sees how it ended even once the handler is stopped.
/// </summary>
public sealed class DigestUploadHandler : ReceiveActor
{
    public DigestUploadHandler(IActorRef reporter)
    {
        Receive<StreamedHttpRequest>(request =>
        {
            reporter.Tell(new UploadStarted(Self, Context.Parent, request.Head));
            var replyTo = Sender;
            var self = Self; // the connection knows its handler by the sender of the reply
            Digest(request.Body, Context.System.Materializer()).ContinueWith(task =>
            {
                if (task.IsCompletedSuccessfully)
                {
                    reporter.Tell(task.Result);
                    replyTo.Tell(HttpResponse.Text(200, $"{task.Result.Count} {task.Result.Sha256}"), self);
                }
                else
                {
                    var cause = task.Exception!.GetBaseException();
                    reporter.Tell(new UploadFailed(cause));
                    replyTo.Tell(HttpResponse.Text(400, "incomplete upload"), self);
                }
            });
        });
    }

    public static async Task<UploadEnded> Digest(Source<ByteString, NotUsed> body, IMaterializer materializer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var count = await body.RunAggregate(0L, (total, piece) =>
        {
            hash.AppendData(piece.ToReadOnlySpan());
            return total + piece.Count;
        }, materializer);
        return new UploadEnded(count, Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant());
    }
}

/// <summary>
/// Holds a streamed body without pulling it until told <see cref="Pull"/>; then reads it like
/// <see cref="DigestUploadHandler"/>. Shows the back-pressure reaching the socket.
/// </summary>
public sealed class HoldingUploadHandler : ReceiveActor
{
    public sealed class Pull
    {
        public static readonly Pull Instance = new();
    }

    public HoldingUploadHandler(IActorRef reporter)
    {
        Source<ByteString, NotUsed>? body = null;
        IActorRef? replyTo = null;
        Receive<StreamedHttpRequest>(request =>
        {
            body = request.Body;
            replyTo = Sender;
            reporter.Tell(new UploadStarted(Self, Context.Parent, request.Head));
        });
        Receive<Pull>(_ =>
        {
            var to = replyTo!;
            var self = Self;
            DigestUploadHandler.Digest(body!, Context.System.Materializer())
                .ContinueWith(t => to.Tell(HttpResponse.Text(200, $"{t.Result.Count} {t.Result.Sha256}"), self));
        });
    }
}

/// <summary>The README's upload handler: stores the streamed body in a file named by the route, then answers 201.</summary>
public sealed class FileUploadHandler : ReceiveActor
{
    public FileUploadHandler(string directory) =>
        Receive<StreamedHttpRequest>(r => r.Body.RunWith(FileIO.ToFile(new FileInfo(Path.Combine(directory, r.Head.RouteValue("name")!))), Context.Materializer())
            .PipeTo(Sender, success: _ => HttpResponse.Text(201, "stored"), sender: Self));
}

/// <summary>Runs its body into a sink that never pulls and never replies: the handler timeout must answer for it.</summary>
public sealed class StallingUploadHandler : ReceiveActor
{
    public StallingUploadHandler(IActorRef reporter) =>
        Receive<StreamedHttpRequest>(request =>
        {
            request.Body.RunWith(Sink.Queue<ByteString>(), Context.System.Materializer());
            reporter.Tell(new UploadStarted(Self, Context.Parent, request.Head));
        });
}

/// <summary>Refuses every upload at once, before reading any of the body (as a quota check would).</summary>
public sealed class RefusingUploadHandler : ReceiveActor
{
    public RefusingUploadHandler(IActorRef reporter) =>
        Receive<StreamedHttpRequest>(_ => Sender.Tell(HttpResponse.Text(413, "over quota")));
}

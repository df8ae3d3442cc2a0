using Akka;
using Akka.IO;
using Akka.Streams.Dsl;
using ActorHttp.Http;

namespace ActorHttp.Routing;

/// <summary>
/// What the handler of a route with <see cref="Route.StreamsRequestBody"/> receives: the request head (its
/// <see cref="HttpRequest.Body"/> is empty) and the body as it arrives. The body can be run once, and must be
/// run promptly (within <c>akka.stream.materializer.subscription-timeout</c>); while it is not pulled the server
/// stops reading the socket, and the handler must pull or reply within <c>timeouts.handler</c>. It fails if the
/// client disconnects or breaks the chunk framing before its end. The handler replies an
/// <see cref="HttpResponse"/> as usual; a reply before the body's end closes the connection after it.
/// </summary>
public sealed record StreamedHttpRequest(HttpRequest Head, Source<ByteString, NotUsed> Body);

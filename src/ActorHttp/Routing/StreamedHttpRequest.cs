using Akka;
using Akka.IO;
using Akka.Streams.Dsl;
using ActorHttp.Http;

namespace ActorHttp.Routing;

/// <summary>
/// What the handler of a route with <see cref="Route.StreamsRequestBody"/> receives: the request head (its
/// <see cref="HttpRequest.Body"/> is empty) and the body as it arrives. The body can be run once; while it
/// is not pulled the server stops reading the socket. It fails if the client disconnects before its end.
/// The handler replies an <see cref="HttpResponse"/> as usual, normally once the body has been read.
/// </summary>
public sealed record StreamedHttpRequest(HttpRequest Head, Source<ByteString, NotUsed> Body);

using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using ActorHttp.Cluster;
using ActorHttp.Hosting;
using ActorHttp.Http;
using ActorHttp.Routing;
using CsCheck;

namespace ActorHttp.Tests.Cluster;

/// <summary>
/// The serializer a cluster node binds (<see cref="ClusterConfig.NodeDefaults"/>) for every ActorHttp message that
/// crosses nodes or reaches the journal, through the actor system's own serialization as remoting uses it.
/// </summary>
public sealed class ClusterMessageSerializerSpec : IDisposable
{
    private readonly ActorSystem _node = ActorSystem.Create("serialization", ClusterConfig.NodeDefaults.WithFallback(Quiet));
    private readonly ActorSystem _unbound = ActorSystem.Create("unbound", Quiet);

    private static readonly Config Quiet = ConfigurationFactory.ParseString("akka.loglevel = OFF\nakka.stdout-loglevel = OFF");

    public void Dispose()
    {
        _node.Terminate().Wait(TimeSpan.FromSeconds(10));
        _unbound.Terminate().Wait(TimeSpan.FromSeconds(10));
    }

    private static object RoundTrip(ActorSystem system, object message)
    {
        var serializer = system.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        return system.Serialization.Deserialize(bytes, serializer.Identifier, Serialization.ManifestFor(serializer, message));
    }

    private static readonly HttpRequest Request = new("POST", "/counter/a?x=1", "/counter/a", "x=1", HttpVersion.Http11,
        new HttpHeaders(new[] { new HttpHeader("Host", "h"), new HttpHeader("Content-Type", "application/octet-stream") }),
        new byte[] { 0, 1, 2, 250, 255 })
    {
        RouteValues = new Dictionary<string, string> { ["id"] = "a" },
    };

    [Fact]
    public void Every_message_that_crosses_nodes_is_bound_to_the_ActorHttp_serializer()
    {
        foreach (var message in new object[] { new ShardedHttpRequest("a", Request), Request, HttpResponse.Text(200, "1"), new CounterEntity.Incremented(Guid.NewGuid()) })
            Assert.IsType<ClusterMessageSerializer>(_node.Serialization.FindSerializerFor(message));
    }

    [Fact]
    public void Akka_s_default_serializer_loses_the_body_of_a_request_which_is_why_ActorHttp_binds_its_own()
    {
        var decoded = (HttpRequest)RoundTrip(_unbound, Request);

        Assert.NotEqual(Request.Body.ToArray(), decoded.Body.ToArray());
    }

    [Fact]
    public void An_envelope_comes_back_with_its_entity_id_and_the_request_s_body_headers_and_route_values()
    {
        Gen.Select(Gen.String, Gen.Byte.Array[0, 2000]).Sample((id, body) =>
        {
            var envelope = new ShardedHttpRequest(id, Request with { Body = body });

            var decoded = Assert.IsType<ShardedHttpRequest>(RoundTrip(_node, envelope));

            Assert.Equal(id, decoded.EntityId);
            Assert.Equal(body, decoded.Request.Body.ToArray());
            Assert.Equal(Request.Headers.ToArray(), decoded.Request.Headers.ToArray());
            Assert.Equal("a", decoded.Request.RouteValue("id"));
        }, iter: 100);
    }

    [Fact]
    public void A_response_comes_back_with_its_status_headers_and_body_bytes()
    {
        Gen.Select(Gen.Int[100, 599], Gen.Byte.Array[0, 2000]).Sample((status, body) =>
        {
            var response = HttpResponse.Bytes(status, body, "application/octet-stream").WithHeader("ETag", "\"x\"");

            var decoded = Assert.IsType<HttpResponse>(RoundTrip(_node, response));

            Assert.Equal(status, decoded.Status);
            Assert.Equal(response.Headers.ToArray(), decoded.Headers.ToArray());
            Assert.Equal(body, Assert.IsType<ResponseBody.Bytes>(decoded.Body).Content.ToArray());
        }, iter: 100);
    }

    [Fact]
    public void An_envelope_comes_back_with_its_delivery_id()
    {
        var envelope = new ShardedHttpRequest("a", Request) { DeliveryId = Guid.NewGuid() };

        Assert.Equal(envelope.DeliveryId, Assert.IsType<ShardedHttpRequest>(RoundTrip(_node, envelope)).DeliveryId);
    }

    [Fact]
    public void An_envelope_of_the_first_format_from_a_node_not_yet_upgraded_reads_as_one_without_a_delivery_id()
    {
        var serializer = (SerializerWithStringManifest)_node.Serialization.FindSerializerFor(Request);

        var decoded = Assert.IsType<ShardedHttpRequest>(serializer.FromBinary(HttpMessageFormat.EncodeRequest(Request, "a"), "Q"));

        Assert.Equal("a", decoded.EntityId);
        Assert.Equal(Guid.Empty, decoded.DeliveryId);
    }

    [Fact]
    public void The_counter_s_event_comes_back_with_the_delivery_id_of_its_POST()
    {
        var incremented = new CounterEntity.Incremented(Guid.NewGuid());

        Assert.Equal(incremented, RoundTrip(_node, incremented));
    }

    [Fact]
    public void A_counter_event_of_the_first_format_without_a_delivery_id_still_replays()
    {
        // What the journal holds from before delivery ids: manifest "C", the single byte 1.
        var serializer = (SerializerWithStringManifest)_node.Serialization.FindSerializerFor(Request);

        Assert.Equal(new CounterEntity.Incremented(Guid.Empty), serializer.FromBinary(new byte[] { 1 }, "C"));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(new byte[] { 2, 1, 2 }, "C"));
    }

    [Fact]
    public void A_response_whose_body_is_a_file_crosses_as_a_500_rather_than_not_at_all()
    {
        var decoded = Assert.IsType<HttpResponse>(RoundTrip(_node, new HttpResponse(200, HttpHeaders.Empty, new ResponseBody.File("/etc/hostname", 0, 1))));

        Assert.Equal(500, decoded.Status);
    }

    [Fact]
    public void Bytes_of_an_unknown_manifest_or_a_broken_message_are_a_serialization_error()
    {
        var serializer = (SerializerWithStringManifest)_node.Serialization.FindSerializerFor(Request);

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(new byte[] { 1 }, "Z"));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(new byte[] { 1, 5 }, "R"));
    }
}

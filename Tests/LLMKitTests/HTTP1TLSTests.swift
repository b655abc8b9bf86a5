import LLMKit
import LLMKitCore
import LLMKitTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Testing

/// Every real provider is `https`: the own client over TLS against a loopback TLS server with a
/// test certificate (Fixtures/tls), a recorded stream delivered whole and in 1-7 byte writes.
@Suite("HTTP/1.1 client over TLS")
struct HTTP1TLSTests {
    /// The handshake counts toward the connect timeout, and under a full parallel test run the
    /// loopback servers can answer many seconds late.
    static let timeouts = Timeouts(connect: .seconds(120))

    static func serverContext() throws -> NIOSSLContext {
        let cert = try NIOSSLCertificate(bytes: Fixture.bytes("tls/localhost.cert.pem"), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Fixture.bytes("tls/localhost.key.pem"), format: .pem)
        var config = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(cert)], privateKey: .privateKey(key))
        config.applicationProtocols = ["http/1.1"]
        return try NIOSSLContext(configuration: config)
    }

    /// A client that trusts the test certificate (and nothing else).
    static func trustingClient() throws -> HTTP1Client {
        var config = TLSConfiguration.makeClientConfiguration()
        config.trustRoots = .certificates([
            try NIOSSLCertificate(bytes: Fixture.bytes("tls/localhost.cert.pem"), format: .pem)
        ])
        return HTTP1Client(group: MultiThreadedEventLoopGroup.singleton, tlsConfiguration: config)
    }

    @Test(arguments: [CannedResponse.Delivery.whole, .randomSplits(seed: 41)])
    func aRecordedStreamOverTLSOnOneConnection(_ delivery: CannedResponse.Delivery) async throws {
        let sse = Fixture.bytes("openai-chat/text-stream.sse")
        let answer = CannedResponse(headers: [("content-type", "text/event-stream")], body: sse, delivery: delivery)
        try await LoopbackServer.with([answer, answer], tls: try Self.serverContext()) { server in
            let client = try Self.trustingClient()
            let target = try #require(HTTP1Client.Target(server.baseURL + "/v1/chat/completions"))
            #expect(target.origin.tls)
            let body = Array(#"{"model":"gpt-4o","stream":true}"#.utf8)
            for _ in 0..<2 {
                let response = try await client.execute(
                    method: .POST, target: target, headers: ["content-type": "application/json"], body: body,
                    timeouts: Self.timeouts)
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "content-type") == "text/event-stream")
                let received = try await response.body.collect(upTo: 1 << 20)
                #expect(Array(received.readableBytesView) == sse)
            }
            #expect(server.requests.count == 2)
            #expect(server.openedConnections == 1)  // the TLS connection was kept and reused
            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            #expect(request.uri == "/v1/chat/completions")
            #expect(request.header("host") == String(server.baseURL.dropFirst("https://".count)))
            #expect(request.body == body)
        }
    }

    @Test func anUntrustedCertificateFailsTheConnectWithATLSMessage() async throws {
        let answer = Fixture.response("openai-chat", "text", ext: "json")
        try await LoopbackServer.with([answer], tls: try Self.serverContext()) { server in
            // The library's default client trusts the system's roots, which do not hold the test certificate.
            let llm = FixtureProvider.named("openai-chat").client(server, timeouts: Self.timeouts)
            let error = try #require(
                await llmError { _ = try await llm.complete(FixtureProvider.named("openai-chat").request()) })
            #expect(error.kind == .network)
            #expect(error.message.contains("the TLS handshake with localhost failed"), "\(error.message)")
            #expect(error.message.contains("trust store"))
            #expect(server.requests.isEmpty)
        }
    }
}

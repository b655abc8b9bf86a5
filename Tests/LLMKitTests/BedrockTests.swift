import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Bedrock Converse and ConverseStream replayed from recorded traffic (Fixtures/bedrock/SOURCE.md):
/// binary event-stream bodies whole and in random 1-7 byte writes, SigV4 on every request.
@Suite("Amazon Bedrock")
struct BedrockTests {
    static let model = "anthropic.claude-3-7-sonnet-20250219-v1:0"
    static let env = [
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "AWS_REGION": "us-east-1",
    ]

    static func client(_ server: LoopbackServer, env: [String: String] = BedrockTests.env) -> LLMKit {
        LLMKit(providers: ["bedrock": ProviderSettings(baseURL: server.baseURL)], environment: env, retry: .none)
    }

    static var streams: [String] {
        let dir = Fixture.root.appendingPathComponent("bedrock").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".eventstream") && !$0.hasPrefix("invoke-") && !$0.hasPrefix("exception-") }
            .map { String($0.dropLast(".eventstream".count)) }.sorted()
    }

    static var bodies: [String] {
        let dir = Fixture.root.appendingPathComponent("bedrock").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".expected.json") }.map { String($0.dropLast(".expected.json".count)) }
            .filter { Fixture.exists("bedrock/\($0).json") }.sorted()
    }

    static func eventStream(_ name: String, delivery: CannedResponse.Delivery) -> CannedResponse {
        CannedResponse(
            headers: [("content-type", "application/vnd.amazon.eventstream")],
            body: Fixture.bytes("bedrock/\(name).eventstream"), delivery: delivery)
    }

    @Test("ConverseStream fixtures, whole and in random 1-7 byte writes", arguments: streams)
    func stream(_ name: String) async throws {
        #expect(Self.streams.count >= 6)
        let expected = Expected(Fixture.json("bedrock/\(name).expected.json"))
        for delivery in [CannedResponse.Delivery.whole, .randomSplits(seed: ReplayTests.seed)] {
            try await LoopbackServer.with([Self.eventStream(name, delivery: delivery)]) { server in
                var events: [StreamEvent] = []
                var final: ChatResponse?
                for try await e in Self.client(server).stream(
                    ChatRequest(model: "bedrock/\(Self.model)", messages: [.user("hi")]))
                {
                    events.append(e)
                    if case .finished(let r) = e { final = r }
                }
                let r = try #require(final, "\(name)")
                expected.check(r, "bedrock/\(name) \(delivery) (seed \(ReplayTests.seed))")
                #expect(events.compactMap(\.text).joined() == r.text)
                let req = try #require(server.requests.first)
                #expect(req.uri == "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream")
                #expect(req.header("accept") == "application/vnd.amazon.eventstream")
            }
        }
    }

    @Test("Converse non-stream fixtures", arguments: bodies)
    func body(_ name: String) async throws {
        let expected = Expected(Fixture.json("bedrock/\(name).expected.json"))
        try await LoopbackServer.with([Fixture.response("bedrock", name, ext: "json")]) { server in
            let r = try await Self.client(server).complete(
                ChatRequest(model: "bedrock/\(Self.model)", messages: [.user("hi")]))
            expected.check(r, "bedrock/\(name)")
            let req = try #require(server.requests.first)
            #expect(req.uri == "/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse")
            // SigV4: the credential scope, the signed headers and a 64-hex signature.
            let auth = try #require(req.header("authorization"))
            let date = try #require(req.header("x-amz-date"))
            #expect(date.count == 16 && date.hasSuffix("Z"))
            #expect(
                auth.hasPrefix(
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\(date.prefix(8))/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature="
                ))
            #expect(auth.split(separator: "=").last?.count == 64)
            #expect(!auth.contains("wJalrXUtnFEMI"))
        }
    }

    @Test("an exception frame mid-stream is a typed error", arguments: [1, 2, 3] as [UInt64])
    func exceptionFrame(seed: UInt64) async throws {
        try await LoopbackServer.with([
            Self.eventStream("exception-model-stream-error", delivery: .randomSplits(seed: seed))
        ]) {
            server in
            let e = await llmError {
                _ = try await Self.client(server).stream(
                    ChatRequest(model: "bedrock/\(Self.model)", messages: [.user("hi")])
                )
                .collect()
            }
            #expect(e?.providerType == "modelStreamErrorException", "seed \(seed)")
            #expect(e?.message.contains("mid-stream") == true)
        }
    }

    @Test("a corrupted frame is a decoding error, not a crash")
    func corruptFrame() async throws {
        var bytes = Fixture.bytes("bedrock/text-stream.eventstream")
        bytes[bytes.count / 2] ^= 0xFF
        try await LoopbackServer.with([
            CannedResponse(headers: [("content-type", "application/vnd.amazon.eventstream")], body: bytes)
        ]) { server in
            let e = await llmError {
                _ = try await Self.client(server).stream(
                    ChatRequest(model: "bedrock/\(Self.model)", messages: [.user("hi")])
                )
                .collect()
            }
            #expect(e?.kind == .decoding)
        }
    }

    @Test("reasoning with its signature and the tool call go back exactly as the SDK sent them")
    func handBack() async throws {
        let recorded = Fixture.json("bedrock/reasoning-tools-turn2.request.json")
        try await LoopbackServer.with([
            Fixture.response("bedrock", "reasoning-tools", ext: "json"),
            Fixture.response("bedrock", "reasoning-tools-turn2", ext: "json"),
        ]) { server in
            let llm = Self.client(server)
            var request = ChatRequest(
                model: "bedrock/\(Self.model)", messages: [.user("What is the largest city in the user country?")],
                reasoning: .budget(tokens: 1024))
            request.tools = [
                ToolDefinition(
                    name: "get_user_country", description: nil,
                    parameters: ["additionalProperties": false, "properties": [:], "type": "object"])
            ]
            let r1 = try await llm.complete(request)
            let call = try #require(r1.toolCalls.first)
            request.messages += [r1.message, .tool(callID: call.id, name: call.name, "Mexico")]
            _ = try await llm.complete(request)
            let body = try #require(server.requests[1].json)
            #expect(body["messages"]?.arrayValue?[1] == recorded["messages"]?.arrayValue?[1])
            let result = body["messages"]?.arrayValue?[2]["content"]?.arrayValue?.first?["toolResult"]
            #expect(result?["toolUseId"] == .string(call.id))
            #expect(result?["content"] == [["text": "Mexico"]])
            #expect(body["toolConfig"] == recorded["toolConfig"])
            #expect(body["additionalModelRequestFields"] == recorded["additionalModelRequestFields"])
        }
    }

    @Test("errors: x-amzn-errortype names the exception; throttling is rate limited")
    func errors() async throws {
        for (name, kind, type) in [
            ("error-400", LLMError.Kind.invalidRequest, "ValidationException"),
            ("error-429", .rateLimited, "ThrottlingException"),
        ] {
            try await LoopbackServer.with([Fixture.response("bedrock", name, ext: "json")]) { server in
                let e = await llmError {
                    _ = try await Self.client(server).complete(
                        ChatRequest(model: "bedrock/\(Self.model)", messages: [.user("hi")]))
                }
                #expect(e?.kind == kind, "\(name)")
                #expect(e?.providerType == type, "\(name)")
            }
        }
    }

    @Test("set-up errors say what to set; a Bedrock API key is sent as a bearer token")
    func setup() throws {
        let request = ChatRequest(model: "bedrock/\(Self.model)", messages: [.user("hi")])
        #expect(throws: LLMError.self) { try LLMKit(environment: [:]).prepare(request, stream: false) }
        var env = Self.env
        env["AWS_REGION"] = nil
        do {
            _ = try LLMKit(environment: env).prepare(request, stream: false)
            Issue.record("no region was accepted")
        } catch { #expect(error.message.contains("AWS_REGION")) }
        let call = try LLMKit(environment: ["AWS_BEARER_TOKEN_BEDROCK": "bedrock-key", "AWS_REGION": "eu-west-1"])
            .prepare(request, stream: true)
        #expect(
            call.url
                == "https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream"
        )
        #expect(call.headers.first(name: "authorization") == "Bearer bedrock-key")
    }
}

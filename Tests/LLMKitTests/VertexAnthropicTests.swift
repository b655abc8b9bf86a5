import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Claude on Vertex AI: the body the Anthropic Vertex SDK sent, byte for byte in content
/// (Fixtures/vertex-anthropic/SOURCE.md), and the rawPredict / streamRawPredict URLs.
@Suite("Claude on Vertex AI")
struct VertexAnthropicTests {
    let p = FixtureProvider.named("vertex-anthropic")

    /// The Messages API takes a string wherever it takes a list of text blocks; LLMKit sends blocks.
    static func blocks(_ v: JSONValue?) -> JSONValue? {
        guard let v else { return nil }
        switch v {
        case .string(let s): return [["type": "text", "text": .string(s)]]
        case .array(let items):
            return .array(
                items.map { m in
                    guard let c = m["content"] else { return m }
                    return m.setting("content", blocks(c) ?? c)
                })
        default: return v
        }
    }

    @Test("rawPredict: no model member, anthropic_version in the body, the recorded request exactly")
    func text() async throws {
        let recorded = Fixture.json("vertex-anthropic/text.request.json")
        try await LoopbackServer.with([Fixture.response("vertex-anthropic", "text", ext: "json")]) { server in
            var request = p.request([.user("What is 4200 + 42?")])
            request.maxOutputTokens = 16000
            _ = try await p.client(server).complete(request)
            let req = try #require(server.requests.first)
            #expect(
                req.uri
                    == "/v1/projects/proj/locations/us-central1/publishers/anthropic/models/claude-haiku-4-5%4020251001:rawPredict"
            )
            let body = try #require(req.json)
            #expect(body.objectValue?.map(\.key).sorted() == recorded.objectValue?.map(\.key).sorted())
            #expect(Self.blocks(body["messages"]) == Self.blocks(recorded["messages"]))
            #expect(body["max_tokens"] == recorded["max_tokens"])
            #expect(body["anthropic_version"] == "vertex-2023-10-16")
            #expect(req.header("authorization") == "Bearer \(FixtureProvider.key)")
            #expect(req.header("anthropic-version") == nil)
        }
    }

    @Test("streamRawPredict with tools and a system message matches the recording")
    func toolsStream() async throws {
        let recorded = Fixture.json("vertex-anthropic/tools.request.json")
        try await LoopbackServer.with([
            Fixture.response("vertex-anthropic", "tools-stream", ext: "sse", delivery: .randomSplits(seed: 5))
        ]) { server in
            var request = p.request([
                .system("Use parallel tool calling."),
                .user("Please retrieve the secrets associated with each of these passwords: mellon,radiance"),
            ])
            request.maxOutputTokens = 16000
            let tool = try #require(recorded["tools"]?.arrayValue?.first)
            request.tools = [
                ToolDefinition(
                    name: "secret_retrieval_tool", description: tool["description"]?.stringValue,
                    parameters: tool["input_schema"] ?? .null)
            ]
            let r = try await p.client(server).stream(request).collect()
            #expect(
                r.toolCalls.count
                    == Expected(Fixture.json("vertex-anthropic/tools-stream.expected.json")).toolCalls.count)
            let body = try #require(server.requests.first?.json)
            #expect(server.requests.first?.uri.hasSuffix(":streamRawPredict") == true)
            #expect(body["stream"] == true)
            for key in ["max_tokens", "tools", "anthropic_version"] {
                #expect(body[key] == recorded[key], "\(key)")
            }
            #expect(Self.blocks(body["messages"]) == Self.blocks(recorded["messages"]))
            #expect(Self.blocks(body["system"]) == Self.blocks(recorded["system"]))
            #expect(body["model"] == nil)
        }
    }
}

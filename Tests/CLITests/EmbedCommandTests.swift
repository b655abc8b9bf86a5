import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

@Suite("llmkit embed")
struct EmbedCommandTests {
    @Test("--json prints the vectors, usage and cost; the request carries model, inputs and dimensions")
    func json() async throws {
        let fixture = try Fixture.json("embeddings/openai-float.json")
        try await LoopbackServer.with([try Fixture.response("embeddings/openai-float.json")]) { server in
            let r = try await CLI.run(
                [
                    "embed", "--model", "openai/text-embedding-3-small", "--base-url", server.baseURL + "/v1",
                    "--dimensions", "5", "--json", "sunny day", "rainy day",
                ], environment: CLI.environment(["OPENAI_API_KEY": CLI.secret]))
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let out = try r.json()
            #expect(out.keys == ["model", "provider", "embeddings", "usage", "cost", "warnings"])
            let vectors = try #require(out["embeddings"]?.arrayValue)
            #expect(vectors.count == 2)
            let want = fixture["data"]?.arrayValue?[0]["embedding"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            let got = vectors[0].arrayValue?.compactMap(\.doubleValue) ?? []
            #expect(got.count == 5)
            #expect(zip(got, want).allSatisfy { abs($0 - $1) < 1e-6 })
            #expect(out["usage"]?["inputTokens"] == 12)
            let body = try #require(server.requests.first?.json)
            #expect(body["input"] == ["sunny day", "rainy day"])
            #expect(body["dimensions"] == 5)
            #expect(!r.stdout.contains(CLI.secret) && !r.stderr.contains(CLI.secret))
        }
    }

    @Test("texts from stdin, human output; an unsupported provider is a JSON error")
    func stdinAndErrors() async throws {
        try await LoopbackServer.with([try Fixture.response("embeddings/openai-float.json")]) { server in
            let r = try await CLI.run(
                ["embed", "--model", "openai/text-embedding-3-small", "--base-url", server.baseURL + "/v1"],
                environment: CLI.environment(["OPENAI_API_KEY": CLI.secret]), stdin: "sunny day\nrainy day\n")
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(r.stdout.split(separator: "\n").count == 2)
            #expect(r.stdout.hasPrefix("5 dims  ["))
            #expect(r.stderr.hasPrefix("[usage] in=12"))
        }
        let bad = try await CLI.run(
            ["embed", "--model", "anthropic/claude-sonnet-4-5", "x"],
            environment: CLI.environment(["ANTHROPIC_API_KEY": CLI.secret]))
        #expect(bad.status == 1)
        #expect(try JSONValue(parsing: Array(bad.stderr.utf8))["error"]?["kind"] == "unsupported")
    }
}

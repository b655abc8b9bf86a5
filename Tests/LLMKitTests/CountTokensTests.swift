import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Token counting replayed from recorded answers (Fixtures/count-tokens/SOURCE.md).
@Suite("Token counting")
struct CountTokensTests {
    func count(
        _ provider: String, _ model: String, _ fixture: String, _ messages: [Message], tools: [ToolDefinition] = []
    )
        async throws -> (TokenCount, CapturedRequest)
    {
        try await LoopbackServer.with([Fixture.response("count-tokens", fixture, ext: "json")]) { server in
            let llm = LLMKit(
                providers: [provider: ProviderSettings(apiKey: FixtureProvider.key, baseURL: server.baseURL)],
                environment: ["GOOGLE_CLOUD_PROJECT": "proj", "GOOGLE_CLOUD_LOCATION": "us-central1"], retry: .none)
            var request = ChatRequest(model: "\(provider)/\(model)", messages: messages)
            request.tools = tools
            return (try await llm.countTokens(request), try #require(server.requests.first))
        }
    }

    @Test("Anthropic messages/count_tokens: the recorded body, input_tokens back")
    func anthropic() async throws {
        let recorded = Fixture.json("count-tokens/anthropic-text.request.json")
        let (n, req) = try await count("anthropic", "claude-sonnet-4-5", "anthropic-text", [.user("What is 2 + 2?")])
        #expect(n == TokenCount(inputTokens: 16))
        #expect(req.uri == "/v1/messages/count_tokens")
        #expect(req.json == recorded)
        #expect(req.header("anthropic-version") == "2023-06-01")
        #expect(req.header("x-api-key") == FixtureProvider.key)
    }

    @Test("Gemini countTokens: contents only, or generateContentRequest with a system message")
    func gemini() async throws {
        let recorded = Fixture.json("count-tokens/gemini.request.json")
        let (n, req) = try await count("gemini", "gemini-embedding-2-preview", "gemini", [.user("Hello, world!")])
        #expect(n == TokenCount(inputTokens: 5))
        #expect(req.uri == "/v1beta/models/gemini-embedding-2-preview:countTokens")
        #expect(req.json == recorded)
        let (_, withSystem) = try await count(
            "gemini", "gemini-2.5-flash", "gemini", [.system("Be brief."), .user("Hello, world!")])
        let inner = try #require(withSystem.json?["generateContentRequest"])
        #expect(inner["model"] == "models/gemini-2.5-flash")
        #expect(inner["contents"] == recorded["contents"])
        #expect(inner["systemInstruction"]?["parts"] == [["text": "Be brief."]])
    }

    @Test("Vertex countTokens: system instruction at the top level, billable characters back")
    func vertex() async throws {
        let recorded = Fixture.json("count-tokens/vertex.request.json")
        let (n, req) = try await count(
            "vertex", "gemini-2.5-flash", "vertex",
            [.system("You are a helpful chatbot."), .user("What is the capital of France?")])
        #expect(n == TokenCount(inputTokens: 13, billableCharacters: 47))
        #expect(
            req.uri == "/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.5-flash:countTokens")
        #expect(req.json?["contents"] == recorded["contents"])
        #expect(req.json?["systemInstruction"]?["parts"] == recorded["systemInstruction"]?["parts"])
        #expect(req.json?["generationConfig"] == nil)
    }

    @Test("errors: a recorded 404, and providers without a count endpoint")
    func errors() async throws {
        let e = await llmError {
            _ = try await count("anthropic", "claude-does-not-exist", "anthropic-error-404", [.user("hello")])
        }
        #expect(e?.kind == .notFound)
        let none = await llmError {
            _ = try await LLMKit(environment: ["OPENAI_API_KEY": "k"]).countTokens(
                ChatRequest(model: "openai/gpt-4o", messages: [.user("hi")]))
        }
        #expect(none?.kind == .unsupported)
    }
}

import Foundation
import LLMKit
import LLMKitCore
import Testing

extension Tag {
    /// Talks to a real model server; skipped unless `LLMKIT_LIVE_LOCAL=1`.
    @Tag static var live: Self
}

/// Real chats against the local llama.cpp server (`scripts/local-model start`).
/// CI starts the server and sets `LLMKIT_LIVE_LOCAL=1`. The text varies; the shapes do not.
@Suite(
    "Local model (live)", .tags(.live), .serialized,
    .enabled(
        if: ProcessInfo.processInfo.environment["LLMKIT_LIVE_LOCAL"] == "1",
        "set LLMKIT_LIVE_LOCAL=1 with scripts/local-model running")
)
struct LocalModelLiveTests {
    // The default retry policy, as users have it: llama.cpp closes the connection after an
    // error answer, and a request racing that close is retried.
    let llm = LLMKit()

    func request(_ prompt: String = "Say hello in one short sentence.") -> ChatRequest {
        ChatRequest(model: "local/smollm2", messages: [.user(prompt)], maxOutputTokens: 24, temperature: 0)
    }

    @Test func nonStreaming() async throws {
        let r = try await llm.complete(request())
        #expect(!r.text.isEmpty)
        #expect(r.finishReason == .stop || r.finishReason == .length)
        #expect(r.provider == "local")
        let usage = try #require(r.usage)
        #expect(usage.inputTokens > 0)
        #expect(usage.outputTokens > 0 && usage.outputTokens <= 24)
        #expect(r.message.role == .assistant)
        #expect(r.cost == nil)
    }

    @Test func streamingWithUsage() async throws {
        var deltas: [String] = []
        var usage: Usage?
        var final: ChatResponse?
        for try await e in llm.stream(request()) {
            switch e {
            case .textDelta(let s): deltas.append(s)
            case .usage(let u): usage = u
            case .finished(let r): final = r
            default: break
            }
        }
        let r = try #require(final)
        #expect(deltas.count > 1)
        #expect(deltas.joined() == r.text)
        #expect(usage != nil)
        #expect(usage == r.usage)
        #expect((usage?.outputTokens ?? 0) > 0)
    }

    @Test func jsonSchemaOutput() async throws {
        var req = request("Give the capital of France as JSON.")
        req.maxOutputTokens = 64
        req.outputFormat = .jsonSchema(
            name: "capital",
            schema: [
                "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"],
                "additionalProperties": false,
            ])
        let r = try await llm.complete(req)
        let json = try JSONValue(parsing: r.text)
        #expect(json["city"]?.stringValue != nil, "\(r.text)")
    }

    @Test func badRequestIsAnInvalidRequestError() async throws {
        var req = request()
        req.extraBody = [("messages", "not-an-array")]
        let e = try #require(await llmError { _ = try await llm.complete(req) })
        #expect(e.kind == .invalidRequest)
        #expect(e.statusCode == 400)
        #expect(e.message.contains("messages"))
    }
}

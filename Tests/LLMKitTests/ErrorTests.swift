import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Recorded error answers map to the right `LLMError` kind with the provider's details.
@Suite("Error mapping")
struct ErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        var path: String
        var kind: LLMError.Kind
        var status: Int
        var code: String? = nil
        var type: String? = nil
        var param: String? = nil
        var retryAfter: Duration? = nil
        var requestID: String? = nil
        var messageContains: String
        var description: String { path }
    }

    static let cases: [Case] = [
        Case(
            path: "openai-chat/error-400", kind: .invalidRequest, status: 400, code: "unsupported_value",
            type: "invalid_request_error", param: "messages[0].role", messageContains: "messages[0].role"),
        Case(
            path: "openai-responses/error-400", kind: .invalidRequest, status: 400, code: "decimal_below_min_value",
            param: "temperature", messageContains: "temperature"),
        Case(
            path: "anthropic/error-400", kind: .invalidRequest, status: 400, type: "invalid_request_error",
            requestID: nil, messageContains: "effort level"),
        Case(
            path: "anthropic/error-401", kind: .authentication, status: 401, type: "authentication_error",
            messageContains: "ANTHROPIC_API_KEY"),
        Case(
            path: "anthropic/error-404", kind: .notFound, status: 404, type: "not_found_error", messageContains: "model"
        ),
        Case(
            path: "anthropic/error-529", kind: .overloaded, status: 529, type: "overloaded_error",
            messageContains: "Overloaded"),
        Case(
            path: "gemini/error-400", kind: .authentication, status: 400, type: "INVALID_ARGUMENT",
            messageContains: "GEMINI_API_KEY"),
        Case(
            path: "gemini/error-429", kind: .rateLimited, status: 429, type: "RESOURCE_EXHAUSTED",
            retryAfter: .seconds(58),
            messageContains: "quota"),
        Case(
            path: "gemini/error-429-daily", kind: .rateLimited, status: 429, type: "RESOURCE_EXHAUSTED",
            retryAfter: .seconds(2), messageContains: "quota"),
        Case(path: "gemini/error-503", kind: .server, status: 503, type: "UNAVAILABLE", messageContains: "demand"),
        Case(
            path: "vertex/error-400", kind: .invalidRequest, status: 400, type: "INVALID_ARGUMENT",
            messageContains: "robots.txt"),
        Case(
            path: "deepseek/error-400", kind: .invalidRequest, status: 400, code: "invalid_request_error",
            messageContains: "reasoning_content"),
        Case(path: "local/error-400", kind: .invalidRequest, status: 400, code: "400", messageContains: "messages"),
    ]

    @Test(arguments: cases)
    func recordedErrorBody(_ c: Case) async throws {
        let parts = c.path.split(separator: "/").map(String.init)
        let p = FixtureProvider.named(parts[0])
        var response = Fixture.response(parts[0], parts[1], ext: "json")
        response.status = c.status
        try await LoopbackServer.with([response]) { server in
            let e = try #require(await llmError { _ = try await p.client(server).complete(p.request()) })
            #expect(e.kind == c.kind)
            #expect(e.statusCode == c.status)
            #expect(e.provider == p.provider)
            if let code = c.code { #expect(e.providerCode == code) }
            if let type = c.type { #expect(e.providerType == type) }
            if let param = c.param { #expect(e.param == param) }
            #expect(e.retryAfter == c.retryAfter)
            #expect(e.message.contains(c.messageContains), "\(e.message)")
            #expect(!e.description.contains(FixtureProvider.key))
            #expect(e.body != nil)
        }
    }

    @Test func anthropicRequestIDAndRateLimitResetHeaders() async throws {
        let p = FixtureProvider.named("anthropic")
        let reset = Date().addingTimeInterval(600)
        let f = ISO8601DateFormatter()
        let r = CannedResponse(
            status: 429,
            headers: [("request-id", "req_123"), ("anthropic-ratelimit-requests-reset", f.string(from: reset))],
            body: Fixture.bytes("anthropic/error-529.json"))  // recorded body; the 429 status and headers are under test
        try await LoopbackServer.with([r]) { server in
            let e = try #require(await llmError { _ = try await p.client(server).complete(p.request()) })
            #expect(e.kind == .rateLimited)
            #expect(e.requestID == "req_123")
            let wait = try #require(e.retryAfter)
            #expect(wait > .seconds(500) && wait <= .seconds(600))
        }
    }

    @Test func anthropicErrorEventMidStream() async throws {
        let p = FixtureProvider.named("anthropic")
        try await LoopbackServer.with([Fixture.response("anthropic", "error-in-stream", ext: "sse")]) { server in
            let e = try #require(await llmError { for try await _ in p.client(server).stream(p.request()) {} })
            #expect(e.kind == .overloaded)
            #expect(e.message.contains("Overloaded"))
        }
    }

    @Test func keysNeverAppearInErrors() async throws {
        let p = FixtureProvider.named("openai-chat")
        let body = Array(
            #"{"error":{"message":"Incorrect API key provided: sk-test-SECRET-9876.","type":"invalid_request_error","code":"invalid_api_key"}}"#
                .utf8)
        try await LoopbackServer.with([CannedResponse(status: 401, body: body)]) { server in
            let e = try #require(await llmError { _ = try await p.client(server).complete(p.request()) })
            #expect(e.kind == .authentication)
            #expect(!e.message.contains(FixtureProvider.key))
            #expect(!(e.body ?? "").contains(FixtureProvider.key))
            #expect(e.message.contains("…9876"))
            #expect(e.message.contains("OPENAI_API_KEY"))
        }
    }

    @Test func missingKeyNamesTheVariable() async throws {
        let llm = LLMKit(environment: [:])
        let e = try #require(
            await llmError {
                _ = try await llm.complete(ChatRequest(model: "anthropic/claude-sonnet-4-5", messages: [.user("hi")]))
            })
        #expect(e.kind == .notConfigured)
        #expect(e.message.contains("ANTHROPIC_API_KEY"))
    }

    @Test func unknownProviderListsTheKnownOnes() async throws {
        let llm = LLMKit(environment: [:])
        let e = try #require(
            await llmError { _ = try await llm.complete(ChatRequest(model: "nope/x", messages: [.user("hi")])) })
        #expect(e.kind == .notConfigured)
        #expect(e.message.contains("openai") && e.message.contains("anthropic"))
    }

    @Test func malformedModelID() async throws {
        let llm = LLMKit(environment: [:])
        let e = try #require(
            await llmError { _ = try await llm.complete(ChatRequest(model: "gpt-4o", messages: [.user("hi")])) })
        #expect(e.kind == .invalidRequest)
        #expect(e.message.contains("provider/model"))
    }

    @Test func vertexWithoutProjectSaysWhatToSet() async throws {
        let llm = LLMKit(environment: ["VERTEX_ACCESS_TOKEN": "t"])
        let e = try #require(
            await llmError {
                _ = try await llm.complete(ChatRequest(model: "vertex/gemini-2.5-flash", messages: [.user("hi")]))
            })
        #expect(e.kind == .notConfigured)
        #expect(e.message.contains("GOOGLE_CLOUD_PROJECT"))
    }

    @Test func baseURLFromEnvironment() async throws {
        try await LoopbackServer.with([Fixture.response("anthropic", "text", ext: "json")]) { server in
            let llm = LLMKit(
                environment: ["ANTHROPIC_API_KEY": "k", "ANTHROPIC_BASE_URL": server.baseURL + "/"], retry: .none)
            _ = try await llm.complete(ChatRequest(model: "anthropic/claude-sonnet-4-5", messages: [.user("hi")]))
            #expect(server.requests.first?.uri == "/v1/messages")
        }
    }
}

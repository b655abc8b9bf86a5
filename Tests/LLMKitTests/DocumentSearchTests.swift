import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// LightOn Paradigm document search, replayed from LightOn's API reference example and the
/// request bodies LightOn's SDK tests pin.
@Suite("Document search")
struct DocumentSearchTests {
    static func response(_ name: String) -> CannedResponse {
        Fixture.response("lighton-search", name, ext: "json")
    }

    static func kit(_ server: LoopbackServer) -> LLMKit {
        LLMKit(
            providers: ["lighton": ProviderSettings(apiKey: "paradigm-key", baseURL: server.baseURL + "/api/v2")],
            environment: [:], retry: .none)
    }

    @Test func replaysTheAPIReferenceExample() async throws {
        try await LoopbackServer.with([Self.response("search-legacy-example")]) { server in
            let answer = try await Self.kit(server).searchDocuments(
                DocumentSearchRequest(query: "How are JWT tokens signed?"))
            let sent = try #require(server.requests.first)
            #expect(sent.method == "POST")
            #expect(sent.uri == "/api/v3/search")
            #expect(sent.header("authorization") == "Bearer paradigm-key")
            #expect(sent.header("content-type") == "application/json")
            #expect(sent.json == .object([("query", .string("How are JWT tokens signed?"))]))
            let expected = DocumentPassage(
                id: "550e8400-e29b-41d4-a716-446655440000",
                content: "JWT tokens are signed using RS256 and expire after 1 hour.", score: 0.95,
                scores: .init(retrieval: 0.92, reranking: 0.95),
                source: .init(
                    fileID: 512, filename: "auth-system.pdf", title: "Authentication System Design", fileType: "pdf",
                    sizeBytes: 482113, pageStart: 3, pageEnd: 4, totalPages: 12, tags: ["security"]),
                workspaceID: 42, workspaceName: "Engineering Docs")
            #expect(answer == DocumentSearchResponse(provider: "lighton", results: [expected]))
        }
    }

    @Test func sendsTheBodiesLightOnsSDKsSend() async throws {
        let cases: [(DocumentSearchRequest, JSONValue)] = [
            (
                DocumentSearchRequest(query: "q", mode: .vision),
                .object([("query", .string("q")), ("mode", .string("vision"))])
            ),
            (
                DocumentSearchRequest(query: "q", tagIDs: [3, 4]),
                .object([("query", .string("q")), ("tag_id", .array([.int(3), .int(4)]))])
            ),
            (
                DocumentSearchRequest(
                    query: "q", contentTypes: ["legal:contract", "finance:*"],
                    attributes: ["fiscal_year:2024|2025", "status:active"]),
                .object([
                    ("query", .string("q")),
                    ("content_type", .array([.string("legal:contract"), .string("finance:*")])),
                    ("attribute", .array([.string("fiscal_year:2024|2025"), .string("status:active")])),
                ])
            ),
            (
                DocumentSearchRequest(
                    query: "q", workspaceIDs: [42], maxResults: 20, mode: .vision, relevanceScoring: .scoringOnly,
                    includeImage: true, includeBoundingBoxes: false),
                .object([
                    ("query", .string("q")), ("workspace_id", .array([.int(42)])), ("max_results", .int(20)),
                    ("mode", .string("vision")), ("relevance_scoring", .string("scoring_only")),
                    ("include_image", .bool(true)), ("include_bboxes", .bool(false)),
                ])
            ),
        ]
        try await LoopbackServer.with(cases.map { _ in Self.response("search-empty") }) { server in
            let llm = Self.kit(server)
            for (request, _) in cases {
                let answer = try await llm.searchDocuments(request)
                #expect(answer == DocumentSearchResponse(provider: "lighton", results: []))
            }
            #expect(server.requests.map(\.json) == cases.map(\.1))
        }
    }

    @Test func refusesWhatLightOnRejectsBeforeSending() async throws {
        try await LoopbackServer.with([]) { server in
            let llm = Self.kit(server)
            for request in [
                DocumentSearchRequest(query: "q", workspaceIDs: [1], fileIDs: [2]),
                DocumentSearchRequest(query: "q", tagIDs: [1], fileIDs: [2]),
                DocumentSearchRequest(query: "q", maxResults: 0),
                DocumentSearchRequest(query: "q", maxResults: 101),
                DocumentSearchRequest(query: ""),
            ] {
                let error = try #require(await llmError { _ = try await llm.searchDocuments(request) })
                #expect(error.kind == .invalidRequest)
            }
            #expect(server.requests.isEmpty)
        }
    }

    @Test func aCutOffAnswerIsADecodingError() async throws {
        var cut = Self.response("search-legacy-example")
        cut.body = Array(cut.body.prefix(cut.body.count / 2))
        try await LoopbackServer.with([cut]) { server in
            let error = try #require(
                await llmError { _ = try await Self.kit(server).searchDocuments(DocumentSearchRequest(query: "q")) })
            #expect(error.kind == .decoding)
        }
    }

    @Test func otherProvidersAreRefused() async throws {
        let llm = LLMKit(providers: ["openai": ProviderSettings(apiKey: "k")], environment: [:])
        let error = try #require(
            await llmError { _ = try await llm.searchDocuments(DocumentSearchRequest(provider: "openai", query: "q")) })
        #expect(error.kind == .unsupported)
    }

    @Test func searchGoesToTheInstanceRoot() {
        #expect(LLMKit.instanceRoot("https://paradigm.lighton.ai/api/v2") == "https://paradigm.lighton.ai")
        #expect(LLMKit.instanceRoot("https://paradigm.lighton.ai/api/v2/") == "https://paradigm.lighton.ai")
        #expect(LLMKit.instanceRoot("https://api.lighton.ai") == "https://api.lighton.ai")
        #expect(LLMKit.instanceRoot("https://corp.example/paradigm/api/v2") == "https://corp.example/paradigm")
        #expect(LLMKit.instanceRoot("https://corp.example/api/vnext") == "https://corp.example/api/vnext")
    }
}

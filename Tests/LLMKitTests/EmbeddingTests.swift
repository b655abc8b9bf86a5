import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Embeddings replayed from recorded responses (Fixtures/embeddings/SOURCE.md, mistral/, cohere/);
/// each request asserted against what the official SDK sent.
@Suite("Embeddings")
struct EmbeddingTests {
    static let env = [
        "OPENAI_API_KEY": "k", "GEMINI_API_KEY": "k", "VOYAGE_API_KEY": "k", "MISTRAL_API_KEY": "k",
        "COHERE_API_KEY": "k", "VERTEX_ACCESS_TOKEN": "tok", "GOOGLE_CLOUD_PROJECT": "proj",
        "GOOGLE_CLOUD_LOCATION": "us-central1", "JINA_API_KEY": "k",
    ]

    /// Replays `file` for `request`; returns the response and the captured request body.
    func replay(_ file: String, _ request: EmbeddingRequest, base: String = "") async throws -> (
        EmbeddingResponse, CapturedRequest
    ) {
        let (folder, name) = (String(file.split(separator: "/")[0]), String(file.split(separator: "/")[1]))
        return try await LoopbackServer.with([Fixture.response(folder, name, ext: "json")]) { server in
            let provider = String(request.model.split(separator: "/")[0])
            let llm = LLMKit(
                providers: [provider: ProviderSettings(baseURL: server.baseURL + base)], environment: Self.env,
                retry: .none)
            let r = try await llm.embed(request)
            return (r, try #require(server.requests.first))
        }
    }

    func vector(_ file: String, _ i: Int = 0, path: [String]) -> [Float] {
        var v: JSONValue? = Fixture.json(file)
        for p in path { v = Int(p).map { v?.arrayValue?[$0] } ?? v?[p] }
        _ = i
        return (v?.arrayValue ?? []).compactMap { $0.doubleValue.map(Float.init) }
    }

    @Test("OpenAI: base64 vectors decoded, usage, request body")
    func openAI() async throws {
        let recorded = Fixture.json("embeddings/openai-base64.request.json")
        let inputs = recorded["input"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let (r, req) = try await replay(
            "embeddings/openai-base64", EmbeddingRequest(model: "openai/text-embedding-3-small", inputs: inputs),
            base: "/v1")
        #expect(req.uri == "/v1/embeddings")
        #expect(req.header("authorization") == "Bearer k")
        #expect(req.json?["model"] == "text-embedding-3-small")
        #expect(req.json?["input"] == recorded["input"])
        #expect(req.json?["encoding_format"] == "float")
        #expect(r.embeddings.count == 2)
        #expect(r.embeddings.allSatisfy { $0.count == 1536 })
        #expect(r.embeddings[0].first == Float(0.01681816205382347))
        #expect(r.embeddings[0].last == Float(-0.017478562891483307))
        #expect(r.usage?.inputTokens == 2)
        // text-embedding-3-small input price from the registry.
        let price = try #require(ModelRegistry.builtIn.model("openai/text-embedding-3-small")?.price?.input)
        #expect(r.cost == 2 * price / 1e6)
    }

    @Test("OpenAI: float vectors and dimensions")
    func openAIFloat() async throws {
        let (r, req) = try await replay(
            "embeddings/openai-float",
            EmbeddingRequest(
                model: "openai/text-embedding-3-small", inputs: ["sunny day", "rainy day"], dimensions: 5),
            base: "/v1")
        #expect(req.json?["dimensions"] == 5)
        #expect(r.embeddings.map(\.count) == [5, 5])
        #expect(r.embeddings[0] == vector("embeddings/openai-float.json", path: ["data", "0", "embedding"]))
        #expect(r.embeddings[1] == vector("embeddings/openai-float.json", path: ["data", "1", "embedding"]))
        #expect(r.usage?.inputTokens == 12)
    }

    @Test("Gemini batchEmbedContents: taskType and outputDimensionality as the SDK sends them")
    func gemini() async throws {
        let recorded = Fixture.json("embeddings/gemini-batch-001-dimensions.request.json")["requests"]?.arrayValue?[0]
        let (r, req) = try await replay(
            "embeddings/gemini-batch-001-dimensions",
            EmbeddingRequest(
                model: "gemini/gemini-embedding-001", inputs: ["Hello, world!"], dimensions: 768, inputType: .query))
        #expect(req.uri == "/v1beta/models/gemini-embedding-001:batchEmbedContents")
        #expect(req.header("x-goog-api-key") == "k")
        let sent = try #require(req.json?["requests"]?.arrayValue?[0])
        for key in ["model", "taskType", "outputDimensionality"] { #expect(sent[key] == recorded?[key], "\(key)") }
        #expect(sent["content"]?["parts"] == recorded?["content"]?["parts"])
        #expect(r.embeddings.count == 1)
        #expect(
            r.embeddings[0]
                == vector("embeddings/gemini-batch-001-dimensions.json", path: ["embeddings", "0", "values"]))
        #expect(r.embeddings[0].count == 768)
        #expect(r.usage == nil)
    }

    @Test("Vertex predict: instances as recorded, token count from statistics")
    func vertex() async throws {
        let recorded = Fixture.json("embeddings/vertex-predict-gemini-embedding-001.request.json")
        let (r, req) = try await replay(
            "embeddings/vertex-predict-gemini-embedding-001",
            EmbeddingRequest(model: "vertex/gemini-embedding-001", inputs: ["Hello, world!"], inputType: .query))
        #expect(
            req.uri == "/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-embedding-001:predict")
        #expect(req.header("authorization") == "Bearer tok")
        #expect(req.json?["instances"] == recorded["instances"])
        #expect(r.embeddings.map(\.count) == [3072])
        #expect(r.usage?.inputTokens == 4)
    }

    @Test("Voyage: input_type and base64 vectors")
    func voyage() async throws {
        let recorded = Fixture.json("embeddings/voyage-base64-documents.request.json")
        let (r, req) = try await replay(
            "embeddings/voyage-base64-documents",
            EmbeddingRequest(
                model: "voyage/voyage-3.5", inputs: recorded["input"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                inputType: .document))
        #expect(req.uri == "/embeddings")
        #expect(req.json?["input_type"] == recorded["input_type"])
        #expect(req.json?["input"] == recorded["input"])
        #expect(r.embeddings.map(\.count) == [1024, 1024])
        #expect(r.embeddings[0].first == Float(-0.007255895994603634))
        #expect(r.usage?.inputTokens == 0)
    }

    @Test("Mistral and Cohere")
    func mistralCohere() async throws {
        let (m, mreq) = try await replay(
            "mistral/embed-mistral-embed", EmbeddingRequest(model: "mistral/mistral-embed", inputs: ["a", "b"]))
        #expect(mreq.uri == "/embeddings")
        #expect(m.embeddings.map(\.count) == [1024, 1024])
        #expect(m.embeddings[0] == vector("mistral/embed-mistral-embed.json", path: ["data", "0", "embedding"]))
        #expect(m.usage?.inputTokens == 6)

        let recorded = Fixture.json("cohere/embed-query.request.json")
        let (c, creq) = try await replay(
            "cohere/embed-query",
            EmbeddingRequest(model: "cohere/embed-v4.0", inputs: ["Hello, world!"], inputType: .query))
        #expect(creq.uri == "/v2/embed")
        for key in ["model", "texts", "input_type", "embedding_types"] {
            #expect(creq.json?[key] == recorded[key], "\(key)")
        }
        #expect(c.embeddings.map(\.count) == [1536])
        #expect(c.usage?.inputTokens == 4)
        #expect(c.warnings.isEmpty)
    }

    @Test("batches follow the provider limit and keep input order")
    func batching() async throws {
        // Gemini splits at 100: 150 inputs are two requests; each answered with its own count.
        func answer(_ n: Int) -> CannedResponse {
            let one = #"{"values":[0.5,0.25]}"#
            return CannedResponse(
                headers: [("content-type", "application/json")],
                body: Array(#"{"embeddings":[\#(Array(repeating: one, count: n).joined(separator: ","))]}"#.utf8))
        }
        try await LoopbackServer.with([answer(100), answer(50)]) { server in
            let llm = LLMKit(
                providers: ["gemini": ProviderSettings(baseURL: server.baseURL)], environment: Self.env, retry: .none)
            let inputs = (0..<150).map { "text \($0)" }
            let r = try await llm.embed(EmbeddingRequest(model: "gemini/gemini-embedding-001", inputs: inputs))
            #expect(r.embeddings.count == 150)
            #expect(server.requests.count == 2)
            #expect(server.requests[0].json?["requests"]?.arrayValue?.count == 100)
            #expect(
                server.requests[1].json?["requests"]?.arrayValue?.first?["content"]?["parts"]?.arrayValue?.first?[
                    "text"]
                    == "text 100")
        }
    }

    @Test("errors: recorded 404 and 400 bodies, a short answer, no embeddings API")
    func errors() async throws {
        let e404 = await llmError {
            _ = try await replay(
                "embeddings/openai-error-404", EmbeddingRequest(model: "openai/nonexistent", inputs: ["x"]), base: "/v1"
            )
        }
        #expect(e404?.kind == .notFound)
        #expect(e404?.providerCode == "model_not_found")
        let e400 = await llmError {
            _ = try await replay(
                "embeddings/voyage-error-400", EmbeddingRequest(model: "voyage/nonexistent", inputs: ["x"]))
        }
        #expect(e400?.kind == .invalidRequest)
        #expect(e400?.message.contains("nonexistent") == true)
        // Two inputs but the recording has one vector: a decoding error, never a silent short result.
        let short = await llmError {
            _ = try await replay(
                "embeddings/voyage-base64", EmbeddingRequest(model: "voyage/voyage-3.5", inputs: ["a", "b"]))
        }
        #expect(short?.kind == .decoding)
        let none = await llmError {
            _ = try await LLMKit(environment: ["ANTHROPIC_API_KEY": "k"]).embed(
                EmbeddingRequest(model: "anthropic/claude-sonnet-4-5", inputs: ["x"]))
        }
        #expect(none?.kind == .unsupported)
        let chat = await llmError {
            _ = try await LLMKit(environment: Self.env).complete(
                ChatRequest(model: "voyage/voyage-3.5", messages: [.user("hi")]))
        }
        #expect(chat?.kind == .unsupported)
    }
}

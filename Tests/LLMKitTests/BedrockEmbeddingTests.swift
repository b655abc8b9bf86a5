import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Bedrock InvokeModel embeddings (Titan Text Embeddings, Cohere Embed) replayed from pydantic-ai's recorded
/// cassettes (Fixtures/embeddings/SOURCE.md, `bedrock-*`): each request signed with SigV4 and its body compared
/// with what boto3 sent, each vector with the recorded one, usage from the body (Titan) or the
/// `x-amzn-bedrock-input-token-count` header (Cohere).
@Suite("Bedrock embeddings")
struct BedrockEmbeddingTests {
    static let env = BedrockTests.env

    static func client(_ server: LoopbackServer, env: [String: String] = BedrockEmbeddingTests.env) -> LLMKit {
        LLMKit(providers: ["bedrock": ProviderSettings(baseURL: server.baseURL)], environment: env, retry: .none)
    }

    static func response(_ name: String) -> CannedResponse { Fixture.response("embeddings", name, ext: "json") }

    /// The recorded request path (the cassette's URL without scheme and host).
    static func recordedPath(_ name: String) -> String {
        let url = Fixture.json("embeddings/\(name).headers.json")["url"]?.stringValue ?? ""
        return String(url.dropFirst("https://bedrock-runtime.us-east-1.amazonaws.com".count))
    }

    static func floats(_ v: JSONValue?) -> [Float] {
        (v?.arrayValue ?? []).compactMap { $0.doubleValue.map(Float.init) }
    }

    /// SigV4 on the request: the credential scope, the signed headers, a 64-hex signature, no secret.
    static func checkSigned(_ req: CapturedRequest, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let auth = try #require(req.header("authorization"), sourceLocation: sourceLocation)
        let date = try #require(req.header("x-amz-date"), sourceLocation: sourceLocation)
        #expect(date.count == 16 && date.hasSuffix("Z"), sourceLocation: sourceLocation)
        #expect(
            auth.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\(date.prefix(8))/us-east-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature="
            ), sourceLocation: sourceLocation)
        #expect(auth.split(separator: "=").last?.count == 64, sourceLocation: sourceLocation)
        #expect(!auth.contains("wJalrXUtnFEMI"), sourceLocation: sourceLocation)
        #expect(req.method == "POST", sourceLocation: sourceLocation)
        #expect(req.header("content-type") == "application/json", sourceLocation: sourceLocation)
    }

    /// The sent body has exactly the recorded members with the recorded values.
    static func checkBody(_ req: CapturedRequest, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let recorded = Fixture.json("embeddings/\(name).request.json")
        let sent = req.json
        let keys = (recorded.objectValue ?? []).map(\.key)
        #expect(!keys.isEmpty, sourceLocation: sourceLocation)
        #expect(
            (sent?.objectValue ?? []).map(\.key).sorted() == keys.sorted(), "\(name)", sourceLocation: sourceLocation)
        for key in keys { #expect(sent?[key] == recorded[key], "\(name): \(key)", sourceLocation: sourceLocation) }
    }

    @Test("Titan V2: signed InvokeModel, recorded body, vector and inputTextTokenCount")
    func titanDimensions() async throws {
        let name = "bedrock-titan-v2-dimensions"
        try await LoopbackServer.with([Self.response(name)]) { server in
            let r = try await Self.client(server).embed(
                EmbeddingRequest(
                    model: "bedrock/amazon.titan-embed-text-v2:0", inputs: ["Test embedding dimensions"],
                    dimensions: 256))
            let req = try #require(server.requests.first)
            #expect(req.uri == "/model/amazon.titan-embed-text-v2%3A0/invoke")
            #expect(req.uri == Self.recordedPath(name))
            try Self.checkSigned(req)
            Self.checkBody(req, name)
            #expect(r.embeddings == [Self.floats(Fixture.json("embeddings/\(name).json")["embedding"])])
            #expect(r.embeddings[0].count == 256)
            #expect(r.usage?.inputTokens == 4)
            #expect(r.provider == "bedrock" && r.model == "amazon.titan-embed-text-v2:0")
            #expect(r.warnings.isEmpty)
        }
    }

    @Test("Titan takes one text per call: two inputs are two requests, in order, tokens summed")
    func titanBatching() async throws {
        let names = ["bedrock-titan-v2-hello", "bedrock-titan-v2-world"]
        try await LoopbackServer.with(names.map(Self.response)) { server in
            let r = try await Self.client(server).embed(
                EmbeddingRequest(model: "bedrock/amazon.titan-embed-text-v2:0", inputs: ["hello", "world"]))
            #expect(server.requests.count == 2)
            for (req, name) in zip(server.requests, names) {
                #expect(req.uri == Self.recordedPath(name))
                try Self.checkSigned(req)
                Self.checkBody(req, name)
            }
            #expect(r.embeddings == names.map { Self.floats(Fixture.json("embeddings/\($0).json")["embedding"]) })
            #expect(r.embeddings.map(\.count) == [1024, 1024])
            #expect(r.usage?.inputTokens == 4)
        }
    }

    @Test("Cohere v4: output_dimension, embeddings.float, usage from the token-count header")
    func cohereV4() async throws {
        let name = "bedrock-cohere-v4-dimensions"
        try await LoopbackServer.with([Self.response(name)]) { server in
            let r = try await Self.client(server).embed(
                EmbeddingRequest(
                    model: "bedrock/cohere.embed-v4:0", inputs: ["Test dimensions setting"], dimensions: 512,
                    inputType: .query))
            let req = try #require(server.requests.first)
            #expect(req.uri == "/model/cohere.embed-v4%3A0/invoke")
            #expect(req.uri == Self.recordedPath(name))
            try Self.checkSigned(req)
            Self.checkBody(req, name)
            let recorded = Fixture.json("embeddings/\(name).json")["embeddings"]?["float"]?.arrayValue ?? []
            #expect(r.embeddings == recorded.map(Self.floats))
            #expect(r.embeddings.map(\.count) == [512])
            #expect(r.usage?.inputTokens == 3)
            #expect(r.warnings.isEmpty)
        }
    }

    @Test("Cohere v3: the embeddings_floats list; v4 documents: two vectors from one call")
    func cohereShapes() async throws {
        try await LoopbackServer.with([
            Self.response("bedrock-cohere-v3"), Self.response("bedrock-cohere-v4-documents"),
        ]) {
            server in
            let llm = Self.client(server)
            let v3 = try await llm.embed(
                EmbeddingRequest(model: "bedrock/cohere.embed-english-v3", inputs: ["Hello, world!"], inputType: .query)
            )
            let docs = try await llm.embed(
                EmbeddingRequest(model: "bedrock/cohere.embed-v4:0", inputs: ["hello", "world"], inputType: .document))
            #expect(server.requests.count == 2)
            for (req, name) in zip(server.requests, ["bedrock-cohere-v3", "bedrock-cohere-v4-documents"]) {
                #expect(req.uri == Self.recordedPath(name))
                try Self.checkSigned(req)
                Self.checkBody(req, name)
            }
            let v3Recorded = Fixture.json("embeddings/bedrock-cohere-v3.json")["embeddings"]?.arrayValue ?? []
            #expect(v3.embeddings == v3Recorded.map(Self.floats))
            #expect(v3.embeddings.map(\.count) == [1024])
            #expect(v3.usage?.inputTokens == 4)
            let docsRecorded =
                Fixture.json("embeddings/bedrock-cohere-v4-documents.json")["embeddings"]?["float"]?.arrayValue ?? []
            #expect(docs.embeddings == docsRecorded.map(Self.floats))
            #expect(docs.embeddings.map(\.count) == [1536, 1536])
            #expect(docs.usage?.inputTokens == 2)
        }
    }

    @Test("Cohere on Bedrock without the token-count header: usage is nil, never 0")
    func cohereNoUsage() async throws {
        let body = Fixture.bytes("embeddings/bedrock-cohere-v4-dimensions.json")
        try await LoopbackServer.with([CannedResponse(headers: [("content-type", "application/json")], body: body)]) {
            server in
            let r = try await Self.client(server).embed(
                EmbeddingRequest(
                    model: "bedrock/cohere.embed-v4:0", inputs: ["Test dimensions setting"], dimensions: 512,
                    inputType: .query))
            #expect(r.embeddings.map(\.count) == [512])
            #expect(r.usage == nil)
            #expect(r.cost == nil)
        }
    }

    @Test("Cohere splits at 96 texts per call and keeps input order")
    func cohereBatching() async throws {
        // The recorded v4 vector answers every text (split mechanics only; the bytes of each vector are recorded).
        let vector = String(
            decoding: JSONWriter.bytes(
                Fixture.json("embeddings/bedrock-cohere-v4-dimensions.json")["embeddings"]?["float"]?.arrayValue?[0]
                    ?? .null), as: UTF8.self)
        func answer(_ n: Int) -> CannedResponse {
            CannedResponse(
                headers: [("content-type", "application/json"), ("x-amzn-bedrock-input-token-count", "\(n)")],
                body: Array(
                    #"{"embeddings":{"float":[\#(Array(repeating: vector, count: n).joined(separator: ","))]}}"#.utf8))
        }
        try await LoopbackServer.with([answer(96), answer(4)]) { server in
            let inputs = (0..<100).map { "text \($0)" }
            let r = try await Self.client(server).embed(
                EmbeddingRequest(model: "bedrock/cohere.embed-v4:0", inputs: inputs, inputType: .document))
            #expect(server.requests.count == 2)
            #expect(server.requests.map { $0.json?["texts"]?.arrayValue?.count } == [96, 4])
            #expect(server.requests[1].json?["texts"]?.arrayValue?.first == "text 96")
            #expect(server.requests.allSatisfy { $0.json?["input_type"] == "search_document" })
            for req in server.requests { try Self.checkSigned(req) }
            #expect(r.embeddings.count == 100 && r.embeddings.allSatisfy { $0.count == 512 })
            #expect(r.usage?.inputTokens == 100)
        }
    }

    @Test("options a model lacks are warnings and are not sent")
    func unsupportedOptions() async throws {
        try await LoopbackServer.with([
            Self.response("bedrock-titan-v2-dimensions"), Self.response("bedrock-cohere-v3"),
        ]) { server in
            let llm = Self.client(server)
            let titan = try await llm.embed(
                EmbeddingRequest(
                    model: "bedrock/amazon.titan-embed-text-v2:0", inputs: ["Test embedding dimensions"],
                    dimensions: 300, inputType: .query))
            let sent = try #require(server.requests.first?.json)
            #expect(sent["dimensions"] == nil && sent["input_type"] == nil)
            #expect(titan.warnings.map(\.code) == ["parameter_dropped", "parameter_dropped"])
            #expect(titan.warnings[0].message.contains("256, 512 or 1024"))
            #expect(titan.warnings[1].message.contains("no input type"))
            let cohere = try await llm.embed(
                EmbeddingRequest(model: "bedrock/cohere.embed-english-v3", inputs: ["Hello, world!"], dimensions: 256))
            let sentCohere = try #require(server.requests.last?.json)
            #expect(sentCohere["output_dimension"] == nil)
            #expect(sentCohere["input_type"] == "search_query")
            #expect(cohere.warnings.map(\.code) == ["parameter_defaulted", "parameter_dropped"])
        }
    }

    @Test("errors: Bedrock's message bodies with x-amzn-errortype, a short answer, bad JSON, an unknown model")
    func errors() async throws {
        for (name, kind, type) in [
            ("embeddings/bedrock-error-400", LLMError.Kind.invalidRequest, "ValidationException"),
            ("bedrock/error-429", .rateLimited, "ThrottlingException"),
        ] {
            let parts = name.split(separator: "/").map(String.init)
            try await LoopbackServer.with([Fixture.response(parts[0], parts[1], ext: "json")]) { server in
                let e = await llmError {
                    _ = try await Self.client(server).embed(
                        EmbeddingRequest(model: "bedrock/cohere.embed-v4:0", inputs: ["hello"], inputType: .query))
                }
                #expect(e?.kind == kind, "\(name)")
                #expect(e?.providerType == type, "\(name)")
                #expect(e?.provider == "bedrock")
                let message = Fixture.json("\(name).json")["message"]?.stringValue ?? "?"
                #expect(e?.message.contains(message) == true, "\(name): \(e?.message ?? "")")
                #expect(e?.message.contains("wJalrXUtnFEMI") == false)
            }
        }
        // One recorded vector for two texts: a decoding error, never a short result.
        try await LoopbackServer.with([Self.response("bedrock-cohere-v4-dimensions")]) { server in
            let e = await llmError {
                _ = try await Self.client(server).embed(
                    EmbeddingRequest(model: "bedrock/cohere.embed-v4:0", inputs: ["a", "b"], inputType: .query))
            }
            #expect(e?.kind == .decoding)
        }
        let truncated = Array(Fixture.bytes("embeddings/bedrock-titan-v2-dimensions.json").prefix(100))
        try await LoopbackServer.with([CannedResponse(headers: [("content-type", "application/json")], body: truncated)]
        ) {
            server in
            let e = await llmError {
                _ = try await Self.client(server).embed(
                    EmbeddingRequest(model: "bedrock/amazon.titan-embed-text-v2:0", inputs: ["x"]))
            }
            #expect(e?.kind == .decoding)
        }
        let unknown = await llmError {
            _ = try await LLMKit(environment: Self.env).embed(
                EmbeddingRequest(model: "bedrock/amazon.nova-2-multimodal-embeddings-v1:0", inputs: ["x"]))
        }
        #expect(unknown?.kind == .unsupported)
        #expect(unknown?.message.contains("cohere.embed-v4:0") == true)
        #expect(LLMKit.offersEmbeddings(try #require(ProviderInfo.named("bedrock"))))
    }

    @Test("a Bedrock API key is sent as a bearer token instead of a signature")
    func apiKey() async throws {
        let env = ["AWS_BEARER_TOKEN_BEDROCK": "bedrock-key", "AWS_REGION": "us-east-1"]
        try await LoopbackServer.with([Self.response("bedrock-titan-v2-dimensions")]) { server in
            _ = try await Self.client(server, env: env).embed(
                EmbeddingRequest(
                    model: "bedrock/amazon.titan-embed-text-v2:0", inputs: ["Test embedding dimensions"],
                    dimensions: 256))
            let req = try #require(server.requests.first)
            #expect(req.header("authorization") == "Bearer bedrock-key")
            #expect(req.header("x-amz-date") == nil)
        }
    }
}

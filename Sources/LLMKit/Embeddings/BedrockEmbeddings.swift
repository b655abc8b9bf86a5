@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

/// Amazon Bedrock `InvokeModel` (`POST /model/{modelId}/invoke`) for the embedding models whose native
/// body LLMKit speaks, chosen from the model id (foundation model ids and system inference profiles
/// such as `us.cohere.embed-v4:0` alike). Signed with SigV4 (or a Bedrock API key) like Converse:
/// the endpoint's auth does it, nothing here touches credentials.
///
/// - Amazon Titan Text Embeddings (`amazon.titan-embed-text-v2:0`, `amazon.titan-embed-text-v1`):
///   `{"inputText", "dimensions", "normalize"}` -> `{"embedding", "inputTextTokenCount", "embeddingsByType"}`,
///   one text per request (docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html).
/// - Cohere Embed (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`, `cohere.embed-v4:0`):
///   `{"texts", "input_type", "output_dimension", "truncate"}` -> `{"embeddings": [[...]]}` (v3) or
///   `{"embeddings": {"float": [[...]]}}` (v4), up to 96 texts
///   (docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html).
package struct BedrockEmbeddings: EmbeddingDialect {
    package enum Family: Sendable, Equatable {
        case titanV1, titanV2, cohereV3, cohereV4
    }

    package let family: Family

    /// The body LLMKit sends for `model`, or nil when the id names no model it knows the body of
    /// (an application inference profile ARN, Nova or Titan multimodal embeddings).
    package static func family(of model: String) -> Family? {
        if model.contains("cohere.embed-v4") { return .cohereV4 }
        if model.contains("cohere.embed-") { return .cohereV3 }
        if model.contains("amazon.titan-embed-text-v2") { return .titanV2 }
        if model.contains("amazon.titan-embed-text-v1") || model.contains("amazon.titan-embed-g1-text") {
            return .titanV1
        }
        return nil
    }

    /// Titan takes one `inputText` per call; Cohere "Texts per call: maximum 96" (AWS Cohere Embed page).
    package var batchLimit: Int { family == .cohereV3 || family == .cohereV4 ? 96 : 1 }

    package func makeRequest(_ inputs: [String], _ r: EmbeddingRequest, model: String, warnings: inout [Warning])
        throws(LLMError) -> WireRequest
    {
        let path = "/model/\(model.addingPercentEncodingForPath)/invoke"
        switch family {
        case .titanV1, .titanV2:
            var body: [(key: String, value: JSONValue)] = [("inputText", .string(inputs.first ?? ""))]
            if let d = r.dimensions {
                if family == .titanV2, [256, 512, 1024].contains(d) {
                    body.append(("dimensions", .int(d)))
                } else {
                    warnings.append(
                        Warning(
                            code: "parameter_dropped",
                            message: family == .titanV1
                                ? "Titan Text Embeddings G1 has a fixed length (1536); dimensions \(d) was not sent (use amazon.titan-embed-text-v2:0 for 256, 512 or 1024)"
                                : "Titan Text Embeddings V2 accepts dimensions 256, 512 or 1024; \(d) was not sent (the model answers with 1024)"
                        ))
                }
            }
            // V2 normalizes by default; sent explicitly so the vectors' scale never depends on a default.
            if family == .titanV2 { body.append(("normalize", true)) }
            if let type = r.inputType {
                warnings.append(
                    Warning(
                        code: "parameter_dropped",
                        message:
                            "Titan Text Embeddings has no input type; '\(type.rawValue)' was not sent (Cohere Embed on Bedrock has one)"
                    ))
            }
            return WireRequest(path: path, body: .object(body))
        case .cohereV3, .cohereV4:
            var body: [(key: String, value: JSONValue)] = [
                ("texts", .array(inputs.map(JSONValue.string))),
                ("input_type", r.inputType == .document ? "search_document" : "search_query"),
            ]
            if r.inputType == nil {
                warnings.append(
                    Warning(
                        code: "parameter_defaulted",
                        message:
                            "Cohere Embed requires an input type: sent 'search_query' (set inputType to .document for documents)"
                    ))
            }
            if let d = r.dimensions {
                if family == .cohereV4, [256, 512, 1024, 1536].contains(d) {
                    body.append(("output_dimension", .int(d)))
                } else {
                    warnings.append(
                        Warning(
                            code: "parameter_dropped",
                            message: family == .cohereV3
                                ? "Cohere Embed v3 has a fixed length (1024); dimensions \(d) was not sent (cohere.embed-v4:0 takes 256, 512, 1024 or 1536)"
                                : "Cohere Embed v4 accepts dimensions 256, 512, 1024 or 1536; \(d) was not sent (the model answers with 1536)"
                        ))
                }
            }
            // The documented default, stated: an over-long text is an error, never silently cut.
            body.append(("truncate", "NONE"))
            return WireRequest(path: path, body: .object(body))
        }
    }

    package func parse(_ t: JSONTape, count: Int, provider: String) throws(LLMError) -> (
        vectors: [[Float]], tokens: Int?
    ) {
        var vectors: [[Float]] = []
        var tokens: Int?
        switch family {
        case .titanV1, .titanV2:
            let e =
                t.member(t.root, "embedding")
                ?? t.member(t.root, "embeddingsByType").flatMap { t.member($0, "float") }
            if let v = e.flatMap({ EmbeddingVectors.read(t, $0) }) { vectors.append(v) }
            tokens = t.member(t.root, "inputTextTokenCount").flatMap(t.int)
        case .cohereV3, .cohereV4:
            // v3 without embedding_types: `embeddings` is the list; v4: `embeddings.float` is.
            if var list = t.member(t.root, "embeddings") {
                if t.kind(list) == .object, let floats = t.member(list, "float") { list = floats }
                if t.kind(list) == .array {
                    t.forEachElement(list) { v in if let x = EmbeddingVectors.read(t, v) { vectors.append(x) } }
                }
            }
        }
        guard vectors.count == count else {
            throw LLMError(
                .decoding,
                "\(provider) answered with \(vectors.count) embeddings for \(count) inputs: \(t.rawText(t.root).prefix(200))",
                provider: provider)
        }
        return (vectors, tokens)
    }

    /// Bedrock reports input tokens of every InvokeModel call in `x-amzn-bedrock-input-token-count`
    /// (the only count Cohere on Bedrock gives: its body has no usage).
    package func tokens(fromHeaders headers: HTTPHeaders) -> Int? {
        headers.first(name: "x-amzn-bedrock-input-token-count").flatMap { Int($0.trimmedWhitespace) }
    }
}

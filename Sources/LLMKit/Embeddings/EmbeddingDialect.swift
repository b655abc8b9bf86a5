@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

/// One provider's embeddings wire: request for one batch, and its vectors back.
package protocol EmbeddingDialect: Sendable {
    /// Inputs per request (the provider's documented limit).
    var batchLimit: Int { get }
    func makeRequest(_ inputs: [String], _ r: EmbeddingRequest, model: String, warnings: inout [Warning])
        throws(LLMError) -> WireRequest
    func parse(_ t: JSONTape, count: Int, provider: String) throws(LLMError) -> (vectors: [[Float]], tokens: Int?)
    /// Input tokens the provider reports in response headers, used when the body has none.
    func tokens(fromHeaders headers: HTTPHeaders) -> Int?
}

extension EmbeddingDialect {
    package func tokens(fromHeaders headers: HTTPHeaders) -> Int? { nil }
}

/// `POST /embeddings` as OpenAI defines it (OpenAI, Azure, Mistral, Voyage, Jina and compatible servers).
package struct OpenAIEmbeddings: EmbeddingDialect {
    package var path = "/embeddings"
    package var batchLimit = 2048
    /// The member that carries dimensions (`dimensions`; Voyage and Mistral: `output_dimension`).
    package var dimensionsField = "dimensions"
    /// How the input type is sent, if at all (Voyage: `input_type` query|document; Jina: `task`).
    package var inputType: (@Sendable (EmbeddingInputType) -> (String, JSONValue))?
    package var sendsEncodingFormat = true

    package func makeRequest(_ inputs: [String], _ r: EmbeddingRequest, model: String, warnings: inout [Warning])
        throws(LLMError) -> WireRequest
    {
        var body: [(key: String, value: JSONValue)] = [
            ("model", .string(model)), ("input", .array(inputs.map(JSONValue.string))),
        ]
        if sendsEncodingFormat { body.append(("encoding_format", "float")) }
        if let d = r.dimensions { body.append((dimensionsField, .int(d))) }
        if let type = r.inputType {
            if let inputType {
                body.append(inputType(type))
            } else {
                warnings.append(
                    Warning(
                        code: "parameter_dropped",
                        message: "this provider has no input type; '\(type.rawValue)' was not sent"))
            }
        }
        return WireRequest(path: path, body: .object(body))
    }

    package func parse(_ t: JSONTape, count: Int, provider: String) throws(LLMError) -> (
        vectors: [[Float]], tokens: Int?
    ) {
        guard let data = t.member(t.root, "data") else {
            throw LLMError(.decoding, "\(provider) answered without data[]", provider: provider)
        }
        var vectors = [[Float]](repeating: [], count: count)
        var position = 0
        var bad = false
        t.forEachElement(data) { item in
            let i = t.member(item, "index").flatMap(t.int) ?? position
            position += 1
            guard i >= 0, i < count, let e = t.member(item, "embedding"), let v = EmbeddingVectors.read(t, e) else {
                bad = true
                return
            }
            vectors[i] = v
        }
        if bad || vectors.contains(where: \.isEmpty) {
            throw LLMError(
                .decoding, "\(provider) answered with missing or malformed embeddings for \(count) inputs",
                provider: provider)
        }
        let usage = t.member(t.root, "usage")
        let tokens = usage.flatMap { t.member($0, "prompt_tokens") ?? t.member($0, "total_tokens") }.flatMap(t.int)
        return (vectors, tokens)
    }
}

/// Reading vectors: JSON number arrays, or base64 of little-endian float32 (OpenAI's and Voyage's `base64`).
package enum EmbeddingVectors {
    package static func read(_ t: JSONTape, _ i: Int) -> [Float]? {
        if t.kind(i) == .array {
            var out: [Float] = []
            out.reserveCapacity(t.count(i))
            var ok = true
            t.forEachElement(i) { x in
                guard let d = t.double(x) else {
                    ok = false
                    return
                }
                out.append(Float(d))
            }
            return ok && !out.isEmpty ? out : nil
        }
        guard let s = t.string(i), let bytes = Base64.decode(s), bytes.count % 4 == 0, !bytes.isEmpty else {
            return nil
        }
        var out: [Float] = []
        out.reserveCapacity(bytes.count / 4)
        var k = 0
        while k < bytes.count {
            let bits =
                UInt32(bytes[k]) | UInt32(bytes[k + 1]) << 8 | UInt32(bytes[k + 2]) << 16 | UInt32(bytes[k + 3]) << 24
            out.append(Float(bitPattern: bits))
            k += 4
        }
        return out
    }
}

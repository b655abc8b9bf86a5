@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

/// Claude on Vertex AI: the Anthropic Messages wire at `publishers/anthropic/models/{m}:rawPredict`
/// (`:streamRawPredict` when streaming), with `anthropic_version: vertex-2023-10-16` in the body
/// instead of the header, and no `model` member.
package struct VertexAnthropicDialect: ChatDialect {
    let project: String
    let location: String
    let inner = AnthropicDialect()

    static let version = "vertex-2023-10-16"

    package func makeRequest(_ r: ChatRequest, context: CallContext, stream: Bool) throws(LLMError) -> WireRequest {
        var wire = try inner.makeRequest(r, context: context, stream: stream)
        guard case .object(var members) = wire.body else { return wire }
        members.removeAll { $0.key == "model" }
        members.append(("anthropic_version", .string(Self.version)))
        wire.body = .object(members)
        wire.headers.removeAll { $0.0 == "anthropic-version" }
        let method = stream ? "streamRawPredict" : "rawPredict"
        wire.path =
            "/v1/projects/\(project)/locations/\(location)/publishers/anthropic/models/\(context.model.addingPercentEncodingForPath):\(method)"
        return wire
    }

    package func parseResponse(_ tape: JSONTape, context: CallContext) throws(LLMError) -> ChatResponse {
        try inner.parseResponse(tape, context: context)
    }

    package func makeTranslator(context: CallContext) -> any StreamTranslator {
        inner.makeTranslator(context: context)
    }

    package func mapError(status: Int, headers: HTTPHeaders, body: [UInt8], context: CallContext) -> LLMError {
        inner.mapError(status: status, headers: headers, body: body, context: context)
    }
}

@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

/// Chat Completions on a Vertex AI endpoint: the deployed model answers whatever `model` says,
/// and Google's MedGemma notebook sends `""`; the endpoint id travels in the path instead.
package struct VertexEndpointDialect: ChatDialect {
    let inner: OpenAIChatDialect

    package func makeRequest(_ r: ChatRequest, context: CallContext, stream: Bool) throws(LLMError) -> WireRequest {
        var wire = try inner.makeRequest(r, context: context, stream: stream)
        wire.body = wire.body.setting("model", "")
        return wire
    }

    package func parseResponse(_ tape: JSONTape, context: CallContext) throws(LLMError) -> ChatResponse {
        try inner.parseResponse(tape, context: context)
    }

    package func makeTranslator(context: CallContext) -> any StreamTranslator { inner.makeTranslator(context: context) }

    package func mapError(status: Int, headers: HTTPHeaders, body: [UInt8], context: CallContext) -> LLMError {
        inner.mapError(status: status, headers: headers, body: body, context: context)
    }
}

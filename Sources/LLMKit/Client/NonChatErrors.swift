@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

/// The error mapping of a non-chat API whose error bodies have their own shape (fal, Runware,
/// ElevenLabs): the shared mapping of status and headers, then `refine` reads the provider's JSON body.
/// It is a `ChatDialect` only because `PreparedCall` maps errors through one; it builds no chat requests.
struct NonChatErrors: ChatDialect {
    let inner = OpenAIChatDialect(quirks: CompatibleQuirks())
    /// Adjusts the mapped error from the parsed body, with the call's context (for the key variable).
    let refine: @Sendable (inout LLMError, JSONValue, CallContext) -> Void

    func makeRequest(_ r: ChatRequest, context: CallContext, stream: Bool) throws(LLMError) -> WireRequest {
        try inner.makeRequest(r, context: context, stream: stream)
    }

    func parseResponse(_ tape: JSONTape, context: CallContext) throws(LLMError) -> ChatResponse {
        try inner.parseResponse(tape, context: context)
    }

    func makeTranslator(context: CallContext) -> any StreamTranslator { inner.makeTranslator(context: context) }

    func mapError(status: Int, headers: HTTPHeaders, body: [UInt8], context: CallContext) -> LLMError {
        var e = ErrorMapping.map(
            status: status, headers: headers, body: body, provider: context.provider, model: context.model,
            keyVariable: context.keyVariable)
        if let json = try? JSONValue(parsing: body) { refine(&e, json, context) }
        return e
    }
}

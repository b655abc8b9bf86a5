@_spi(LLMKitInternal) import LLMKitCore
import NIOHTTP1

/// What a request builder produces: everything but the host and auth.
package struct WireRequest: Sendable {
    /// Path and query appended to the provider's base URL.
    package var path: String
    package var body: JSONValue
    package var headers: [(String, String)] = []
    package var warnings: [Warning] = []
}

/// Per-call facts the pure pieces need.
package struct CallContext: Sendable {
    /// The provider id the user named (`openai`, `deepseek`, `local`, ...).
    package var provider: String
    /// The wire family, for reasoning hand-back (`openai`, `anthropic`, `google`, `deepseek`).
    package var family: String
    package var model: String
    package var warnings: [Warning]
    /// The variable that holds the key, named in authentication errors.
    package var keyVariable: String? = nil
}

/// One wire dialect: pure functions from LLMKit types to bytes and back.
package protocol ChatDialect: Sendable {
    func makeRequest(_ request: ChatRequest, context: CallContext, stream: Bool) throws(LLMError) -> WireRequest
    func parseResponse(_ tape: JSONTape, context: CallContext) throws(LLMError) -> ChatResponse
    func makeTranslator(context: CallContext) -> any StreamTranslator
    func mapError(status: Int, headers: HTTPHeaders, body: [UInt8], context: CallContext) -> LLMError
    /// How a streamed body is framed.
    var framing: StreamFraming { get }
}

/// How a streamed body is cut into events.
package enum StreamFraming: Sendable {
    /// Server-sent events.
    case sse
    /// `application/vnd.amazon.eventstream` (Bedrock): binary frames; the event name is `:event-type`.
    case awsEventStream
}

/// Turns SSE events into `StreamEvent`s and assembles the final response.
/// A class, so the stream driver calls it without copying its state.
package protocol StreamTranslator: AnyObject {
    /// Handles one SSE event. `event` is the `event:` field (may be empty).
    func consume(
        event: UnsafeRawBufferPointer, data: UnsafeRawBufferPointer, into out: inout [StreamEvent]
    ) throws(LLMError)
    /// The body ended. Returns the assembled response, or throws when the stream was cut short.
    func finish(into out: inout [StreamEvent]) throws(LLMError) -> ChatResponse
    /// Usage seen so far (for a stream that failed part-way).
    var partialUsage: Usage? { get }
}

extension ChatDialect {
    package var framing: StreamFraming { .sse }

    /// The shared mapping of error answers (see `ErrorMapping`).
    package func mapError(status: Int, headers: HTTPHeaders, body: [UInt8], context: CallContext) -> LLMError {
        ErrorMapping.map(
            status: status, headers: headers, body: body, provider: context.provider, model: context.model,
            keyVariable: context.keyVariable)
    }
}

extension JSONTape {
    /// The string at `i`, or a decoding error naming `provider` when it is not valid UTF-8.
    package func text(_ i: Int, provider: String) throws(LLMError) -> String {
        guard let s = string(i) else {
            throw LLMError(.decoding, "\(provider) sent text that is not valid UTF-8", provider: provider)
        }
        return s
    }
}

extension StreamTranslator {
    /// Parses `data` into `tape`, mapping failures to a decoding error that shows the event.
    package func parse(
        _ data: UnsafeRawBufferPointer, into tape: inout JSONTape, provider: String
    ) throws(LLMError) {
        do {
            try tape.parse(data)
        } catch {
            let shown = String(decoding: data.prefix(300), as: UTF8.self)
            throw LLMError(
                .decoding, "the \(provider) stream sent an event that is not valid JSON (\(error)): \(shown)",
                provider: provider, underlying: error)
        }
    }
}

extension ReasoningEffort {
    /// The thinking budget an effort stands for where a provider takes only budgets
    /// (Anthropic before adaptive thinking, Claude on Bedrock, Cohere): one table for all.
    package var thinkingBudget: Int {
        switch self {
        case .minimal: 1024
        case .low: 2048
        case .medium: 8192
        case .high: 24576
        }
    }
}

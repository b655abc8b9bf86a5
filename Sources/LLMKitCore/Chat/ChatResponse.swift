/// Why the model stopped.
public enum FinishReason: Sendable, Hashable, Codable, CustomStringConvertible {
    case stop, length, toolCalls, contentFilter, refusal, error
    case other(String)

    public var description: String {
        switch self {
        case .stop: "stop"
        case .length: "length"
        case .toolCalls: "toolCalls"
        case .contentFilter: "contentFilter"
        case .refusal: "refusal"
        case .error: "error"
        case .other(let s): "other:\(s)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        switch s {
        case "stop": self = .stop
        case "length": self = .length
        case "toolCalls": self = .toolCalls
        case "contentFilter": self = .contentFilter
        case "refusal": self = .refusal
        case "error": self = .error
        default: self = .other(s.hasPrefix("other:") ? String(s.dropFirst(6)) : s)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Token counts for one call. `inputTokens` includes cached and cache-write tokens;
/// `outputTokens` includes reasoning tokens.
public struct Usage: Sendable, Hashable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var reasoningTokens: Int?
    public var cacheReadTokens: Int?
    public var cacheWriteTokens: Int?

    public init(
        inputTokens: Int = 0, outputTokens: Int = 0, reasoningTokens: Int? = nil, cacheReadTokens: Int? = nil,
        cacheWriteTokens: Int? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.reasoningTokens = reasoningTokens
        self.cacheReadTokens = cacheReadTokens
        self.cacheWriteTokens = cacheWriteTokens
    }

    public var totalTokens: Int { inputTokens + outputTokens }
}

/// Something LLMKit changed or dropped to make the request fit the provider.
public struct Warning: Sendable, Hashable, Codable, CustomStringConvertible {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}

/// A source the model's answer cites.
public struct Citation: Sendable, Hashable, Codable {
    public var url: String
    public var title: String?
    /// Publication or last-update date as the provider gave it.
    public var date: String?

    public init(url: String, title: String? = nil, date: String? = nil) {
        self.url = url
        self.title = title
        self.date = date
    }
}

/// The assembled answer.
public struct ChatResponse: Sendable, Hashable {
    public var id: String?
    /// The model the provider reports having used.
    public var model: String
    public var provider: String
    /// The assistant message, ready to append to the history.
    public var message: Message
    public var finishReason: FinishReason
    public var usage: Usage?
    /// Cost in US dollars, nil when the price of the model is not known.
    public var cost: Double?
    public var warnings: [Warning]
    /// Sources the provider cited (Perplexity's `citations` and `search_results`), in its order.
    public var citations: [Citation]

    public init(
        id: String?, model: String, provider: String, message: Message, finishReason: FinishReason, usage: Usage?,
        cost: Double? = nil, warnings: [Warning] = [], citations: [Citation] = []
    ) {
        self.citations = citations
        self.id = id
        self.model = model
        self.provider = provider
        self.message = message
        self.finishReason = finishReason
        self.usage = usage
        self.cost = cost
        self.warnings = warnings
    }

    public var text: String { message.text }
    public var reasoning: String? { message.reasoning }
    public var toolCalls: [ToolCall] { message.toolCalls }
}

/// One event of a streamed answer.
///
/// The rare, large payloads (usage, the tool call, the final response) are boxed, so an event is
/// the size of a text delta: queues of events stay small and copying one is cheap.
public enum StreamEvent: Sendable, Hashable {
    case textDelta(String)
    case reasoningDelta(String)
    case toolCallStarted(index: Int, id: String, name: String)
    case toolCallArgumentsDelta(index: Int, delta: String)
    indirect case toolCallCompleted(index: Int, call: ToolCall)
    indirect case usage(Usage)
    /// The last event: the assembled response.
    indirect case finished(ChatResponse)
}

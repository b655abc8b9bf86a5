/// Who wrote a message.
public enum Role: String, Sendable, Hashable, Codable {
    case system, user, assistant, tool
}

/// One message of a conversation: a role and an ordered list of parts.
///
/// An assistant message returned in `ChatResponse.message` keeps everything the
/// provider needs on the next turn (reasoning parts with their signatures,
/// encrypted content and item ids), so appending it to the history is enough.
public struct Message: Sendable, Hashable, Codable {
    public var role: Role
    public var parts: [Part]
    /// Marks the end of a cacheable prefix (Anthropic `cache_control`). Providers with
    /// automatic caching ignore it.
    public var cacheControl: CacheControl?

    public init(role: Role, parts: [Part], cacheControl: CacheControl? = nil) {
        self.role = role
        self.parts = parts
        self.cacheControl = cacheControl
    }

    public static func system(_ text: String) -> Message { Message(role: .system, parts: [.text(text)]) }
    public static func user(_ text: String) -> Message { Message(role: .user, parts: [.text(text)]) }
    public static func user(_ parts: [Part]) -> Message { Message(role: .user, parts: parts) }
    public static func assistant(_ text: String) -> Message { Message(role: .assistant, parts: [.text(text)]) }
    /// The result of a tool call, sent back after an assistant message that asked for it.
    public static func tool(callID: String, name: String? = nil, _ content: String, isError: Bool = false) -> Message {
        Message(
            role: .tool,
            parts: [.toolResult(ToolResult(callID: callID, name: name, content: content, isError: isError))])
    }

    /// The concatenated text parts.
    public var text: String {
        var s = ""
        for case .text(let t) in parts { s += t }
        return s
    }

    /// The tool calls in this message.
    public var toolCalls: [ToolCall] {
        parts.compactMap { if case .toolCall(let c) = $0 { c } else { nil } }
    }

    /// The concatenated reasoning text, nil when there is none.
    public var reasoning: String? {
        var s: String?
        for case .reasoning(let r) in parts where !r.text.isEmpty { s = (s ?? "") + r.text }
        return s
    }
}

/// Marks a cache breakpoint.
public struct CacheControl: Sendable, Hashable, Codable {
    /// Time to live, e.g. "5m" or "1h"; nil uses the provider's default.
    public var ttl: String?
    public init(ttl: String? = nil) { self.ttl = ttl }
    public static let ephemeral = CacheControl()
}

/// A piece of a message.
public enum Part: Sendable, Hashable {
    case text(String)
    case image(MediaSource)
    /// A document such as a PDF.
    case file(MediaSource)
    case toolCall(ToolCall)
    case toolResult(ToolResult)
    case reasoning(ReasoningPart)
}

/// Bytes with a media type, or a URL.
public enum MediaSource: Sendable, Hashable {
    case url(String, mimeType: String? = nil)
    case data([UInt8], mimeType: String, filename: String? = nil)

    public var mimeType: String? {
        switch self {
        case .url(_, let m): return m
        case .data(_, let m, _): return m
        }
    }
}

/// A call the model asked for.
public struct ToolCall: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// The parsed arguments (normally an object). When the model produced text that is not
    /// JSON, this is `.string(text)`.
    public var arguments: JSONValue
    /// Opaque provider data bound to this call: Gemini `thoughtSignature`.
    public var signature: String?
    /// The provider's item id when it differs from the call id (OpenAI Responses `fc_...`).
    public var itemID: String?
    /// The provider family that produced `signature`/`itemID`.
    public var provider: String?

    public init(
        id: String, name: String, arguments: JSONValue, signature: String? = nil, itemID: String? = nil,
        provider: String? = nil
    ) {
        self.id = id
        self.name = name
        self.arguments = arguments
        self.signature = signature
        self.itemID = itemID
        self.provider = provider
    }
}

/// The result of a tool call.
public struct ToolResult: Sendable, Hashable, Codable {
    public var callID: String
    /// The tool's name (Gemini needs it; others ignore it).
    public var name: String?
    public var content: String
    public var isError: Bool

    public init(callID: String, name: String? = nil, content: String, isError: Bool = false) {
        self.callID = callID
        self.name = name
        self.content = content
        self.isError = isError
    }
}

/// Reasoning ("thinking") produced by a model, with the opaque data its provider
/// needs to see again next turn.
public struct ReasoningPart: Sendable, Hashable, Codable {
    /// Visible reasoning text or summary; may be empty.
    public var text: String
    /// Provider family that produced the opaque data: "anthropic", "openai", "google", "deepseek".
    public var provider: String?
    /// Anthropic thinking `signature`, Anthropic `redacted_thinking` data (with `redacted`),
    /// OpenAI Responses `encrypted_content`, or a Gemini `thoughtSignature`.
    public var signature: String?
    /// Anthropic `redacted_thinking`: `signature` holds the encrypted `data`.
    public var redacted: Bool
    /// OpenAI Responses reasoning item id (`rs_...`).
    public var itemID: String?

    public init(
        text: String, provider: String? = nil, signature: String? = nil, redacted: Bool = false, itemID: String? = nil
    ) {
        self.text = text
        self.provider = provider
        self.signature = signature
        self.redacted = redacted
        self.itemID = itemID
    }
}

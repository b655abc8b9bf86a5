/// A chat completion request in LLMKit's provider-neutral form.
public struct ChatRequest: Sendable, Hashable {
    /// `"provider/model"`, e.g. `"anthropic/claude-sonnet-4-5"`.
    public var model: String
    public var messages: [Message]
    public var tools: [ToolDefinition]
    public var toolChoice: ToolChoice?
    public var reasoning: ReasoningConfig?
    public var maxOutputTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var stop: [String]
    public var outputFormat: OutputFormat
    /// Forces the OpenAI API flavour (`openai/...` only). Nil picks Responses for
    /// reasoning models and Chat Completions for the rest.
    public var api: APIFlavour?
    /// Extra top-level JSON fields merged into the provider request body, for
    /// parameters LLMKit does not model. They win over LLMKit's own fields.
    public var extraBody: [(key: String, value: JSONValue)]

    public init(
        model: String,
        messages: [Message],
        tools: [ToolDefinition] = [],
        toolChoice: ToolChoice? = nil,
        reasoning: ReasoningConfig? = nil,
        maxOutputTokens: Int? = nil,
        temperature: Double? = nil,
        topP: Double? = nil,
        stop: [String] = [],
        outputFormat: OutputFormat = .text,
        api: APIFlavour? = nil,
        extraBody: [(key: String, value: JSONValue)] = []
    ) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.reasoning = reasoning
        self.maxOutputTokens = maxOutputTokens
        self.temperature = temperature
        self.topP = topP
        self.stop = stop
        self.outputFormat = outputFormat
        self.api = api
        self.extraBody = extraBody
    }

    public static func == (a: ChatRequest, b: ChatRequest) -> Bool {
        a.model == b.model && a.messages == b.messages && a.tools == b.tools && a.toolChoice == b.toolChoice
            && a.reasoning == b.reasoning && a.maxOutputTokens == b.maxOutputTokens && a.temperature == b.temperature
            && a.topP == b.topP && a.stop == b.stop && a.outputFormat == b.outputFormat && a.api == b.api
            && JSONValue.object(a.extraBody) == JSONValue.object(b.extraBody)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(model)
        hasher.combine(messages)
    }
}

/// Which OpenAI API to use.
public enum APIFlavour: String, Sendable, Hashable, Codable {
    case chatCompletions = "chat"
    case responses
}

/// How hard a model should think.
public enum ReasoningConfig: Sendable, Hashable, Codable {
    /// No reasoning where the model allows turning it off.
    case off
    /// A provider-neutral effort level.
    case effort(ReasoningEffort)
    /// A budget of thinking tokens (Anthropic `budget_tokens`, Gemini `thinkingBudget`).
    case budget(tokens: Int)

    /// Parses the CLI form: `off`, `minimal`, `low`, `medium`, `high`, or a token count.
    public init?(parsing text: String) {
        if text == "off" || text == "none" {
            self = .off
        } else if let e = ReasoningEffort(rawValue: text) {
            self = .effort(e)
        } else if let n = Int(text), n >= 0 {
            self = .budget(tokens: n)
        } else {
            return nil
        }
    }
}

public enum ReasoningEffort: String, Sendable, Hashable, Codable, CaseIterable {
    case minimal, low, medium, high
}

/// A tool the model may call.
public struct ToolDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    /// A JSON Schema object for the arguments.
    public var parameters: JSONValue
    /// Ask the provider to enforce the schema exactly (OpenAI `strict`).
    public var strict: Bool?

    public init(name: String, description: String? = nil, parameters: JSONValue, strict: Bool? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
    }
}

public enum ToolChoice: Sendable, Hashable, Codable {
    case auto, none, required
    case tool(String)
}

/// The shape of the answer.
public enum OutputFormat: Sendable, Hashable, Codable {
    case text
    /// Any JSON object.
    case json
    /// JSON matching a schema.
    case jsonSchema(name: String, schema: JSONValue, strict: Bool = true)
}

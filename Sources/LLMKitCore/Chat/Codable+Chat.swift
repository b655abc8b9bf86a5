// Codable forms of the chat types, in LLMKit's own camelCase encoding (the
// shape `llmkit chat --json` prints). Not a provider wire format.

extension ChatRequest: Codable {
    private enum CodingKeys: String, CodingKey {
        case model, messages, tools, toolChoice, reasoning, maxOutputTokens, temperature, topP, stop, outputFormat, api
        case extraBody
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            model: try c.decode(String.self, forKey: .model),
            messages: try c.decode([Message].self, forKey: .messages),
            tools: try c.decodeIfPresent([ToolDefinition].self, forKey: .tools) ?? [],
            toolChoice: try c.decodeIfPresent(ToolChoice.self, forKey: .toolChoice),
            reasoning: try c.decodeIfPresent(ReasoningConfig.self, forKey: .reasoning),
            maxOutputTokens: try c.decodeIfPresent(Int.self, forKey: .maxOutputTokens),
            temperature: try c.decodeIfPresent(Double.self, forKey: .temperature),
            topP: try c.decodeIfPresent(Double.self, forKey: .topP),
            stop: try c.decodeIfPresent([String].self, forKey: .stop) ?? [],
            outputFormat: try c.decodeIfPresent(OutputFormat.self, forKey: .outputFormat) ?? .text,
            api: try c.decodeIfPresent(APIFlavour.self, forKey: .api),
            extraBody: try c.decodeIfPresent(JSONValue.self, forKey: .extraBody)?.objectValue ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(messages, forKey: .messages)
        if !tools.isEmpty { try c.encode(tools, forKey: .tools) }
        try c.encodeIfPresent(toolChoice, forKey: .toolChoice)
        try c.encodeIfPresent(reasoning, forKey: .reasoning)
        try c.encodeIfPresent(maxOutputTokens, forKey: .maxOutputTokens)
        try c.encodeIfPresent(temperature, forKey: .temperature)
        try c.encodeIfPresent(topP, forKey: .topP)
        if !stop.isEmpty { try c.encode(stop, forKey: .stop) }
        try c.encode(outputFormat, forKey: .outputFormat)
        try c.encodeIfPresent(api, forKey: .api)
        if !extraBody.isEmpty { try c.encode(JSONValue.object(extraBody), forKey: .extraBody) }
    }
}

extension ChatResponse: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, model, provider, message, finishReason, usage, cost, warnings, citations
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decodeIfPresent(String.self, forKey: .id), model: try c.decode(String.self, forKey: .model),
            provider: try c.decode(String.self, forKey: .provider),
            message: try c.decode(Message.self, forKey: .message),
            finishReason: try c.decode(FinishReason.self, forKey: .finishReason),
            usage: try c.decodeIfPresent(Usage.self, forKey: .usage),
            cost: try c.decodeIfPresent(Double.self, forKey: .cost),
            warnings: try c.decodeIfPresent([Warning].self, forKey: .warnings) ?? [],
            citations: try c.decodeIfPresent([Citation].self, forKey: .citations) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(model, forKey: .model)
        try c.encode(provider, forKey: .provider)
        try c.encode(message, forKey: .message)
        try c.encode(finishReason, forKey: .finishReason)
        try c.encodeIfPresent(usage, forKey: .usage)
        try c.encodeIfPresent(cost, forKey: .cost)
        try c.encode(warnings, forKey: .warnings)
        if !citations.isEmpty { try c.encode(citations, forKey: .citations) }
    }
}

extension StreamEvent: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, text, index, id, name, delta, call, usage, response
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "textDelta": self = .textDelta(try c.decode(String.self, forKey: .text))
        case "reasoningDelta": self = .reasoningDelta(try c.decode(String.self, forKey: .text))
        case "toolCallStarted":
            self = .toolCallStarted(
                index: try c.decode(Int.self, forKey: .index), id: try c.decode(String.self, forKey: .id),
                name: try c.decode(String.self, forKey: .name))
        case "toolCallArgumentsDelta":
            self = .toolCallArgumentsDelta(
                index: try c.decode(Int.self, forKey: .index), delta: try c.decode(String.self, forKey: .delta))
        case "toolCallCompleted":
            self = .toolCallCompleted(
                index: try c.decode(Int.self, forKey: .index), call: try c.decode(ToolCall.self, forKey: .call))
        case "usage": self = .usage(try c.decode(Usage.self, forKey: .usage))
        case "finished": self = .finished(try c.decode(ChatResponse.self, forKey: .response))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c, debugDescription: "unknown event type '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .textDelta(let s):
            try c.encode("textDelta", forKey: .type)
            try c.encode(s, forKey: .text)
        case .reasoningDelta(let s):
            try c.encode("reasoningDelta", forKey: .type)
            try c.encode(s, forKey: .text)
        case .toolCallStarted(let index, let id, let name):
            try c.encode("toolCallStarted", forKey: .type)
            try c.encode(index, forKey: .index)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
        case .toolCallArgumentsDelta(let index, let delta):
            try c.encode("toolCallArgumentsDelta", forKey: .type)
            try c.encode(index, forKey: .index)
            try c.encode(delta, forKey: .delta)
        case .toolCallCompleted(let index, let call):
            try c.encode("toolCallCompleted", forKey: .type)
            try c.encode(index, forKey: .index)
            try c.encode(call, forKey: .call)
        case .usage(let u):
            try c.encode("usage", forKey: .type)
            try c.encode(u, forKey: .usage)
        case .finished(let r):
            try c.encode("finished", forKey: .type)
            try c.encode(r, forKey: .response)
        }
    }
}

extension LLMError: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, message, provider, statusCode, requestID, providerCode, providerType, param
        case retryAfterSeconds, timeoutPhase, body
    }

    /// Decodes an error written by `encode(to:)`; `underlying` is not carried.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .kind)
        guard let kind = Kind.all.first(where: { $0.description == name }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: c, debugDescription: "unknown error kind '\(name)'")
        }
        self.init(
            kind, try c.decode(String.self, forKey: .message),
            provider: try c.decodeIfPresent(String.self, forKey: .provider),
            statusCode: try c.decodeIfPresent(Int.self, forKey: .statusCode),
            requestID: try c.decodeIfPresent(String.self, forKey: .requestID),
            providerCode: try c.decodeIfPresent(String.self, forKey: .providerCode),
            providerType: try c.decodeIfPresent(String.self, forKey: .providerType),
            param: try c.decodeIfPresent(String.self, forKey: .param),
            retryAfter: try c.decodeIfPresent(Double.self, forKey: .retryAfterSeconds).map {
                .milliseconds(Int64($0 * 1000))
            },
            timeoutPhase: try c.decodeIfPresent(String.self, forKey: .timeoutPhase).flatMap(
                TimeoutPhase.init(rawValue:)),
            body: try c.decodeIfPresent(String.self, forKey: .body))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind.description, forKey: .kind)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(provider, forKey: .provider)
        try c.encodeIfPresent(statusCode, forKey: .statusCode)
        try c.encodeIfPresent(requestID, forKey: .requestID)
        try c.encodeIfPresent(providerCode, forKey: .providerCode)
        try c.encodeIfPresent(providerType, forKey: .providerType)
        try c.encodeIfPresent(param, forKey: .param)
        if let r = retryAfter {
            let (s, atto) = r.components
            try c.encode(Double(s) + Double(atto) / 1e18, forKey: .retryAfterSeconds)
        }
        try c.encodeIfPresent(timeoutPhase?.rawValue, forKey: .timeoutPhase)
        try c.encodeIfPresent(body, forKey: .body)
    }
}

extension LLMError.Kind {
    /// Every kind, for decoding.
    public static let all: [LLMError.Kind] = [
        .authentication, .permissionDenied, .notFound, .rateLimited, .overloaded, .contextLengthExceeded,
        .invalidRequest, .contentFiltered, .server, .timeout, .cancelled, .network, .decoding, .unsupported,
        .notConfigured,
    ]
}

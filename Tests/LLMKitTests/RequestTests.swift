import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// The request side: method, path, headers and JSON body, field by field.
@Suite("Requests")
struct RequestTests {
    static let weather = ToolDefinition(
        name: "get_weather", description: "Weather for a city",
        parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])
    static let schema: JSONValue = [
        "type": "object", "properties": ["answer": ["type": "string"]], "required": ["answer"],
        "additionalProperties": false,
    ]
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47]

    /// Sends `request` (stream or not) against `response` and returns the captured request.
    func capture(
        _ p: FixtureProvider, _ request: ChatRequest, stream: Bool, response: CannedResponse
    ) async throws -> (CapturedRequest, ChatResponse) {
        try await LoopbackServer.with([response]) { server in
            let llm = p.client(server)
            let r = stream ? try await llm.stream(request).collect() : try await llm.complete(request)
            return (server.requests[0], r)
        }
    }

    @Test func openAIChatCompletions() async throws {
        let p = FixtureProvider.named("openai-chat")
        var request = ChatRequest(
            model: "openai/gpt-4o",
            messages: [
                .system("Be brief."), .user([.text("What is this?"), .image(.data(Self.png, mimeType: "image/png"))]),
            ],
            tools: [Self.weather], toolChoice: .auto, maxOutputTokens: 100, temperature: 0.5, stop: ["END"],
            outputFormat: .jsonSchema(name: "reply", schema: Self.schema))
        request.api = .chatCompletions
        let (req, _) = try await capture(
            p, request, stream: true, response: Fixture.response("openai-chat", "text-stream", ext: "sse"))
        #expect(req.method == "POST")
        #expect(req.uri == "/v1/chat/completions")
        #expect(req.header("authorization") == "Bearer \(FixtureProvider.key)")
        #expect(req.header("content-type") == "application/json")
        #expect(req.header("accept") == "text/event-stream")
        let body = try #require(req.json)
        #expect(body["model"] == "gpt-4o")
        #expect(body["stream"] == true)
        #expect(body["stream_options"] == ["include_usage": true])
        #expect(body["max_completion_tokens"] == 100)
        #expect(body["temperature"] == 0.5)
        #expect(body["stop"] == ["END"])
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages[0] == ["role": "system", "content": "Be brief."])
        #expect(
            messages[1] == [
                "role": "user",
                "content": [
                    ["type": "text", "text": "What is this?"],
                    ["type": "image_url", "image_url": ["url": "data:image/png;base64,iVBORw=="]],
                ],
            ])
        #expect(
            body["tools"] == [
                [
                    "type": "function",
                    "function": [
                        "name": "get_weather", "description": "Weather for a city",
                        "parameters": Self.weather.parameters,
                    ],
                ]
            ])
        #expect(body["tool_choice"] == "auto")
        #expect(
            body["response_format"] == [
                "type": "json_schema", "json_schema": ["name": "reply", "schema": Self.schema, "strict": true],
            ])
        #expect(body["reasoning_effort"] == nil)
    }

    @Test func openAIReasoningModelDropsSamplingWithWarnings() async throws {
        let p = FixtureProvider.named("openai-chat")
        let request = ChatRequest(
            model: "openai/o4-mini", messages: [.user("hi")], reasoning: .budget(tokens: 20000), maxOutputTokens: 500,
            temperature: 0.2, api: .chatCompletions)
        let (req, r) = try await capture(
            p, request, stream: false, response: Fixture.response("openai-chat", "reasoning-usage", ext: "json"))
        let body = try #require(req.json)
        #expect(body["reasoning_effort"] == "high")
        #expect(body["max_completion_tokens"] == 500)
        #expect(body["temperature"] == nil)
        #expect(r.warnings.map(\.code).sorted() == ["parameter_dropped", "reasoning_approximated"])
    }

    @Test func openAIReasoningModelsDefaultToResponses() async throws {
        let p = FixtureProvider.named("openai-responses")
        let request = ChatRequest(
            model: "openai/gpt-5", messages: [.system("Be brief."), .user("hi")], tools: [Self.weather],
            reasoning: .effort(.high), maxOutputTokens: 300,
            outputFormat: .jsonSchema(name: "reply", schema: Self.schema))
        let (req, _) = try await capture(
            p, request, stream: true, response: Fixture.response("openai-responses", "text-stream", ext: "sse"))
        #expect(req.uri == "/v1/responses")
        let body = try #require(req.json)
        #expect(body["model"] == "gpt-5")
        #expect(body["instructions"] == "Be brief.")
        #expect(body["input"] == [["role": "user", "content": "hi"]])
        #expect(body["store"] == false)
        #expect(body["include"] == ["reasoning.encrypted_content"])
        #expect(body["stream"] == true)
        #expect(body["max_output_tokens"] == 300)
        #expect(body["reasoning"] == ["effort": "high", "summary": "auto"])
        #expect(
            body["tools"] == [
                [
                    "type": "function", "name": "get_weather", "description": "Weather for a city",
                    "parameters": Self.weather.parameters, "strict": false,
                ]
            ])
        #expect(
            body["text"] == ["format": ["type": "json_schema", "name": "reply", "schema": Self.schema, "strict": true]])
    }

    @Test func anthropicMessages() async throws {
        let p = FixtureProvider.named("anthropic")
        var cached = Message.user([.text("Summarise"), .file(.data(Array("%PDF".utf8), mimeType: "application/pdf"))])
        cached.cacheControl = .ephemeral
        var system = Message.system("Be brief.")
        system.cacheControl = CacheControl(ttl: "1h")
        let request = ChatRequest(
            model: "anthropic/claude-sonnet-4-5", messages: [system, cached], tools: [Self.weather],
            toolChoice: .required, reasoning: .budget(tokens: 2000), maxOutputTokens: 1000, temperature: 0.3)
        let (req, r) = try await capture(
            p, request, stream: true, response: Fixture.response("anthropic", "text-stream", ext: "sse"))
        #expect(req.uri == "/v1/messages")
        #expect(req.header("x-api-key") == FixtureProvider.key)
        #expect(req.header("authorization") == nil)
        #expect(req.header("anthropic-version") == "2023-06-01")
        let body = try #require(req.json)
        #expect(body["model"] == "claude-sonnet-4-5")
        // max_tokens must exceed the thinking budget: 1000 is raised to budget + 1000, with a warning.
        #expect(body["max_tokens"] == 3000)
        #expect(r.warnings.contains { $0.code == "max_tokens_raised" })
        #expect(body["stream"] == true)
        #expect(body["thinking"] == ["type": "enabled", "budget_tokens": 2000])
        #expect(body["temperature"] == nil)
        #expect(r.warnings.contains { $0.code == "parameter_dropped" })
        #expect(
            body["system"] == [
                ["type": "text", "text": "Be brief.", "cache_control": ["type": "ephemeral", "ttl": "1h"]]
            ])
        #expect(
            body["messages"] == [
                [
                    "role": "user",
                    "content": [
                        ["type": "text", "text": "Summarise"],
                        [
                            "type": "document",
                            "source": ["type": "base64", "media_type": "application/pdf", "data": "JVBERg=="],
                            "cache_control": ["type": "ephemeral"],
                        ],
                    ],
                ]
            ])
        #expect(
            body["tools"] == [
                ["name": "get_weather", "description": "Weather for a city", "input_schema": Self.weather.parameters]
            ])
        #expect(body["tool_choice"] == ["type": "any"])
    }

    @Test func anthropicAdaptiveThinkingAndStructuredOutput() async throws {
        let p = FixtureProvider.named("anthropic")
        let request = ChatRequest(
            model: "anthropic/claude-opus-4-6", messages: [.user("hi")], reasoning: .effort(.medium),
            outputFormat: .jsonSchema(name: "reply", schema: Self.schema))
        let (req, _) = try await capture(
            p, request, stream: false, response: Fixture.response("anthropic", "text", ext: "json"))
        let body = try #require(req.json)
        #expect(body["thinking"] == ["type": "adaptive"])
        #expect(
            body["output_config"] == ["effort": "medium", "format": ["type": "json_schema", "schema": Self.schema]])
        #expect(body["max_tokens"] == 4096)
        #expect(body["stream"] == nil)
    }

    @Test func geminiGenerateContent() async throws {
        let p = FixtureProvider.named("gemini")
        let request = ChatRequest(
            model: "gemini/gemini-2.5-flash",
            messages: [
                .system("Be brief."), .user([.text("What is this?"), .image(.data(Self.png, mimeType: "image/png"))]),
            ],
            tools: [Self.weather], toolChoice: .tool("get_weather"), reasoning: .budget(tokens: 1024),
            maxOutputTokens: 200,
            temperature: 0.1, outputFormat: .jsonSchema(name: "reply", schema: Self.schema))
        let (req, _) = try await capture(
            p, request, stream: true, response: Fixture.response("gemini", "text-stream", ext: "sse"))
        #expect(req.uri == "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
        #expect(req.header("x-goog-api-key") == FixtureProvider.key)
        #expect(req.header("authorization") == nil)
        let body = try #require(req.json)
        #expect(body["systemInstruction"] == ["parts": [["text": "Be brief."]]])
        #expect(
            body["contents"] == [
                [
                    "role": "user",
                    "parts": [
                        ["text": "What is this?"], ["inlineData": ["mimeType": "image/png", "data": "iVBORw=="]],
                    ],
                ]
            ])
        #expect(
            body["tools"] == [
                [
                    "functionDeclarations": [
                        [
                            "name": "get_weather", "description": "Weather for a city",
                            "parametersJsonSchema": Self.weather.parameters,
                        ]
                    ]
                ]
            ])
        #expect(
            body["toolConfig"] == ["functionCallingConfig": ["mode": "ANY", "allowedFunctionNames": ["get_weather"]]])
        #expect(
            body["generationConfig"] == [
                "maxOutputTokens": 200, "temperature": 0.1, "responseMimeType": "application/json",
                "responseJsonSchema": Self.schema, "thinkingConfig": ["thinkingBudget": 1024, "includeThoughts": true],
            ])
    }

    @Test func geminiThreeTakesThinkingLevels() async throws {
        let p = FixtureProvider.named("gemini")
        let request = ChatRequest(
            model: "gemini/gemini-3-pro-preview", messages: [.user("hi")], reasoning: .effort(.medium))
        let (req, r) = try await capture(
            p, request, stream: false, response: Fixture.response("gemini", "text", ext: "json"))
        #expect(req.uri == "/v1beta/models/gemini-3-pro-preview:generateContent")
        #expect(
            req.json?["generationConfig"] == ["thinkingConfig": ["thinkingLevel": "high", "includeThoughts": true]])
        #expect(r.warnings.map(\.code) == ["reasoning_approximated"])
    }

    @Test func vertexURLAndBearerToken() async throws {
        let p = FixtureProvider.named("vertex")
        let request = ChatRequest(model: "vertex/gemini-2.5-flash", messages: [.user("hi")])
        let (req, r) = try await capture(
            p, request, stream: false, response: Fixture.response("vertex", "text", ext: "json"))
        #expect(
            req.uri
                == "/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent")
        #expect(req.header("authorization") == "Bearer \(FixtureProvider.key)")
        #expect(req.header("x-goog-api-key") == nil)
        #expect(r.provider == "vertex")
    }

    @Test func deepSeekThinkingParameter() async throws {
        let p = FixtureProvider.named("deepseek")
        let request = ChatRequest(
            model: "deepseek/deepseek-v4-pro", messages: [.user("hi")], reasoning: .effort(.medium), maxOutputTokens: 64
        )
        let (req, r) = try await capture(
            p, request, stream: true, response: Fixture.response("deepseek", "reasoner-stream", ext: "sse"))
        #expect(req.uri == "/chat/completions")
        let body = try #require(req.json)
        #expect(body["thinking"] == ["type": "enabled"])
        #expect(body["reasoning_effort"] == "low")
        #expect(body["max_tokens"] == 64)
        #expect(r.warnings.map(\.code) == ["reasoning_approximated"])
    }

    @Test func localProviderSendsNoAuthorizationWithoutKey() async throws {
        try await LoopbackServer.with([Fixture.response("local", "text", ext: "json")]) { server in
            let llm = LLMKit(environment: ["LOCAL_BASE_URL": server.baseURL + "/v1"], retry: .none)
            let r = try await llm.complete(
                ChatRequest(model: "local/smollm2", messages: [.user("hi")], maxOutputTokens: 32))
            let req = server.requests[0]
            #expect(req.uri == "/v1/chat/completions")
            #expect(req.header("authorization") == nil)
            #expect(req.json?["max_tokens"] == 32)
            #expect(!r.text.isEmpty)
            #expect(r.usage?.inputTokens ?? 0 > 0)
        }
    }

    @Test func extraBodyFieldsWin() async throws {
        let p = FixtureProvider.named("openai-chat")
        var request = p.request()
        request.extraBody = [("service_tier", "flex"), ("model", "gpt-4o-2024-08-06")]
        let (req, _) = try await capture(
            p, request, stream: false, response: Fixture.response("openai-chat", "text", ext: "json"))
        #expect(req.json?["service_tier"] == "flex")
        #expect(req.json?["model"] == "gpt-4o-2024-08-06")
    }
}

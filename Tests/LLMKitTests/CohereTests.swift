import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Cohere v2 chat: request bodies against the recorded ones, in-stream errors,
/// the error envelope, and the tool round trip (see Fixtures/cohere/SOURCE.md).
@Suite("Cohere")
struct CohereTests {
    static let kit = LLMKit(environment: ["COHERE_API_KEY": "co-test-key"])

    /// The body LLMKit sends for `request`.
    func body(_ request: ChatRequest, stream: Bool = false) throws -> JSONValue {
        try JSONValue(parsing: Self.kit.prepare(request, stream: stream).body)
    }

    /// Asserts `sent` has exactly the members of `recorded`, one by one.
    func expectSameFields(
        _ sent: JSONValue, _ recorded: JSONValue, _ label: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let want = recorded.objectValue ?? []
        let got = sent.objectValue ?? []
        #expect(got.map(\.key).sorted() == want.map(\.key).sorted(), "keys of \(label)", sourceLocation: sourceLocation)
        for (k, v) in want {
            #expect(sent[k] == v, "\(label).\(k)", sourceLocation: sourceLocation)
        }
    }

    static func tool(_ recorded: JSONValue) -> ToolDefinition {
        let f = recorded["function"] ?? .null
        return ToolDefinition(
            name: f["name"]?.stringValue ?? "", description: f["description"]?.stringValue,
            parameters: f["parameters"] ?? .null)
    }

    // MARK: Requests

    @Test("text request matches the recording, stream and not")
    func textRequest() throws {
        for (name, stream) in [("text", false), ("text-stream", true)] {
            let recorded = Fixture.json("cohere/\(name).request.json")
            let request = ChatRequest(model: "cohere/command-r", messages: [.user("I'm Pickle Rick")])
            expectSameFields(try body(request, stream: stream), recorded, name)
        }
        let call = try Self.kit.prepare(
            ChatRequest(model: "cohere/command-r", messages: [.user("hi")]), stream: false)
        #expect(call.url == "https://api.cohere.com/v2/chat")
        #expect(call.headers.first(name: "authorization") == "Bearer co-test-key")
        let moved = try LLMKit(environment: ["COHERE_API_KEY": "k", "COHERE_BASE_URL": "http://proxy.local/"])
            .prepare(ChatRequest(model: "cohere/command-r", messages: [.user("hi")]), stream: false)
        #expect(moved.url == "http://proxy.local/v2/chat")
    }

    @Test("tools request matches the recording (LangChain and pydantic-ai shapes)")
    func toolsRequest() throws {
        for (name, temperature) in [("tools", 0.0), ("tools-stream", 0.0), ("tools-cached", nil)] as [(String, Double?)]
        {
            let recorded = Fixture.json("cohere/\(name).request.json")
            let model = try #require(recorded["model"]?.stringValue)
            let prompt = try #require(recorded["messages"]?.arrayValue?.first?["content"]?.stringValue)
            let tools = (recorded["tools"]?.arrayValue ?? []).map(Self.tool)
            let request = ChatRequest(
                model: "cohere/\(model)", messages: [.user(prompt)], tools: tools, temperature: temperature)
            let sent = try body(request, stream: recorded["stream"] == true)
            expectSameFields(sent, recorded, name)
            #expect(sent["tools"]?.arrayValue?.first?["type"] == "function")
        }
        let recorded = Fixture.json("cohere/thinking-tools.request.json")
        let request = ChatRequest(
            model: "cohere/command-a-reasoning-08-2025",
            messages: [.user(try #require(recorded["messages"]?.arrayValue?[0]["content"]?.stringValue))],
            tools: (recorded["tools"]?.arrayValue ?? []).map(Self.tool), temperature: 0.3)
        expectSameFields(try body(request), recorded, "thinking-tools")
    }

    @Test("JSON schema goes as response_format json_object + schema; JSON mode without schema")
    func jsonSchemaRequest() throws {
        let recorded = Fixture.json("cohere/json-schema.request.json")
        let schema = try #require(recorded["response_format"]?["schema"])
        let request = ChatRequest(
            model: "cohere/command-r",
            messages: [.user(try #require(recorded["messages"]?.arrayValue?[0]["content"]?.stringValue))],
            outputFormat: .jsonSchema(name: "Person", schema: schema))
        let sent = try body(request)
        expectSameFields(sent, recorded, "json-schema")
        #expect(sent["response_format"]?["type"] == "json_object")
        var json = request
        json.outputFormat = .json
        #expect(try body(json)["response_format"] == ["type": "json_object"])
    }

    @Test("Cohere thinking goes back as a thinking content block, exactly as recorded")
    func thinkingReplayRequest() async throws {
        let recorded = Fixture.json("cohere/thinking-replay.request.json")
        let sent = try #require(recorded["messages"]?.arrayValue)
        let blocks = try #require(sent[1]["content"]?.arrayValue)
        let thinking = try #require(blocks[0]["thinking"]?.stringValue)
        let text = try #require(blocks[1]["text"]?.stringValue)
        let history: [Message] = [
            .user(try #require(sent[0]["content"]?.stringValue)),
            Message(
                role: .assistant, parts: [.reasoning(ReasoningPart(text: thinking, provider: "cohere")), .text(text)]),
            .user(try #require(sent[2]["content"]?.stringValue)),
        ]
        let request = ChatRequest(model: "cohere/command-a-reasoning-08-2025", messages: history)
        expectSameFields(try body(request), recorded, "thinking-replay")
        // Through the client: the recorded answer comes back as reasoning + text.
        let p = FixtureProvider.named("cohere")
        try await LoopbackServer.with([Fixture.response("cohere", "thinking-replay", ext: "json")]) { server in
            let answer = try await p.client(server).complete(request)
            #expect(answer.warnings.isEmpty)
            #expect(server.requests.first?.json?["messages"] == recorded["messages"])
            #expect(server.requests.first?.uri == "/v2/chat")
            let expected = Expected(Fixture.json("cohere/thinking-replay.expected.json"))
            expected.check(answer, "thinking-replay")
            #expect(answer.message.parts.first.map { if case .reasoning = $0 { true } else { false } } == true)
        }
    }

    @Test("reasoning, sampling and tool choice map to Cohere's fields")
    func parameters() throws {
        var request = ChatRequest(
            model: "cohere/command-a-reasoning-08-2025", messages: [.system("Be brief."), .user("hi")],
            tools: [
                ToolDefinition(name: "a", parameters: ["type": "object"]), ToolDefinition(name: "b", parameters: [:]),
            ],
            toolChoice: .tool("b"), reasoning: .budget(tokens: 2000), maxOutputTokens: 300, temperature: 0.2,
            topP: 0.9, stop: ["END"])
        var sent = try body(request)
        #expect(sent["messages"]?.arrayValue?[0] == ["role": "system", "content": "Be brief."])
        #expect(sent["thinking"] == ["type": "enabled", "token_budget": 2000])
        #expect(sent["max_tokens"] == 300)
        #expect(sent["temperature"] == 0.2)
        #expect(sent["p"] == 0.9)
        #expect(sent["top_p"] == nil)
        #expect(sent["stop_sequences"] == ["END"])
        #expect(sent["tool_choice"] == "REQUIRED")
        #expect(sent["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue } == ["b"])
        request.reasoning = .off
        request.toolChoice = ToolChoice.none
        sent = try body(request)
        #expect(sent["thinking"] == ["type": "disabled"])
        #expect(sent["tool_choice"] == "NONE")
        request.reasoning = .effort(.low)
        request.toolChoice = .auto
        let call = try Self.kit.prepare(request, stream: false)
        sent = try JSONValue(parsing: call.body)
        #expect(sent["thinking"]?["type"] == "enabled")
        #expect(sent["tool_choice"] == nil)
        #expect(call.context.warnings.map(\.code).contains("reasoning_approximated"))
        // Images go as image_url blocks.
        request = ChatRequest(
            model: "cohere/command-a-vision-07-2025",
            messages: [.user([.text("what is this?"), .image(.data([1, 2, 3], mimeType: "image/png"))])])
        sent = try body(request)
        #expect(
            sent["messages"]?.arrayValue?[0]["content"] == [
                ["type": "text", "text": "what is this?"],
                ["type": "image_url", "image_url": ["url": "data:image/png;base64,AQID"]],
            ])
    }

    // MARK: Errors

    @Test("message-end with finish_reason ERROR is a typed error, whole and split")
    func errorInStream() async throws {
        let p = FixtureProvider.named("cohere")
        for delivery in [CannedResponse.Delivery.whole, .randomSplits(seed: ReplayTests.seed)] {
            let response = Fixture.response("cohere", "error-in-stream", ext: "sse", delivery: delivery)
            try await LoopbackServer.with([response]) { server in
                var reasoning = ""
                let e = try #require(
                    await llmError {
                        for try await event in p.client(server).stream(p.request()) {
                            if case .reasoningDelta(let s) = event { reasoning += s }
                        }
                    })
                #expect(e.kind == .server)
                #expect(e.provider == "cohere")
                #expect(e.message.contains("your request resulted in an invalid tool generation"), "\(e.message)")
                #expect(e.providerType == "INVALID_TOOL_GENERATION")
                // The tool plan streamed before the error was delivered.
                #expect(reasoning == Expected(Fixture.json("cohere/error-in-stream.expected.json")).reasoning)
            }
        }
    }

    @Test("the recorded v2 error envelope {id, message} maps to notFound")
    func errorEnvelope() async throws {
        let p = FixtureProvider.named("cohere")
        try await LoopbackServer.with([Fixture.response("cohere", "error-404-embed-model", ext: "json")]) { server in
            let e = try #require(await llmError { _ = try await p.client(server).complete(p.request()) })
            #expect(e.kind == .notFound)
            #expect(e.statusCode == 404)
            #expect(e.message.contains("model 'nonexistent' not found"), "\(e.message)")
            #expect(!e.kind.isRetryable)
            #expect(e.body != nil)
        }
    }

    @Test("a stream cut before message-end is a network error")
    func truncated() async throws {
        let p = FixtureProvider.named("cohere")
        let bytes = Fixture.bytes("cohere/text-stream.sse")
        let cut = String(decoding: bytes, as: UTF8.self).components(separatedBy: "event: message-end")[0]
        let response = CannedResponse(
            status: 200, headers: [("content-type", "text/event-stream")], body: Array(cut.utf8))
        try await LoopbackServer.with([response]) { server in
            let e = try #require(await llmError { _ = try await p.client(server).stream(p.request()).collect() })
            #expect(e.kind == .network)
        }
    }

    // MARK: Round trip

    @Test("turn 2 carries tool_calls, tool_plan and the tool result as recorded", arguments: [false, true])
    func toolRoundTrip(stream: Bool) async throws {
        let recorded = Fixture.json("cohere/tool-citations-turn2.request.json")
        let sent = try #require(recorded["messages"]?.arrayValue)
        let first =
            stream
            ? Fixture.response("cohere", "tools-stream", ext: "sse", delivery: .randomSplits(seed: 3))
            : Fixture.response("cohere", "tools-cached", ext: "json")
        let p = FixtureProvider.named("cohere")
        try await LoopbackServer.with([first, Fixture.response("cohere", "tool-citations-turn2", ext: "json")]) {
            server in
            let llm = p.client(server)
            var request = ChatRequest(
                model: "cohere/command-r7b-12-2024",
                messages: [.user(try #require(sent[0]["content"]?.stringValue))],
                tools: (recorded["tools"]?.arrayValue ?? []).map(Self.tool))
            let r1 = stream ? try await llm.stream(request).collect() : try await llm.complete(request)
            let call = try #require(r1.toolCalls.first)
            let plan = try #require(r1.reasoning)
            request.messages += [r1.message, .tool(callID: call.id, name: call.name, "Sunny, 22C in Paris")]
            let r2 = try await llm.complete(request)
            #expect(r2.text == "The weather in Paris is currently sunny and 22C.")
            let body = try #require(server.requests[1].json)
            let messages = try #require(body["messages"]?.arrayValue)
            #expect(messages.count == 3)
            #expect(messages[0] == sent[0])
            #expect(messages[1]["role"] == "assistant")
            #expect(messages[1]["content"] == nil)
            // The plan goes back as tool_plan (pydantic-ai's recording drops it).
            #expect(messages[1]["tool_plan"] == .string(plan))
            if stream {
                #expect(messages[1]["tool_calls"]?.arrayValue?.first?["id"] == .string(call.id))
                #expect(messages[2]["tool_call_id"] == .string(call.id))
            } else {
                #expect(messages[1]["tool_calls"] == sent[1]["tool_calls"])
                #expect(messages[2] == sent[2])
                for key in ["model", "stream", "tools"] { #expect(body[key] == recorded[key], "\(key)") }
            }
        }
    }
}

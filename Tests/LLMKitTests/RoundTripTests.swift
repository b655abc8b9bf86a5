import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Turn 1 replays a reasoning + tool-call fixture; turn 2's captured request must
/// carry the provider's opaque reasoning data exactly as received.
@Suite("Reasoning hand-back")
struct RoundTripTests {
    /// Runs turn 1 with `first`, then turn 2 (history + tool result) against `second`; returns both.
    func twoTurns(
        _ p: FixtureProvider, first: CannedResponse, second: CannedResponse, stream: Bool,
        prompt: String, result: String, tools: [ToolDefinition], reasoning: ReasoningConfig? = nil
    ) async throws -> (ChatResponse, CapturedRequest) {
        try await LoopbackServer.with([first, second]) { server in
            let llm = p.client(server)
            var request = p.request([.user(prompt)], reasoning: reasoning)
            request.tools = tools
            let r1 = stream ? try await llm.stream(request).collect() : try await llm.complete(request)
            let call = try #require(r1.toolCalls.first)
            request.messages += [r1.message, .tool(callID: call.id, name: call.name, result)]
            _ = try await llm.complete(request)
            return (r1, server.requests[1])
        }
    }

    static let countryTool = ToolDefinition(
        name: "get_user_country", description: "",
        parameters: ["type": "object", "properties": [:], "additionalProperties": false])

    @Test func anthropicThinkingSignatureIsSentBackUnchanged() async throws {
        let p = FixtureProvider.named("anthropic")
        let (r1, turn2) = try await twoTurns(
            p, first: Fixture.response("anthropic", "thinking-tools", ext: "json"),
            second: Fixture.response("anthropic", "thinking-tools-turn2", ext: "json"), stream: false,
            prompt: "What is the largest city in the user country?", result: "Mexico", tools: [Self.countryTool],
            reasoning: .budget(tokens: 3000))
        let recorded = Fixture.json("anthropic/thinking-tools-turn2.request.json")
        let body = try #require(turn2.json)
        // The assistant turn is byte-for-byte what the official SDK sent back.
        #expect(body["messages"]?.arrayValue?[1] == recorded["messages"]?.arrayValue?[1])
        #expect(body["thinking"] == recorded["thinking"])
        let result = body["messages"]?.arrayValue?[2]["content"]?.arrayValue?.first
        #expect(result?["type"] == "tool_result")
        #expect(result?["tool_use_id"] == .string(r1.toolCalls[0].id))
        #expect(result?["content"] == "Mexico")
    }

    @Test func anthropicStreamedThinkingAndRedactedThinkingGoBack() async throws {
        let p = FixtureProvider.named("anthropic")
        let (r1, turn2) = try await twoTurns(
            p, first: Fixture.response("anthropic", "thinking-stream", ext: "sse", delivery: .randomSplits(seed: 7)),
            second: Fixture.response("anthropic", "text", ext: "json"), stream: true, prompt: "hi", result: "1.0",
            tools: [Self.countryTool])
        let assistant = try #require(turn2.json?["messages"]?.arrayValue?[1])
        let blocks = try #require(assistant["content"]?.arrayValue)
        let thinking = try #require(blocks.first)
        #expect(thinking["type"] == "thinking")
        #expect(thinking["thinking"] == .string(r1.reasoning ?? ""))
        #expect(
            thinking["signature"]
                == .string(Expected(Fixture.json("anthropic/thinking-stream.expected.json")).signatures[0]))
        #expect(blocks.last?["type"] == "tool_use")
        #expect(blocks.last?["id"] == .string(r1.toolCalls[0].id))
    }

    @Test func anthropicRedactedThinkingRoundTrip() async throws {
        let p = FixtureProvider.named("anthropic")
        try await LoopbackServer.with([
            Fixture.response("anthropic", "redacted-thinking", ext: "sse"),
            Fixture.response("anthropic", "text", ext: "json"),
        ]) { server in
            let llm = p.client(server)
            var request = p.request([.user("hi")])
            let r1 = try await llm.stream(request).collect()
            request.messages += [r1.message, .user("again")]
            _ = try await llm.complete(request)
            let blocks = try #require(server.requests[1].json?["messages"]?.arrayValue?[1]["content"]?.arrayValue)
            let redacted = blocks.filter { $0["type"] == "redacted_thinking" }.compactMap { $0["data"]?.stringValue }
            #expect(redacted == Expected(Fixture.json("anthropic/redacted-thinking.expected.json")).signatures)
            #expect(blocks.last?["type"] == "text")
        }
    }

    @Test func openAIResponsesEncryptedReasoningAndItemIDsGoBack() async throws {
        let p = FixtureProvider.named("openai-responses")
        let plan = ToolDefinition(
            name: "update_plan", parameters: ["type": "object", "properties": ["plan": ["type": "string"]]],
            strict: true)
        let (_, turn2) = try await twoTurns(
            p, first: Fixture.response("openai-responses", "reasoning-tools", ext: "json"),
            second: Fixture.response("openai-responses", "reasoning-tools-turn2", ext: "json"), stream: false,
            prompt: "Compose a poem", result: "plan updated", tools: [plan], reasoning: .effort(.low))
        let recorded = try #require(
            Fixture.json("openai-responses/reasoning-tools-turn2.request.json")["input"]?.arrayValue)
        let input = try #require(turn2.json?["input"]?.arrayValue)
        #expect(input.count == 4)
        let reasoning = input[1]
        #expect(reasoning["type"] == "reasoning")
        #expect(reasoning["id"] == recorded[1]["id"])
        #expect(reasoning["encrypted_content"] == recorded[1]["encrypted_content"])
        let call = input[2]
        for key in ["type", "call_id", "id", "name", "arguments"] { #expect(call[key] == recorded[2][key], "\(key)") }
        for key in ["type", "call_id", "output"] { #expect(input[3][key] == recorded[3][key], "\(key)") }
        #expect(turn2.json?["store"] == false)
        #expect(turn2.json?["include"] == ["reasoning.encrypted_content"])
    }

    @Test func geminiThoughtSignatureStaysOnItsFunctionCall() async throws {
        let p = FixtureProvider(folder: "gemini", provider: "gemini", model: "gemini-3-flash-preview")
        let (r1, turn2) = try await twoTurns(
            p, first: Fixture.response("gemini", "thought-signature-tools", ext: "json"),
            second: Fixture.response("gemini", "thought-signature-tools-turn2", ext: "json"), stream: false,
            prompt: "What is the largest city in the user country?", result: "Mexico", tools: [Self.countryTool])
        let contents = try #require(turn2.json?["contents"]?.arrayValue)
        let model = contents[1]
        #expect(model["role"] == "model")
        let part = try #require(model["parts"]?.arrayValue?.first)
        #expect(part["functionCall"]?["name"] == "get_user_country")
        #expect(part["functionCall"]?["id"] == "w71i0cbt")
        // Echoed exactly as Gemini sent it in turn 1.
        #expect(part["thoughtSignature"] == .string(r1.toolCalls[0].signature ?? "<none>"))
        let response = contents[2]["parts"]?.arrayValue?.first?["functionResponse"]
        #expect(response?["name"] == "get_user_country")
        #expect(response?["id"] == "w71i0cbt")
    }

    @Test func geminiStreamedSignatureOnTextGoesBackOnThatText() async throws {
        let p = FixtureProvider.named("gemini")
        try await LoopbackServer.with([
            Fixture.response("gemini", "thinking-stream", ext: "sse", delivery: .randomSplits(seed: 3)),
            Fixture.response("gemini", "text", ext: "json"),
        ]) { server in
            let llm = p.client(server)
            var request = p.request([.user("How do I cross the street?")], reasoning: .budget(tokens: 1024))
            let r1 = try await llm.stream(request).collect()
            request.messages += [r1.message, .user("thanks")]
            _ = try await llm.complete(request)
            let parts = try #require(server.requests[1].json?["contents"]?.arrayValue?[1]["parts"]?.arrayValue)
            let signed = parts.filter { $0["thoughtSignature"] != nil }
            #expect(signed.count == 1)
            #expect(
                signed.first?["thoughtSignature"]
                    == .string(Expected(Fixture.json("gemini/thinking-stream.expected.json")).signatures[0]))
            #expect(signed.first?["text"] != nil)
            #expect(signed.first?["thought"] == nil)
            let thoughts = parts.filter { $0["thought"] == true }
            #expect(thoughts.count == 1)
        }
    }

    @Test func deepSeekReasoningContentGoesBackWithTools() async throws {
        let p = FixtureProvider.named("deepseek")
        let dice = ToolDefinition(name: "roll_dice", parameters: ["type": "object", "properties": [:]])
        try await LoopbackServer.with([
            Fixture.response("deepseek", "tools-v4-thinking", ext: "json"),
            Fixture.response("deepseek", "reasoner", ext: "json"),
        ]) { server in
            let llm = p.client(server)
            var request = p.request([.user("roll")])
            request.tools = [dice]
            let r1 = try await llm.complete(request)
            let calls = r1.toolCalls
            #expect(!calls.isEmpty)
            request.messages.append(r1.message)
            for c in calls { request.messages.append(.tool(callID: c.id, "4")) }
            _ = try await llm.complete(request)
            let messages = try #require(server.requests[1].json?["messages"]?.arrayValue)
            let assistant = messages[1]
            #expect(assistant["role"] == "assistant")
            #expect(assistant["reasoning_content"] == .string(r1.reasoning ?? ""))
            #expect(assistant["tool_calls"]?.arrayValue?.count == calls.count)
            #expect(messages.last?["role"] == "tool")
        }
    }

    @Test func historyMovedToAnotherProviderDropsForeignReasoningWithWarning() async throws {
        let anthropic = FixtureProvider.named("anthropic")
        let openai = FixtureProvider.named("openai-chat")
        let r1 = try await LoopbackServer.with([Fixture.response("anthropic", "thinking-tools", ext: "json")]) {
            server in
            try await anthropic.client(server).complete(anthropic.request([.user("q")]))
        }
        try await LoopbackServer.with([Fixture.response("openai-chat", "text", ext: "json")]) { server in
            let call = r1.toolCalls[0]
            let request = openai.request([.user("q"), r1.message, .tool(callID: call.id, "Mexico")])
            let r2 = try await openai.client(server).complete(request)
            #expect(r2.warnings.contains { $0.code == "reasoning_dropped" })
            let body = try #require(server.requests[0].json)
            let assistant = try #require(body["messages"]?.arrayValue?[1])
            #expect(assistant["reasoning_content"] == nil)
            #expect(assistant["tool_calls"]?.arrayValue?.first?["id"] == .string(call.id))
            #expect(
                !JSONWriter.string(body).contains(
                    r1.message.parts.compactMap {
                        if case .reasoning(let r) = $0 { r.signature } else { nil }
                    }.first ?? "<none>"))
        }
    }
}

import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// What the generic replay cannot express for the OpenAI-compatible table: errors inside
/// 200 streams, citations, and reasoning handed back in each provider's own shape.
@Suite("OpenAI-compatible providers, recorded traffic")
struct CompatibleReplayTests {
    func streamError(_ folder: String, _ name: String, seed: UInt64) async throws -> LLMError? {
        let p = FixtureProvider.named(folder)
        return try await LoopbackServer.with([
            Fixture.response(folder, name, ext: "sse", delivery: .randomSplits(seed: seed))
        ]) { server in
            await llmError { _ = try await p.client(server).stream(p.request()).collect() }
        }
    }

    @Test("Groq `event: error` inside a 200 stream is a typed error", arguments: [1, 2, 3] as [UInt64])
    func groqStreamError(seed: UInt64) async throws {
        let e = try #require(try await streamError("groq", "error-in-stream-error-tool-use-failed", seed: seed))
        #expect(e.kind == .invalidRequest, "seed \(seed)")
        #expect(e.providerCode == "tool_use_failed")
        #expect(e.message.hasPrefix("groq reported an error mid-stream: "))
        #expect(!e.kind.isRetryable)
    }

    @Test("OpenRouter error object after finish_reason is a typed error", arguments: [1, 2, 3] as [UInt64])
    func openRouterStreamError(seed: UInt64) async throws {
        let e = try #require(try await streamError("openrouter", "error-in-stream-error", seed: seed))
        #expect(e.kind == .invalidRequest, "seed \(seed)")
        #expect(e.message.contains("Token limit reached"))
    }

    @Test("Perplexity citations are surfaced in order, stream and non-stream")
    func perplexityCitations() async throws {
        let p = FixtureProvider.named("perplexity")
        let want = Fixture.json("perplexity/citations.json")["citations"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(want.count == 7)
        try await LoopbackServer.with([Fixture.response("perplexity", "citations", ext: "json")]) { server in
            let r = try await p.client(server).complete(p.request())
            #expect(r.citations.map(\.url) == want)
            #expect(server.requests.first?.uri == "/chat/completions")
        }
        let streamed = Fixture.bytes("perplexity/citations-stream.sse")
        let lastCitations = String(decoding: streamed, as: UTF8.self).components(separatedBy: "\n")
            .filter { $0.hasPrefix("data: {") }.compactMap { try? JSONValue(parsing: Array($0.dropFirst(6).utf8)) }
            .compactMap { $0["citations"]?.arrayValue?.compactMap(\.stringValue) }.last
        try await LoopbackServer.with([
            Fixture.response("perplexity", "citations-stream", ext: "sse", delivery: .randomSplits(seed: 3))
        ]) { server in
            let r = try await p.client(server).stream(p.request()).collect()
            #expect(!r.citations.isEmpty)
            #expect(r.citations.map(\.url) == lastCitations)
        }
    }

    @Test("OpenRouter reasoning signature goes back as reasoning_details")
    func openRouterHandBack() async throws {
        let p = FixtureProvider.named("openrouter")
        try await LoopbackServer.with([
            Fixture.response("openrouter", "reasoning-stream", ext: "sse", delivery: .randomSplits(seed: 11)),
            Fixture.response("openrouter", "reasoning", ext: "json"),
        ]) { server in
            let llm = p.client(server)
            var request = p.request([.user("What is 2+2?")], reasoning: .budget(tokens: 1024))
            let r1 = try await llm.stream(request).collect()
            let expected = Expected(Fixture.json("openrouter/reasoning-stream.expected.json"))
            request.messages += [r1.message, .user("And 3+3?")]
            _ = try await llm.complete(request)
            let turn1 = try #require(server.requests.first?.json)
            #expect(turn1["reasoning"] == ["max_tokens": 1024])
            #expect(turn1["stream_options"] == nil)
            let assistant = try #require(server.requests[1].json?["messages"]?.arrayValue?[1])
            let details = try #require(assistant["reasoning_details"]?.arrayValue)
            #expect(details.count == 1)
            #expect(details[0]["type"] == "reasoning.text")
            #expect(details[0]["text"] == .string(expected.reasoning ?? ""))
            #expect(details[0]["signature"] == .string(expected.signatures.first ?? "missing"))
            #expect(assistant["content"] == .string(expected.text))
        }
    }

    @Test("OpenRouter encrypted reasoning goes back as reasoning.encrypted data")
    func openRouterEncrypted() async throws {
        let p = FixtureProvider.named("openrouter")
        try await LoopbackServer.with([
            Fixture.response("openrouter", "reasoning-encrypted-stream", ext: "sse"),
            Fixture.response("openrouter", "reasoning", ext: "json"),
        ]) { server in
            let llm = p.client(server)
            var request = p.request([.user("hi")])
            let r1 = try await llm.stream(request).collect()
            request.messages += [r1.message, .user("again")]
            _ = try await llm.complete(request)
            let expected = Expected(Fixture.json("openrouter/reasoning-encrypted-stream.expected.json"))
            let details = server.requests[1].json?["messages"]?.arrayValue?[1]["reasoning_details"]?.arrayValue ?? []
            let encrypted = details.filter { $0["type"] == "reasoning.encrypted" }
            #expect(encrypted.map { $0["data"]?.stringValue } == expected.signatures.map { Optional($0) })
        }
    }

    @Test("Mistral thinking goes back as content chunks, as the SDK sends it")
    func mistralHandBack() async throws {
        let recorded = Fixture.json("mistral/thinking-replay.request.json")
        let sent = try #require(recorded["messages"]?.arrayValue)
        let chunks = try #require(sent[1]["content"]?.arrayValue)
        let thinking = (chunks[0]["thinking"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined()
        let text = try #require(chunks[1]["text"]?.stringValue)
        let history: [Message] = [
            .user(try #require(sent[0]["content"]?.stringValue)),
            Message(
                role: .assistant,
                parts: [.reasoning(ReasoningPart(text: thinking, provider: "mistral")), .text(text)]),
            .user(try #require(sent[2]["content"]?.stringValue)),
        ]
        let p = FixtureProvider.named("mistral")
        try await LoopbackServer.with([Fixture.response("mistral", "thinking-replay", ext: "json")]) { server in
            let r = try await p.client(server).complete(p.request(history))
            #expect(r.warnings.isEmpty)
            let body = try #require(server.requests.first?.json)
            let assistant = try #require(body["messages"]?.arrayValue?[1])
            #expect(assistant["role"] == "assistant")
            #expect(assistant["content"]?.arrayValue?[0]["type"] == "thinking")
            #expect(assistant["content"]?.arrayValue?[0]["thinking"] == [["type": "text", "text": .string(thinking)]])
            #expect(assistant["content"]?.arrayValue?[1] == chunks[1])
            #expect(body["messages"]?.arrayValue?[2] == sent[2])
        }
    }

    @Test("MISTRAL_REGION=eu selects the EU endpoint; an unknown region is a clear error")
    func mistralRegion() throws {
        let request = ChatRequest(model: "mistral/mistral-small-latest", messages: [.user("Bonjour")])
        let eu = try LLMKit(environment: ["MISTRAL_API_KEY": "k", "MISTRAL_REGION": "eu"]).prepare(
            request, stream: false)
        #expect(eu.url == "https://api.eu.mistral.ai/v1/chat/completions")
        let global = try LLMKit(environment: ["MISTRAL_API_KEY": "k"]).prepare(request, stream: false)
        #expect(global.url == "https://api.mistral.ai/v1/chat/completions")
        let code = try LLMKit(
            providers: ["mistral": ProviderSettings(region: "EU")], environment: ["MISTRAL_API_KEY": "k"]
        )
        .prepare(request, stream: false)
        #expect(code.url == "https://api.eu.mistral.ai/v1/chat/completions")
        #expect(throws: LLMError.self) {
            try LLMKit(environment: ["MISTRAL_API_KEY": "k", "MISTRAL_REGION": "mars"]).prepare(request, stream: false)
        }
    }

    @Test("Mistral reasoning off is reasoning_effort none; high is high")
    func mistralEffort() throws {
        let kit = LLMKit(environment: ["MISTRAL_API_KEY": "k"])
        for (config, want) in [(ReasoningConfig.off, "none"), (.effort(.high), "high")] {
            let call = try kit.prepare(
                ChatRequest(model: "mistral/mistral-small-latest", messages: [.user("hi")], reasoning: config),
                stream: false)
            let body = try JSONValue(parsing: call.body)
            #expect(body["reasoning_effort"] == .string(want))
        }
        let recorded = Fixture.json("mistral/reasoning-effort-none.request.json")
        #expect(recorded["reasoning_effort"] == "none")
    }

    @Test("a Vertex AI endpoint (MedGemma from Model Garden): endpoint id in the path, model \"\", OAuth bearer")
    func vertexEndpoint() async throws {
        try await LoopbackServer.with([Fixture.response("local", "text", ext: "json")]) { server in
            let llm = LLMKit(
                providers: ["vertex-endpoint": ProviderSettings(apiKey: "ya29.token", baseURL: server.baseURL)],
                environment: ["GOOGLE_CLOUD_PROJECT": "proj", "GOOGLE_CLOUD_LOCATION": "us-central1"], retry: .none)
            let r = try await llm.complete(
                ChatRequest(model: "vertex-endpoint/1234567890", messages: [.user("What is hypertension?")]))
            #expect(!r.text.isEmpty)
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v1beta1/projects/proj/locations/us-central1/endpoints/1234567890/chat/completions")
            #expect(req.json?["model"] == "")
            #expect(req.header("authorization") == "Bearer ya29.token")
        }
        let shared = try LLMKit(
            environment: [
                "VERTEX_ACCESS_TOKEN": "t", "GOOGLE_CLOUD_PROJECT": "proj", "GOOGLE_CLOUD_LOCATION": "europe-west4",
            ]
        ).prepare(ChatRequest(model: "vertex-endpoint/42", messages: [.user("hi")]), stream: false)
        #expect(
            shared.url
                == "https://europe-west4-aiplatform.googleapis.com/v1beta1/projects/proj/locations/europe-west4/endpoints/42/chat/completions"
        )
    }
}

/// The request side of the recordings of self-hosted and regional OpenAI-compatible servers: the body
/// LLMKit builds for the same call equals the recorded one, member by member (order aside).
@Suite("OpenAI-compatible providers, recorded requests")
struct CompatibleRequestReplayTests {
    /// Objects with their members sorted by key, recursively, and numbers by value (`0.0` is `0`), so that
    /// two bodies compare regardless of order and spelling. `"stream": false` is dropped: it is the
    /// default, and LLMKit leaves it out where the recording's client wrote it.
    static func sorted(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let members):
            .object(
                members.filter { !($0.key == "stream" && $0.value == .bool(false)) }
                    .map { ($0.key, sorted($0.value)) }.sorted { $0.0 < $1.0 })
        case .array(let items): .array(items.map(sorted))
        case .number(let n): Double(n).map { .number(String($0)) } ?? v
        default: v
        }
    }

    func sent(_ folder: String, _ name: String, ext: String, _ request: ChatRequest, stream: Bool) async throws
        -> JSONValue
    {
        let p = FixtureProvider.named(folder)
        return try await LoopbackServer.with([Fixture.response(folder, name, ext: ext)]) { server in
            let llm = p.client(server)
            if stream { _ = try await llm.stream(request).collect() } else { _ = try await llm.complete(request) }
            return try #require(server.requests.first?.json)
        }
    }

    @Test("Z.ai: the streamed request recorded by req_llm")
    func zaiStream() async throws {
        var request = ChatRequest(
            model: "zai/glm-4.5",
            messages: [
                Message(role: .system, parts: [.text("You are a helpful, creative assistant.")]),
                .user("Say hello in one short, imaginative sentence."),
            ])
        request.maxOutputTokens = 2000
        request.temperature = 0.9
        request.topP = 0.8
        let body = try await sent("zai", "text-stream", ext: "sse", request, stream: true)
        #expect(Self.sorted(body) == Self.sorted(Fixture.json("zai/text-stream.request.json")))
    }

    @Test("Z.ai: the non-streamed request recorded by req_llm (seed through extraBody)")
    func zaiText() async throws {
        var request = ChatRequest(model: "zai/glm-4.5", messages: [.user("Hello world!")])
        request.maxOutputTokens = 2000
        request.temperature = 0
        request.extraBody = [("seed", .int(42))]
        let body = try await sent("zai", "text", ext: "json", request, stream: false)
        #expect(Self.sorted(body) == Self.sorted(Fixture.json("zai/text.request.json")))
    }

    @Test("vLLM: tools as llama-stack sent them")
    func vllmTools() async throws {
        var request = ChatRequest(model: "vllm/Qwen/Qwen3-0.6B", messages: [.user("Call the no args tool")])
        request.maxOutputTokens = 4096
        request.tools = [
            ToolDefinition(
                name: "no_args_tool", description: "Tool with no arguments",
                parameters: ["type": "object", "properties": .object([])])
        ]
        let body = try await sent("vllm", "tools", ext: "json", request, stream: false)
        #expect(Self.sorted(body) == Self.sorted(Fixture.json("vllm/tools.request.json")))
    }

    @Test("Ollama: a plain request as llama-stack sent it")
    func ollamaText() async throws {
        let request = ChatRequest(model: "ollama/llama3.2:3b-instruct-fp16", messages: [.user("Hello, world!")])
        let body = try await sent("ollama", "text", ext: "json", request, stream: false)
        #expect(Self.sorted(body) == Self.sorted(Fixture.json("ollama/text.request.json")))
    }
}

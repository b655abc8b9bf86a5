import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

@testable import LLMKit

@Suite("OpenAI-compatible providers as data")
struct CompatibleTests {
    /// Feeds `pieces` through a splitter and returns (reasoning, text).
    func split(_ pieces: [String]) -> (String, String) {
        var s = ThinkTagSplitter()
        var reasoning = ""
        var text = ""
        for p in pieces {
            s.feed(p) { isReasoning, t in if isReasoning { reasoning += t } else { text += t } }
        }
        s.finish { isReasoning, t in if isReasoning { reasoning += t } else { text += t } }
        return (reasoning, text)
    }

    @Test("<think> tags split into reasoning and text, whatever the chunking")
    func thinkTags() {
        let whole = "<think>\nThe user greets.\n</think>\n\nHello! <think> stays text."
        #expect(split([whole]) == ("\nThe user greets.\n", "Hello! <think> stays text."))
        var rng = SplitMix64(seed: 7)
        for _ in 0..<50 {
            var pieces: [String] = []
            var rest = Substring(whole)
            while !rest.isEmpty {
                let n = min(rest.count, Int(rng.next() % 7) + 1)
                pieces.append(String(rest.prefix(n)))
                rest = rest.dropFirst(n)
            }
            #expect(split(pieces) == ("\nThe user greets.\n", "Hello! <think> stays text."), "\(pieces)")
        }
        #expect(split(["Plain answer"]) == ("", "Plain answer"))
        #expect(split(["  <thi", "nk>unfinished"]) == ("unfinished", ""))
        #expect(split(["<thi"]) == ("", "<thi"))
        #expect(split(["a < b"]) == ("", "a < b"))
        // MedGemma 27B thinking mode (Google's notebook strips `<unused94>thought\n` and splits on `<unused95>`).
        #expect(
            split(["<unused94>thou", "ght\nCheck BP.", "<unus", "ed95>Hypertension is…"]) == (
                "Check BP.", "Hypertension is…"
            ))
    }

    @Test("a provider added in one line is called at its base URL with its key")
    func runtimeProvider() async throws {
        let body = Fixture.bytes("local/text.json")
        try await LoopbackServer.with([CannedResponse(headers: [("content-type", "application/json")], body: body)]) {
            server in
            let llm = LLMKit(
                additionalProviders: [
                    .openAICompatible(id: "acme", baseURL: server.baseURL + "/api/v1", keyVariable: "ACME_API_KEY")
                ],
                environment: ["ACME_API_KEY": "acme-key-123"], retry: .none)
            let r = try await llm.complete(ChatRequest(model: "acme/some-model", messages: [.user("hi")]))
            #expect(r.provider == "acme")
            #expect(!r.text.isEmpty)
            let req = try #require(server.requests.first)
            #expect(req.uri == "/api/v1/chat/completions")
            #expect(req.header("authorization") == "Bearer acme-key-123")
            #expect(req.json?["model"] == "some-model")
        }
        let e = await llmError {
            _ = try await LLMKit(
                additionalProviders: [
                    .openAICompatible(id: "acme", baseURL: "http://127.0.0.1:9", keyVariable: "ACME_API_KEY")
                ], environment: [:]
            ).complete(ChatRequest(model: "acme/m", messages: [.user("hi")]))
        }
        #expect(e?.kind == .notConfigured)
        #expect(e?.message.contains("ACME_API_KEY") == true)
    }

    @Test("an unknown provider names the one-line fix")
    func unknownProvider() async {
        let e = await llmError {
            _ = try await LLMKit(environment: [:]).complete(ChatRequest(model: "nope/m", messages: [.user("hi")]))
        }
        #expect(e?.kind == .notConfigured)
        #expect(e?.message.contains("openAICompatible(id:baseURL:keyVariable:)") == true)
    }

    func body(_ quirks: CompatibleQuirks, _ r: ChatRequest) throws -> (JSONValue, [Warning]) {
        let d = OpenAIChatDialect(quirks: quirks)
        let ctx = CallContext(provider: "p", family: "p", model: "m", warnings: [])
        let w = try d.makeRequest(r, context: ctx, stream: false)
        return (w.body, w.warnings)
    }

    @Test("reasoning controls and unsupported parameters shape the request")
    func requestShapes() throws {
        var r = ChatRequest(model: "p/m", messages: [.user("hi")], reasoning: .budget(tokens: 2048))
        r.temperature = 0.5
        r.stop = ["END"]
        var (b, w) = try body(CompatibleQuirks(reasoningControl: .openRouter), r)
        #expect(b["reasoning"] == ["max_tokens": 2048])
        (b, _) = try body(
            CompatibleQuirks(reasoningControl: .openRouter),
            {
                var x = r; x.reasoning = .off; return x
            }())
        #expect(b["reasoning"] == ["enabled": false])
        (b, w) = try body(CompatibleQuirks(reasoningControl: .enableThinking), r)
        #expect(b["enable_thinking"] == true)
        #expect(b["thinking_budget"] == 2048)
        #expect(w.isEmpty)
        (b, w) = try body(CompatibleQuirks(reasoningControl: .thinkingType), r)
        #expect(b["thinking"] == ["type": "enabled"])
        #expect(w.map(\.code) == ["reasoning_approximated"])
        (b, w) = try body(CompatibleQuirks(unsupportedParameters: ["stop", "temperature"]), r)
        #expect(b["stop"] == nil)
        #expect(b["temperature"] == nil)
        #expect(w.filter { $0.code == "parameter_dropped" }.count == 2)
        (b, w) = try body(CompatibleQuirks(reasoningControl: .none), r)
        #expect(b["reasoning_effort"] == nil)
        #expect(w.map(\.code) == ["parameter_dropped"])
    }
}

@_spi(LLMKitInternal) import LLMKitCore
import Testing

@Suite("JSON reader and writer")
struct JSONTests {
    @Test func parsesAllValueKinds() throws {
        let v = try JSONValue(parsing: #" { "a" : [1, -2.5e3, true, false, null, "x"], "b": {"c": {}}, "d": [] } "#)
        #expect(v["a"] == [1, .number("-2.5e3"), true, false, nil, "x"])
        #expect(v["a"]?.arrayValue?[1].doubleValue == -2500)
        #expect(v["b"] == ["c": [:]])
        #expect(v["d"] == [])
    }

    @Test func escapesAndSurrogatePairs() throws {
        let v = try JSONValue(parsing: #"["\"\\\/\b\f\n\r\t", "\u00e9\u4e2d", "\ud83d\ude0a", "plain é"]"#)
        #expect(v == ["\"\\/\u{8}\u{c}\n\r\t", "é中", "😊", "plain é"])
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "[1 2]", "tru", "nul", "01", "1.", "-", "1e", "\"abc",
        "\"a\u{01}b\"", "{\"a\":1}x", "[\"\\x\"]", "[\"\\ud83d\"]", "{1:2}",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test func invalidUTF8InAStringIsAnError() {
        let bytes: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: bytes) }
    }

    @Test func deepNestingIsRejectedNotACrash() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
    }

    @Test func tapeNavigationAndReuse() throws {
        var tape = JSONTape()
        try tape.parse(Array(#"{"choices":[{"delta":{"content":"hi"},"index":0}],"usage":null,"n":12345678901}"#.utf8))
        let choices = try #require(tape.member(tape.root, "choices"))
        let first = try #require(tape.firstElement(choices))
        let delta = try #require(tape.member(first, "delta"))
        #expect(tape.member(delta, "content").flatMap(tape.string) == "hi")
        #expect(tape.member(tape.root, "usage").map(tape.isNull) == true)
        #expect(tape.member(tape.root, "n").flatMap(tape.int) == 12_345_678_901)
        #expect(tape.member(tape.root, "missing") == nil)
        #expect(tape.rawText(choices) == #"[{"delta":{"content":"hi"},"index":0}]"#)
        // The same tape, reused for a second document.
        try tape.parse(Array(#"{"type":"ping"}"#.utf8))
        #expect(tape.member(tape.root, "type").map { tape.stringEquals($0, "ping") } == true)
        #expect(tape.member(tape.root, "choices") == nil)
    }

    /// The stream path copies each event into bytes kept at the largest size seen: a shorter
    /// document after a longer one must see only its own bytes.
    @Test func rawBufferReuseSeesOnlyTheCurrentDocument() throws {
        var tape = JSONTape()
        func parse(_ text: String) throws(JSONParseError) {
            let bytes = Array(text.utf8)
            try bytes.withUnsafeBytes { raw in Result { () throws(JSONParseError) in try tape.parse(raw) } }.get()
        }
        try parse(#"{"choices":[{"delta":{"content":"a longer first document"}}],"id":"chatcmpl-1"}"#)
        #expect(tape.byteCount == 79)
        try parse(#"{"id":"x"}"#)
        #expect(tape.byteCount == 10)
        #expect(tape.member(tape.root, "id").flatMap(tape.string) == "x")
        #expect(tape.rawText(tape.root) == #"{"id":"x"}"#)
        // Cut short: the previous document's bytes beyond the end must not complete it.
        #expect(throws: JSONParseError.self) { try parse(#"{"choices":[{"delta""#) }
        try parse("1")
        #expect(tape.int(tape.root) == 1)
        // Larger than any before: the storage grows.
        let big = "[" + Array(repeating: "\"abcdefgh\"", count: 500).joined(separator: ",") + "]"
        try parse(big)
        #expect(tape.count(tape.root) == 500)
    }

    @Test func escapedKeysStillMatch() throws {
        var tape = JSONTape()
        try tape.parse(Array(#"{"t\u0065xt":"ok"}"#.utf8))
        #expect(tape.member(tape.root, "text").flatMap(tape.string) == "ok")
    }

    @Test func writerRoundTripsRandomValues() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let v = Self.random(depth: 0, &rng)
            let text = JSONWriter.string(v)
            #expect(try JSONValue(parsing: text) == v, "\(text)")
        }
    }

    @Test func mutatedInputNeverCrashes() {
        let seed = Array(#"{"a":[1,2,{"b":"c\u00e9\n"}],"d":-1.5e-3,"e":null}"#.utf8)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: i)
                default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: i)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            _ = try? JSONValue(parsing: bytes)
        }
    }

    static func random(depth: Int, _ rng: inout SystemRandomNumberGenerator) -> JSONValue {
        let pick = depth > 3 ? Int.random(in: 0..<4, using: &rng) : Int.random(in: 0..<6, using: &rng)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(Int.random(in: -1_000_000...1_000_000, using: &rng))
        case 3:
            let scalars: [Character] = ["a", "é", "中", "😊", "\"", "\\", "\n", "\u{01}", " ", "/"]
            return .string(
                String((0..<Int.random(in: 0..<8, using: &rng)).map { _ in scalars.randomElement(using: &rng)! }))
        case 4: return .array((0..<Int.random(in: 0..<4, using: &rng)).map { _ in random(depth: depth + 1, &rng) })
        default:
            return .object(
                (0..<Int.random(in: 0..<4, using: &rng)).map { k in ("k\(k)", random(depth: depth + 1, &rng)) })
        }
    }
}

@Suite("Core types")
struct CoreTypeTests {
    @Test func base64() {
        #expect(Base64.encode([UInt8]("hello".utf8)) == "aGVsbG8=")
        #expect(Base64.encode([0xFB, 0xFF], urlSafe: true, padding: false) == "-_8")
        #expect(Base64.decode("aGVsbG8=") == [UInt8]("hello".utf8))
        #expect(Base64.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64.decode("a$b") == nil)
    }

    @Test func modelIDs() throws {
        let id = try ModelID(parsing: "openrouter/meta-llama/llama-3.1-70b")
        #expect(id.provider == "openrouter")
        #expect(id.model == "meta-llama/llama-3.1-70b")
        #expect(throws: LLMError.self) { try ModelID(parsing: "gpt-4o") }
        #expect(throws: LLMError.self) { try ModelID(parsing: "openai/") }
    }

    @Test func reasoningConfigParsing() {
        #expect(ReasoningConfig(parsing: "off") == .off)
        #expect(ReasoningConfig(parsing: "high") == .effort(.high))
        #expect(ReasoningConfig(parsing: "4096") == .budget(tokens: 4096))
        #expect(ReasoningConfig(parsing: "lots") == nil)
    }

    @Test func messageCodableRoundTrip() throws {
        let m = Message(
            role: .assistant,
            parts: [
                .reasoning(ReasoningPart(text: "think", provider: "anthropic", signature: "sig==")),
                .reasoning(ReasoningPart(text: "", provider: "anthropic", signature: "data", redacted: true)),
                .text("answer"),
                .toolCall(ToolCall(id: "c1", name: "f", arguments: ["x": 1], signature: "ts", provider: "google")),
                .image(.data([1, 2, 3], mimeType: "image/png")),
                .file(.url("https://example.com/a.pdf", mimeType: "application/pdf")),
                .toolResult(ToolResult(callID: "c1", name: "f", content: "ok", isError: true)),
            ], cacheControl: .ephemeral)
        let data = try JSONEncoderForTests.encode(m)
        let back = try JSONDecoderForTests.decode(Message.self, from: data)
        #expect(back == m)
        let json = try JSONValue(parsing: data)
        #expect(json["parts"]?.arrayValue?[0]["type"] == "reasoning")
        #expect(json["parts"]?.arrayValue?[4]["data"] == "AQID")
    }

    @Test func unknownPartTypeIsAClearError() {
        let text = #"{"role":"user","parts":[{"type":"video"}]}"#
        #expect(throws: DecodingError.self) { try JSONDecoderForTests.decode(Message.self, from: Array(text.utf8)) }
    }

    @Test func errorDescriptionsAreUseful() {
        let e = LLMError(.rateLimited, "slow down", provider: "openai", statusCode: 429, requestID: "req_1")
        #expect(e.description == "LLMError.rateLimited [openai 429]: slow down (request id req_1)")
        #expect(e.shortDescription == "rateLimited provider=openai status=429")
        #expect(LLMError.redact("sk-abcdefgh1234") == "…1234")
        #expect(e.kind.isRetryable)
        #expect(!LLMError.Kind.invalidRequest.isRetryable)
    }
}

@Suite("Codable forms")
struct CodableFormTests {
    @Test func requestResponseEventsAndErrorsRoundTrip() throws {
        let request = ChatRequest(
            model: "anthropic/claude-sonnet-4-5", messages: [.system("s"), .user("u")],
            tools: [ToolDefinition(name: "f", parameters: ["type": "object"])], toolChoice: .tool("f"),
            reasoning: .budget(tokens: 2048), maxOutputTokens: 10, temperature: 0.5, stop: ["x"],
            outputFormat: .jsonSchema(name: "o", schema: ["type": "object"]), api: .responses, extraBody: [("k", 1)])
        #expect(try JSONDecoderForTests.decode(ChatRequest.self, from: JSONEncoderForTests.encode(request)) == request)

        let response = ChatResponse(
            id: "r1", model: "m", provider: "p", message: .assistant("hi"), finishReason: .other("pause_turn"),
            usage: Usage(
                inputTokens: 3, outputTokens: 4, reasoningTokens: 1, cacheReadTokens: 2, cacheWriteTokens: nil),
            cost: nil, warnings: [Warning(code: "c", message: "m")])
        #expect(
            try JSONDecoderForTests.decode(ChatResponse.self, from: JSONEncoderForTests.encode(response)) == response)

        let events: [StreamEvent] = [
            .textDelta("a"), .reasoningDelta("b"), .toolCallStarted(index: 0, id: "c", name: "f"),
            .toolCallArgumentsDelta(index: 0, delta: "{"),
            .toolCallCompleted(index: 0, call: ToolCall(id: "c", name: "f", arguments: [:])),
            .usage(Usage(inputTokens: 1)), .finished(response),
        ]
        #expect(try JSONDecoderForTests.decode([StreamEvent].self, from: JSONEncoderForTests.encode(events)) == events)

        let error = LLMError(
            .rateLimited, "slow", provider: "openai", statusCode: 429, requestID: "q", providerCode: "c",
            providerType: "t",
            param: "p", retryAfter: .milliseconds(1500), timeoutPhase: nil, body: "{}")
        let back = try JSONDecoderForTests.decode(LLMError.self, from: JSONEncoderForTests.encode(error))
        #expect(back.kind == .rateLimited)
        #expect(back.retryAfter == .milliseconds(1500))
        #expect(back.description == error.description)
        #expect(LLMError.Kind.all.count == 15)
    }
}

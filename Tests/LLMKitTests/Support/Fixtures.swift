import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Fixture files from Tests/LLMKitTests/Fixtures (real recorded provider traffic; see each SOURCE.md).
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func bytes(_ path: String) -> [UInt8] {
        guard let d = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
            Issue.record("missing fixture \(path)")
            return []
        }
        return [UInt8](d)
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path)
    }

    static func json(_ path: String) -> JSONValue {
        (try? JSONValue(parsing: bytes(path))) ?? .null
    }

    /// All cases in `folder` with the given extension that have an `expected.json`.
    static func cases(_ folder: String, ext: String) -> [String] {
        let files =
            (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return files.filter {
            $0.hasSuffix("." + ext) && !$0.hasSuffix(".request.json") && !$0.hasSuffix(".expected.json")
                && !$0.hasSuffix(".headers.json") && !$0.hasPrefix("error")
        }
        .map { String($0.dropLast(ext.count + 1)) }
        .filter { exists("\(folder)/\($0).expected.json") }
        .sorted()
    }

    /// Status and headers recorded with a fixture, if any.
    static func response(_ folder: String, _ name: String, ext: String, delivery: CannedResponse.Delivery = .whole)
        -> CannedResponse
    {
        var status = 200
        var headers: [(String, String)] = [
            ("content-type", ext == "sse" ? "text/event-stream" : "application/json")
        ]
        if exists("\(folder)/\(name).headers.json") {
            let h = json("\(folder)/\(name).headers.json")
            status = h["status"]?.intValue ?? 200
            for (k, v) in h["headers"]?.objectValue ?? [] {
                let key = k.lowercased()
                if ["content-length", "transfer-encoding", "content-encoding", "connection"].contains(key) { continue }
                if let s = v.stringValue { headers.append((key, s)) }
            }
        }
        return CannedResponse(
            status: status, headers: headers, body: bytes("\(folder)/\(name).\(ext)"), delivery: delivery)
    }
}

/// Which provider a fixture folder belongs to.
struct FixtureProvider: Sendable {
    var folder: String
    var provider: String
    var model: String
    var api: APIFlavour?

    static let all: [FixtureProvider] = [
        .init(folder: "openai-chat", provider: "openai", model: "gpt-4o", api: .chatCompletions),
        .init(folder: "openai-responses", provider: "openai", model: "gpt-5", api: .responses),
        .init(folder: "anthropic", provider: "anthropic", model: "claude-sonnet-4-5"),
        .init(folder: "gemini", provider: "gemini", model: "gemini-2.5-flash"),
        .init(folder: "vertex", provider: "vertex", model: "gemini-2.5-flash"),
        .init(folder: "deepseek", provider: "deepseek", model: "deepseek-reasoner"),
        .init(folder: "local", provider: "local", model: "smollm2"),
        .init(folder: "mistral", provider: "mistral", model: "mistral-small-latest"),
        .init(folder: "vertex-anthropic", provider: "vertex-anthropic", model: "claude-haiku-4-5@20251001"),
        .init(folder: "azure", provider: "azure", model: "gpt-4o-mini", api: .chatCompletions),
        .init(folder: "azure-responses", provider: "azure", model: "gpt-4o-mini", api: .responses),
        .init(folder: "xai", provider: "xai", model: "grok-4"),
        .init(folder: "groq", provider: "groq", model: "openai/gpt-oss-20b"),
        .init(folder: "openrouter", provider: "openrouter", model: "anthropic/claude-sonnet-4.5"),
        .init(folder: "perplexity", provider: "perplexity", model: "sonar"),
        .init(folder: "cerebras", provider: "cerebras", model: "gpt-oss-120b"),
        .init(folder: "together", provider: "together", model: "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
        .init(folder: "fireworks", provider: "fireworks", model: "accounts/fireworks/models/deepseek-r1"),
        .init(folder: "cohere", provider: "cohere", model: "command-a-03-2025"),
        .init(folder: "zai", provider: "zai", model: "glm-4.5"),
        .init(folder: "dashscope", provider: "dashscope", model: "qwen3-max"),
        .init(folder: "ollama", provider: "ollama", model: "llama3.2:3b-instruct-fp16"),
        .init(folder: "vllm", provider: "vllm", model: "Qwen/Qwen3-0.6B"),
    ]

    static func named(_ folder: String) -> FixtureProvider { all.first { $0.folder == folder }! }

    /// A client pointed at `server` with fake credentials.
    func client(_ server: LoopbackServer, retry: RetryPolicy = .none, timeouts: Timeouts = .default) -> LLMKit {
        let base: String
        switch provider {
        case "openai", "local", "mistral", "xai", "together", "cerebras", "ollama", "vllm":
            base = server.baseURL + "/v1"
        default: base = server.baseURL
        }
        return LLMKit(
            providers: [provider: ProviderSettings(apiKey: Self.key, baseURL: base)],
            environment: ["GOOGLE_CLOUD_PROJECT": "proj", "GOOGLE_CLOUD_LOCATION": "us-central1"],
            timeouts: timeouts, retry: retry)
    }

    func request(_ messages: [Message] = [.user("hi")], reasoning: ReasoningConfig? = nil) -> ChatRequest {
        ChatRequest(model: "\(provider)/\(model)", messages: messages, reasoning: reasoning, api: api)
    }

    static let key = "sk-test-SECRET-9876"
}

/// The fields of `<case>.expected.json` (computed from the fixture bytes by a script; see SOURCE.md).
struct Expected {
    var text: String
    var reasoning: String?
    var signatures: [String]
    var toolCalls: [(id: String?, name: String, arguments: JSONValue)]
    var finishReason: String
    var usage: JSONValue

    init(_ v: JSONValue) {
        text = v["text"]?.stringValue ?? ""
        reasoning = v["reasoning"]?.stringValue
        signatures = v["reasoningSignatures"]?.arrayValue?.compactMap(\.stringValue) ?? []
        toolCalls = (v["toolCalls"]?.arrayValue ?? []).map {
            ($0["id"]?.stringValue, $0["name"]?.stringValue ?? "", $0["arguments"] ?? .null)
        }
        finishReason = v["finishReason"]?.stringValue ?? ""
        usage = v["usage"] ?? .null
    }

    /// Asserts `r` matches completely.
    func check(_ r: ChatResponse, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.text == text, "text of \(label)", sourceLocation: sourceLocation)
        if label.hasPrefix("openai-responses") {
            // LLMKit separates reasoning summary parts with a blank line; the expected text has none.
            #expect(
                r.reasoning?.replacingOccurrences(of: "\n\n", with: "")
                    == reasoning?.replacingOccurrences(of: "\n\n", with: ""), "reasoning of \(label)",
                sourceLocation: sourceLocation)
        } else {
            #expect(r.reasoning == reasoning, "reasoning of \(label)", sourceLocation: sourceLocation)
        }
        var sigs: [String] = []
        for p in r.message.parts {
            switch p {
            case .reasoning(let rp): if let s = rp.signature { sigs.append(s) }
            case .toolCall(let c): if let s = c.signature { sigs.append(s) }
            default: break
            }
        }
        #expect(sigs == signatures, "signatures of \(label)", sourceLocation: sourceLocation)
        #expect(r.toolCalls.count == toolCalls.count, "tool call count of \(label)", sourceLocation: sourceLocation)
        for (got, want) in zip(r.toolCalls, toolCalls) {
            if let id = want.id { #expect(got.id == id, "tool id of \(label)", sourceLocation: sourceLocation) }
            #expect(got.name == want.name, "tool name of \(label)", sourceLocation: sourceLocation)
            #expect(got.arguments == want.arguments, "tool arguments of \(label)", sourceLocation: sourceLocation)
        }
        #expect(r.finishReason.description == finishReason, "finish reason of \(label)", sourceLocation: sourceLocation)
        let u = r.usage
        #expect(
            u?.inputTokens == usage["inputTokens"]?.intValue, "input tokens of \(label)", sourceLocation: sourceLocation
        )
        #expect(
            u?.outputTokens == usage["outputTokens"]?.intValue, "output tokens of \(label)",
            sourceLocation: sourceLocation)
        #expect(
            u?.reasoningTokens == usage["reasoningTokens"]?.intValue, "reasoning tokens of \(label)",
            sourceLocation: sourceLocation)
        #expect(
            u?.cacheReadTokens == usage["cacheReadTokens"]?.intValue, "cache read of \(label)",
            sourceLocation: sourceLocation)
        #expect(
            u?.cacheWriteTokens == usage["cacheWriteTokens"]?.intValue, "cache write of \(label)",
            sourceLocation: sourceLocation)
    }
}

/// Every (folder, case) pair with an expected result.
enum Cases {
    static let streams: [String] = FixtureProvider.all.flatMap { p in
        Fixture.cases(p.folder, ext: "sse").map { "\(p.folder)/\($0)" }
    }
    static let bodies: [String] = FixtureProvider.all.flatMap { p in
        Fixture.cases(p.folder, ext: "json").map { "\(p.folder)/\($0)" }
    }
}

extension StreamEvent {
    var text: String? { if case .textDelta(let s) = self { s } else { nil } }
    var reasoningText: String? { if case .reasoningDelta(let s) = self { s } else { nil } }
}

/// Runs `body` and returns the `LLMError` it threw (records an issue when it threw nothing or something else).
func llmError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> LLMError? {
    do {
        try await body()
        Issue.record("expected an LLMError", sourceLocation: sourceLocation)
        return nil
    } catch let e as LLMError {
        return e
    } catch {
        Issue.record("expected an LLMError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

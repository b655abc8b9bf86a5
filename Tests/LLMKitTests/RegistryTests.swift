import Foundation
import LLMKit
import LLMKitCore
import Testing

@testable import LLMKit

@Suite("Model and price registry")
struct RegistryTests {
    let reg = ModelRegistry.builtIn

    @Test("the embedded registry is exactly Sources/LLMKit/Registry/models.json (run scripts/gen-registry)")
    func embeddedMatchesFile() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/LLMKit/Registry/models.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.trimmingCharacters(in: .newlines) == ModelsJSON.text)
        #expect(reg.models.count == (try JSONValue(parsing: Array(text.utf8)))["models"]?.arrayValue?.count)
    }

    @Test("every entry is honest: no zero prices, every price has a source and date, ids are provider/model")
    func honesty() {
        #expect(reg.models.count >= 50)
        for m in reg.models {
            #expect(m.id.hasPrefix(m.provider + "/"), "\(m.id)")
            if let p = m.price {
                for v in [p.input, p.output, p.cacheRead, p.cacheWrite, p.cacheWrite1h, p.reasoning] {
                    if let v { #expect(v > 0, "\(m.id)") }
                }
                #expect(p.source?.hasPrefix("https://") == true, "\(m.id) price source")
                #expect(p.asOf?.count == 10, "\(m.id) price date")
            }
        }
        #expect(Set(reg.models.map(\.id)).count == reg.models.count)
    }

    @Test("cost: plain, cached, cache write, reasoning billed as output")
    func cost() throws {
        // claude-sonnet-4-5: $3 in, $15 out, $0.30 cache read, $3.75 cache write (5 min) per million.
        let sonnet = try #require(reg.model("anthropic/claude-sonnet-4-5"))
        let u = Usage(
            inputTokens: 10_000, outputTokens: 2_000, reasoningTokens: 500, cacheReadTokens: 6_000,
            cacheWriteTokens: 1_000)
        let want = (3_000 * 3.0 + 6_000 * 0.3 + 1_000 * 3.75 + 2_000 * 15.0) / 1e6
        #expect(abs((sonnet.price?.cost(of: u) ?? -1) - want) < 1e-12)
        // gpt-4o has no cache-write price: a call that wrote cache has an unknown cost, not a guessed one.
        let gpt4o = try #require(reg.model("openai/gpt-4o"))
        #expect(gpt4o.price?.cost(of: Usage(inputTokens: 10, outputTokens: 1, cacheWriteTokens: 5)) == nil)
        #expect(gpt4o.price?.cost(of: Usage(inputTokens: 1_000_000, outputTokens: 0)) == 2.5)
        // An embedding model: input only.
        #expect(reg.cost(of: Usage(inputTokens: 1_000_000), model: "openai/text-embedding-3-small") == 0.02)
        // Unknown model: nil, never 0.
        #expect(reg.cost(of: Usage(inputTokens: 5, outputTokens: 5), model: "openai/gpt-99-imaginary") == nil)
    }

    @Test("long-context prices apply past the threshold; an unlisted one makes the cost unknown")
    func longContext() throws {
        let pro = try #require(reg.model("gemini/gemini-2.5-pro")?.price)
        let long = try #require(pro.longContext)
        let u = Usage(inputTokens: long.threshold + 1, outputTokens: 100)
        #expect(
            abs((pro.cost(of: u) ?? -1) - (Double(long.threshold + 1) * long.input! + 100 * long.output!) / 1e6) < 1e-12
        )
        if long.cacheRead == nil {
            #expect(pro.cost(of: Usage(inputTokens: long.threshold + 1, outputTokens: 1, cacheReadTokens: 10)) == nil)
        }
    }

    @Test("dated snapshots fall back to their alias")
    func snapshots() {
        #expect(ModelRegistry.stripDate("openai/gpt-4o-2024-08-06") == "openai/gpt-4o")
        #expect(ModelRegistry.stripDate("anthropic/claude-sonnet-4-5-20250929") == "anthropic/claude-sonnet-4-5")
        #expect(ModelRegistry.stripDate("openai/gpt-4o") == "openai/gpt-4o")
        #expect(reg.model("openai/gpt-4o-2024-08-06")?.id == "openai/gpt-4o")
    }

    @Test("a file extends and overrides; 0 prices and bad JSON are clear errors")
    func merging() throws {
        let extra = try ModelRegistry(
            json: Array(
                #"{"models":[{"id":"openai/gpt-4o","provider":"openai","price":{"input":1,"output":2,"source":"https://x","asOf":"2026-11-25"}},{"id":"acme/m1","price":null}]}"#
                    .utf8))
        let merged = reg.merging(extra)
        #expect(merged.models.count == reg.models.count + 1)
        #expect(merged.model("openai/gpt-4o")?.price?.input == 1)
        #expect(merged.model("acme/m1")?.price == nil)
        do {
            _ = try ModelRegistry(json: Array(#"{"models":[{"id":"a/b","price":{"input":0}}]}"#.utf8))
            Issue.record("a zero price was accepted")
        } catch { #expect(error.message.contains("never 0")) }
        do {
            _ = try ModelRegistry(json: Array("{oops".utf8))
            Issue.record("bad JSON was accepted")
        } catch { #expect(error.kind == .invalidRequest) }
    }

    @Test("capabilities steer the request before the call")
    func policy() throws {
        let kit = LLMKit(environment: ["OPENAI_API_KEY": "k"])
        #expect(kit.modelInfo("openai/gpt-4o")?.capabilities.reasoning == false)
        var r = ChatRequest(model: "openai/gpt-4o", messages: [.user("hi")], reasoning: .effort(.high))
        let call = try kit.prepare(r, stream: false)
        #expect(try JSONValue(parsing: call.body)["reasoning_effort"] == nil)
        #expect(call.context.warnings.map(\.code) == ["parameter_dropped"])
        r = ChatRequest(model: "openai/text-embedding-3-small", messages: [.user("hi")])
        r.tools = [ToolDefinition(name: "f", description: nil, parameters: ["type": "object"])]
        #expect(throws: LLMError.self) { try kit.prepare(r, stream: false) }
        // Unknown models pass through untouched.
        let unknown = try kit.prepare(
            ChatRequest(model: "openai/gpt-99-imaginary", messages: [.user("hi")], reasoning: .effort(.high)),
            stream: false)
        #expect(unknown.context.warnings.isEmpty)
    }
}

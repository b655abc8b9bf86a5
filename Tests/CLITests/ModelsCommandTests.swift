import Foundation
import LLMKit
import LLMKitCore
import Testing

@Suite("llmkit providers, models and --version")
struct ModelsCommandTests {
    @Test("--json lists every built-in provider and whether it is configured")
    func modelsJSON() async throws {
        let r = try await CLI.run(
            ["providers", "--json"], environment: CLI.environment(["OPENAI_API_KEY": CLI.secret]))
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(!r.stdout.contains(CLI.secret))
        let list = try #require(try r.json().arrayValue)
        #expect(list.compactMap { $0["id"]?.stringValue } == ProviderInfo.builtIn.map(\.id))
        for item in list {
            #expect(
                item.keys == [
                    "id", "displayName", "defaultBaseURL", "keyVariables", "baseURLVariable", "requiresKey",
                    "configured",
                    "setupHint", "docs", "regions", "wire", "chat", "embeddings", "countTokens", "features",
                ])
        }
        #expect(
            list.first { $0["id"] == "groq" }?["features"] == ["chat", "transcription", "translation"])
        #expect(
            list.first { $0["id"] == "deepgram" }?["features"] == ["transcription", "liveTranscription", "speech"])
        #expect(list.first { $0["id"] == "openai" }?["configured"] == true)
        #expect(list.first { $0["id"] == "anthropic" }?["configured"] == false)
        #expect(list.first { $0["id"] == "gemini" }?["keyVariables"] == ["GEMINI_API_KEY", "GOOGLE_API_KEY"])
    }

    @Test("--provider narrows the list; the text form names the variables")
    func modelsText() async throws {
        let json = try await CLI.run(["providers", "--provider", "anthropic", "--json"])
        #expect(try json.json().arrayValue?.map { $0["id"] } == ["anthropic"])
        let text = try await CLI.run(["providers", "--provider", "anthropic"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("ANTHROPIC_API_KEY"))
        #expect(text.stdout.contains("not configured"))
        #expect(text.stdout.contains("features: chat, countTokens"))
        #expect(!text.stdout.contains("openai"))
    }

    @Test("models --json prints the registry; filters by provider and capability")
    func registryJSON() async throws {
        let all = try await CLI.run(["models", "--json"])
        #expect(all.status == 0, "stderr: \(all.stderr)")
        let list = try #require(try all.json().arrayValue)
        #expect(list.count == ModelRegistry.builtIn.models.count)
        #expect(list.count >= 50)
        for m in list {
            // Unknown is null (absent), never 0.
            for key in ["input", "output", "cacheRead", "cacheWrite"] {
                if let p = m["price"]?[key]?.doubleValue { #expect(p > 0, "\(m["id"] ?? .null) \(key)") }
            }
        }
        let reasoning = try await CLI.run(["models", "--provider", "anthropic", "--capability", "reasoning", "--json"])
        let r = try #require(try reasoning.json().arrayValue)
        #expect(!r.isEmpty)
        #expect(r.allSatisfy { $0["provider"] == "anthropic" && $0["capabilities"]?["reasoning"] == true })
        let text = try await CLI.run(["models", "--provider", "deepseek"])
        #expect(text.stdout.contains("deepseek/deepseek-v4-pro"))
        #expect(!text.stdout.contains("openai/"))
        let bad = try await CLI.run(["models", "--capability", "telepathy"])
        #expect(bad.status == 64)
    }

    @Test("--registry adds and overrides entries; a 0 price is rejected")
    func registryOverride() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "llmkit-reg-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.json")
        try Data(
            #"{"models":[{"id":"acme/brain-1","provider":"acme","kind":"chat","price":{"input":1.5,"output":6,"source":"https://acme.example/pricing","asOf":"2026-11-25"}}]}"#
                .utf8
        ).write(to: good)
        let r = try await CLI.run(["models", "--registry", good.path, "--provider", "acme", "--json"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let m = try #require(try r.json().arrayValue?.first)
        #expect(m["id"] == "acme/brain-1")
        #expect(m["price"]?["output"] == 6)
        let zero = dir.appendingPathComponent("zero.json")
        try Data(#"{"models":[{"id":"acme/free","price":{"input":0,"output":1}}]}"#.utf8).write(to: zero)
        let z = try await CLI.run(["models", "--registry", zero.path])
        #expect(z.status != 0)
        #expect(z.stderr.contains("never 0"))
    }

    @Test("--version prints the library version")
    func version() async throws {
        let r = try await CLI.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == LLMKitVersion.string + "\n")
    }
}

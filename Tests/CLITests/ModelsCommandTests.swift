import Foundation
import LLMKit
import LLMKitCore
import Testing

@Suite("llmkit models and --version")
struct ModelsCommandTests {
    @Test("--json lists every built-in provider and whether it is configured")
    func modelsJSON() async throws {
        let r = try await CLI.run(["models", "--json"], environment: CLI.environment(["OPENAI_API_KEY": CLI.secret]))
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(!r.stdout.contains(CLI.secret))
        let list = try #require(try r.json().arrayValue)
        #expect(list.compactMap { $0["id"]?.stringValue } == ProviderInfo.builtIn.map(\.id))
        for item in list {
            #expect(
                item.keys == [
                    "id", "displayName", "defaultBaseURL", "keyVariables", "baseURLVariable", "requiresKey",
                    "configured",
                    "setupHint",
                ])
        }
        #expect(list.first { $0["id"] == "openai" }?["configured"] == true)
        #expect(list.first { $0["id"] == "anthropic" }?["configured"] == false)
        #expect(list.first { $0["id"] == "gemini" }?["keyVariables"] == ["GEMINI_API_KEY", "GOOGLE_API_KEY"])
    }

    @Test("--provider narrows the list; the text form names the variables")
    func modelsText() async throws {
        let json = try await CLI.run(["models", "--provider", "anthropic", "--json"])
        #expect(try json.json().arrayValue?.map { $0["id"] } == ["anthropic"])
        let text = try await CLI.run(["models", "--provider", "anthropic"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("ANTHROPIC_API_KEY"))
        #expect(text.stdout.contains("not configured"))
        #expect(!text.stdout.contains("openai"))
    }

    @Test("--version prints the library version")
    func version() async throws {
        let r = try await CLI.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == LLMKitVersion.string + "\n")
    }
}

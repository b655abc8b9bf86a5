import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

@Suite("llmkit search")
struct SearchCommandTests {
    @Test("passages from LightOn's API reference example, human and --json; the request carries the scope")
    func search() async throws {
        let answer = try Fixture.response("lighton-search/search-legacy-example.json")
        try await LoopbackServer.with([answer, answer]) { server in
            let env = CLI.environment(["PARADIGM_API_KEY": CLI.secret])
            let human = try await CLI.run(
                [
                    "search", "--base-url", server.baseURL + "/api/v2", "--workspace", "42", "--max-results", "5",
                    "How are JWT tokens signed?",
                ], environment: env)
            #expect(human.status == 0, "stderr: \(human.stderr)")
            #expect(
                human.stdout
                    == "0.950  auth-system.pdf p.3-4  JWT tokens are signed using RS256 and expire after 1 hour.\n")
            #expect(human.stderr.hasPrefix("[1 passages]"))
            let body = try #require(server.requests.first?.json)
            #expect(
                body
                    == .object([
                        ("query", .string("How are JWT tokens signed?")), ("workspace_id", .array([.int(42)])),
                        ("max_results", .int(5)),
                    ]))
            #expect(server.requests.first?.uri == "/api/v3/search")
            #expect(server.requests.first?.header("authorization") == "Bearer \(CLI.secret)")

            let json = try await CLI.run(
                ["search", "--base-url", server.baseURL + "/api/v2", "--json", "q"], environment: env)
            #expect(json.status == 0, "stderr: \(json.stderr)")
            let out = try json.json()
            #expect(out["provider"] == "lighton")
            #expect(out["results"]?.arrayValue?.first?["source"]?["filename"] == "auth-system.pdf")
            #expect(out["results"]?.arrayValue?.first?["scores"]?["retrieval"] == 0.92)
            #expect(!json.stdout.contains(CLI.secret) && !json.stderr.contains(CLI.secret))
        }
    }

    @Test("a bad scope is a JSON error before any request")
    func badScope() async throws {
        let r = try await CLI.run(
            ["search", "--base-url", "http://127.0.0.1:9/api/v2", "--file", "1", "--tag", "2", "q"],
            environment: CLI.environment(["PARADIGM_API_KEY": CLI.secret]))
        #expect(r.status == 1)
        #expect(try JSONValue(parsing: Array(r.stderr.utf8))["error"]?["kind"] == "invalidRequest")
    }
}

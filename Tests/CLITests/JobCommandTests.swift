import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

@Suite("llmkit job")
struct JobCommandTests {
    @Test("--wait --json resumes a job by id and prints its final status")
    func waitJSON() async throws {
        try await LoopbackServer.with([
            try Fixture.response("media/replicate/prediction-get-processing-logs.json"),
            try Fixture.response("media/replicate/prediction-get-succeeded.json"),
        ]) { server in
            let r = try await CLI.run(
                ["job", "replicate:azaq55dbukgxg6kubr4k6g3pby", "--wait", "--json"],
                environment: CLI.environment(["REPLICATE_API_TOKEN": CLI.secret, "REPLICATE_BASE_URL": server.baseURL]))
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let out = try r.json()
            #expect(out["state"] == "succeeded")
            #expect(out["id"] == "replicate:azaq55dbukgxg6kubr4k6g3pby")
            #expect(out["outputs"]?.arrayValue?.count == 1)
            #expect(r.stderr.contains("[running] 18%"))
            #expect(
                server.requests.map(\.uri) == Array(repeating: "/v1/predictions/azaq55dbukgxg6kubr4k6g3pby", count: 2))
            #expect(!r.stdout.contains(CLI.secret) && !r.stderr.contains(CLI.secret))
        }
        let bad = try await CLI.run(["job", "nonsense"])
        #expect(bad.status == 1)
    }
}

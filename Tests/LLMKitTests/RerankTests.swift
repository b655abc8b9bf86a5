import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

@Suite("Rerank")
struct RerankTests {
    @Test(
        "Cohere /v2/rerank: the recorded request, results and search units",
        arguments: ["rerank-v3.5", "rerank-v3.5-2"])
    func cohere(_ name: String) async throws {
        let recorded = Fixture.json("cohere/\(name).request.json")
        let answer = Fixture.json("cohere/\(name).json")
        try await LoopbackServer.with([Fixture.response("cohere", name, ext: "json")]) { server in
            let llm = LLMKit(
                providers: ["cohere": ProviderSettings(apiKey: "k", baseURL: server.baseURL)], environment: [:],
                retry: .none)
            let r = try await llm.rerank(
                RerankRequest(
                    model: "cohere/rerank-v3.5", query: recorded["query"]?.stringValue ?? "",
                    documents: recorded["documents"]?.arrayValue?.compactMap(\.stringValue) ?? [], topN: 3))
            let req = try #require(server.requests.first)
            #expect(req.uri == "/v2/rerank")
            #expect(req.header("authorization") == "Bearer k")
            for key in ["model", "query", "documents", "top_n"] { #expect(req.json?[key] == recorded[key], "\(key)") }
            let want = (answer["results"]?.arrayValue ?? []).map {
                RerankResponse.Result(
                    index: $0["index"]?.intValue ?? -1, relevanceScore: $0["relevance_score"]?.doubleValue ?? -1)
            }
            #expect(r.results == want)
            #expect(r.searchUnits == 1)
        }
    }

    @Test("providers without rerank say so")
    func unsupported() async {
        let e = await llmError {
            _ = try await LLMKit(environment: ["OPENAI_API_KEY": "k"]).rerank(
                RerankRequest(model: "openai/gpt-4o", query: "q", documents: ["d"]))
        }
        #expect(e?.kind == .unsupported)
    }
}

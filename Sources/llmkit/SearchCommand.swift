import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore

/// `llmkit search`: passages from the documents stored at a provider (LightOn Paradigm).
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the documents stored at a provider (LightOn Paradigm) and print ranked passages.",
        discussion: """
            Sends POST /api/v3/search to the instance of PARADIGM_BASE_URL (or --base-url) with \
            PARADIGM_API_KEY. Errors are printed to stderr as JSON with exit code 1.
            """
    )

    @Option(help: "The provider with a document store.")
    var provider = "lighton"

    @Option(name: .customLong("workspace"), help: "Limit to a workspace id (repeatable).")
    var workspaces: [Int] = []

    @Option(name: .customLong("tag"), help: "Limit to a tag id (repeatable).")
    var tags: [Int] = []

    @Option(name: .customLong("file"), help: "Limit to a file id (repeatable; not with --workspace or --tag).")
    var files: [Int] = []

    @Option(help: "1 to 100 (the provider's default is 10).")
    var maxResults: Int?

    @Option(help: "text or vision.")
    var mode: String?

    @Option(help: "none, scoring_only or scoring_and_filtering (the provider's default).")
    var relevanceScoring: String?

    @Option(help: "Override the provider's base URL.")
    var baseURL: String?

    @Flag(help: "Print the whole answer as one JSON object.")
    var json = false

    @Argument(help: "The query.")
    var query: String

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var request = DocumentSearchRequest(provider: provider, query: query, maxResults: maxResults)
        if !workspaces.isEmpty { request.workspaceIDs = workspaces }
        if !tags.isEmpty { request.tagIDs = tags }
        if !files.isEmpty { request.fileIDs = files }
        if let mode {
            guard let m = DocumentSearchRequest.Mode(rawValue: mode) else {
                throw ValidationError("--mode must be text or vision")
            }
            request.mode = m
        }
        if let relevanceScoring {
            guard let s = DocumentSearchRequest.RelevanceScoring(rawValue: relevanceScoring) else {
                throw ValidationError("--relevance-scoring must be none, scoring_only or scoring_and_filtering")
            }
            request.relevanceScoring = s
        }
        var settings: [String: ProviderSettings] = [:]
        if let baseURL { settings[provider] = ProviderSettings(baseURL: baseURL) }
        let llm = LLMKit(providers: settings, environment: environment)
        let answer: DocumentSearchResponse
        do {
            answer = try await llm.searchDocuments(request)
        } catch {
            throw ErrorReporter.report(error, environment: environment)
        }
        do {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                Output.outLine(String(decoding: try encoder.encode(answer), as: UTF8.self))
            } else {
                for p in answer.results {
                    let score = p.score.map { String(format: "%.3f", $0) } ?? "-"
                    var place = p.source.filename
                    if let a = p.source.pageStart {
                        let b = p.source.pageEnd ?? a
                        place += a == b ? " p.\(a)" : " p.\(a)-\(b)"
                    }
                    let text = (p.content ?? "(page image)").replacingOccurrences(of: "\n", with: " ")
                    Output.outLine("\(score)  \(place)  \(text.prefix(200))")
                }
                Output.errLine("[\(answer.results.count) passages]")
                for w in answer.warnings { Output.errLine("[warning] \(w)") }
            }
        }
    }
}

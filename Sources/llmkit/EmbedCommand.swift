import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore
import LLMKitGoogleAuth

/// `llmkit embed`: vectors for texts given as arguments, or one per line on stdin.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts and print their vectors.",
        discussion: """
            Texts come from the arguments, or one per line from stdin when there are none. \
            Large inputs are split into batches of the provider's limit. Errors are printed to \
            stderr as JSON with exit code 1.
            """
    )

    @Option(help: ArgumentHelp("The embedding model, e.g. openai/text-embedding-3-small.", valueName: "provider/model"))
    var model: String

    @Option(help: "Shorten vectors to this many dimensions (models that support it).")
    var dimensions: Int?

    @Option(help: "query or document, for providers that embed them differently.")
    var inputType: EmbeddingInputType?

    @Option(help: "Override the provider's base URL.")
    var baseURL: String?

    @Flag(help: "Print one JSON object: model, provider, embeddings, usage, cost, warnings.")
    var json = false

    @Argument(help: "Texts to embed.")
    var texts: [String] = []

    func run() async throws {
        var inputs = texts
        if inputs.isEmpty {
            while let line = readLine() { if !line.isEmpty { inputs.append(line) } }
        }
        guard !inputs.isEmpty else { throw ValidationError("nothing to embed: give TEXT arguments or lines on stdin") }
        let environment = ProcessInfo.processInfo.environment
        do {
            let id = try ModelID(parsing: model)
            var settings: [String: ProviderSettings] = [:]
            if let baseURL { settings[id.provider] = ProviderSettings(baseURL: baseURL) }
            let llm = LLMKit(
                providers: settings, registry: try ModelsCommand.load(nil), environment: environment,
                serviceAccountSigner: RS256Signer())
            let r = try await llm.embed(
                EmbeddingRequest(model: model, inputs: inputs, dimensions: dimensions, inputType: inputType))
            if json {
                let object: JSONValue = .object(
                    [
                        ("model", .string(r.model)), ("provider", .string(r.provider)),
                        ("embeddings", .array(r.embeddings.map { .array($0.map { .double(Double($0)) }) })),
                        ("usage", .object(OutputJSON.usageFields(r.usage))),
                        ("cost", r.cost.map(JSONValue.double) ?? .null),
                        (
                            "warnings",
                            .array(r.warnings.map { ["code": .string($0.code), "message": .string($0.message)] })
                        ),
                    ])
                Output.outLine(JSONWriter.string(object))
            } else {
                for (text, v) in zip(inputs, r.embeddings) {
                    let head = v.prefix(4).map { String(format: "%.5f", $0) }.joined(separator: ", ")
                    Output.outLine("\(v.count) dims  [\(head)\(v.count > 4 ? ", ..." : "")]  \(text.prefix(60))")
                }
                var line = "[usage] in=\(r.usage.map { String($0.inputTokens) } ?? "?")"
                if let cost = r.cost { line += " cost=$\(cost)" }
                Output.errLine(line)
                for w in r.warnings { Output.errLine("[warning] \(w.message)") }
            }
        } catch {
            throw ErrorReporter.report(error, environment: environment)
        }
    }
}

extension EmbeddingInputType: ExpressibleByArgument {}

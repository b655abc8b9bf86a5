import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore

/// `llmkit voices [--provider elevenlabs] [--json]`: the voices `llmkit speak --voice` accepts.
struct VoicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voices",
        abstract: "List the voices of a text-to-speech provider.",
        discussion: """
            elevenlabs asks GET /v1/voices (ELEVENLABS_API_KEY); openai prints the built-in voices of its API \
            reference without a request. Errors are printed to stderr as JSON with exit code 1.
            """
    )

    @Option(help: "The provider: elevenlabs or openai.") var provider: String = "elevenlabs"
    @Option(help: "Override the provider's base URL.") var baseURL: String?
    @Flag(help: "Print the voices as JSON (id, name, category, description, labels, previewURL).") var json = false
    @Flag(help: "List the provider's speech models instead of its voices (elevenlabs: GET /v1/models).")
    var models = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        do {
            var settings: [String: ProviderSettings] = [:]
            if let baseURL { settings[provider] = ProviderSettings(baseURL: baseURL) }
            if models {
                let list = try await LLMKit(providers: settings, environment: environment).speechModels(
                    provider: provider)
                if json {
                    Output.outLine(String(decoding: try JSONEncoder.sorted.encode(list), as: UTF8.self))
                    return
                }
                for m in list {
                    var line = "\(m.id)  \(m.name)"
                    var can: [String] = []
                    if m.textToSpeech { can.append("text to speech") }
                    if m.voiceConversion { can.append("voice conversion") }
                    if !can.isEmpty { line += "  (" + can.joined(separator: ", ") + ")" }
                    if !m.languages.isEmpty { line += "  " + m.languages.map(\.id).joined(separator: ",") }
                    if let n = m.maxCharacters { line += "  max \(n) chars" }
                    Output.outLine(line)
                }
                return
            }
            let voices = try await LLMKit(providers: settings, environment: environment).voices(provider: provider)
            if json {
                let data = try JSONEncoder.sorted.encode(voices)
                Output.outLine(String(decoding: data, as: UTF8.self))
                return
            }
            for v in voices {
                var line = "\(v.id)  \(v.name)"
                if let c = v.category { line += "  (\(c))" }
                let labels = v.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                if !labels.isEmpty { line += "  " + labels.joined(separator: " ") }
                Output.outLine(line)
            }
        } catch let e as LLMError {
            throw ErrorReporter.report(e, environment: environment)
        }
    }
}

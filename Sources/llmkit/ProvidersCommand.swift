import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore
import LLMKitGoogleAuth

/// `llmkit providers`: the built-in providers and whether each is configured.
struct ProvidersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "List the built-in providers and whether the environment configures them."
    )

    @Option(help: "Only this provider (e.g. openai).")
    var provider: String?

    @Flag(help: "Print a JSON array of objects.")
    var json = false

    func validate() throws {
        if let provider, ProviderInfo.named(provider) == nil {
            let known = ProviderInfo.builtIn.map(\.id).joined(separator: ", ")
            throw ValidationError("unknown provider '\(provider)'; known providers: \(known)")
        }
    }

    func run() async throws {
        let kit = LLMKit(environment: ProcessInfo.processInfo.environment, serviceAccountSigner: RS256Signer())
        let providers = ProviderInfo.builtIn.filter { provider == nil || $0.id == provider }
        let rows = providers.map { info in (info, Self.isConfigured(info, kit: kit)) }
        if json {
            Output.outLine(JSONWriter.string(.array(rows.map { Self.object($0.0, configured: $0.1) })))
            return
        }
        for (info, configured) in rows {
            Output.outLine("\(info.id)  \(info.displayName)  [\(configured ? "configured" : "not configured")]")
            Output.outLine("  base URL: \(info.defaultBaseURL)  (override with \(info.baseURLVariable))")
            let keys = info.keyVariables.joined(separator: " or ")
            Output.outLine("  key:      \(keys)\(info.requiresKey ? "" : "  (optional)")")
            let features = ProviderFeature.allCases.filter { info.features.contains($0) }.map(\.rawValue)
            Output.outLine("  features: \(features.joined(separator: ", "))")
            if !configured { Output.outLine("  setup:    \(info.setupHint)") }
        }
    }

    /// Whether a call to `info` would find what it needs in the environment.
    private static func isConfigured(_ info: ProviderInfo, kit: LLMKit) -> Bool {
        (try? kit.endpoint(info.id)) != nil
    }

    /// The `--json` form of one provider.
    private static func object(_ info: ProviderInfo, configured: Bool) -> JSONValue {
        [
            "id": .string(info.id),
            "displayName": .string(info.displayName),
            "defaultBaseURL": .string(info.defaultBaseURL),
            "keyVariables": .array(info.keyVariables.map(JSONValue.string)),
            "baseURLVariable": .string(info.baseURLVariable),
            "requiresKey": .bool(info.requiresKey),
            "configured": .bool(configured),
            "setupHint": .string(info.setupHint),
            "docs": info.docs.map(JSONValue.string) ?? .null,
            "regions": .object(info.regions.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }),
            "wire": .string(Self.wireName(info.wire)),
            "chat": .bool(info.offersChat),
            "embeddings": .bool(LLMKit.offersEmbeddings(info)),
            "countTokens": .bool(LLMKit.offersTokenCounting(info)),
            "features": .array(
                ProviderFeature.allCases.filter { info.features.contains($0) }.map { .string($0.rawValue) }),
        ]
    }

    static func wireName(_ w: ProviderInfo.Wire) -> String {
        switch w {
        case .openAI: "openai"
        case .anthropic: "anthropic"
        case .gemini: "gemini"
        case .vertex: "vertex"
        case .openAICompatible: "openai-compatible"
        case .azure: "azure"
        case .cohere: "cohere"
        case .bedrock: "bedrock"
        case .vertexAnthropic: "vertex-anthropic"
        case .vertexEndpoint: "vertex-endpoint"
        case .replicate: "replicate"
        case .fal: "fal"
        case .runware: "runware"
        case .luma: "luma"
        case .deepgram: "deepgram"
        case .elevenlabs: "elevenlabs"
        case .assemblyAI: "assemblyai"
        case .stability: "stability"
        }
    }
}

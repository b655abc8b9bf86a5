import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore

/// `llmkit models`: the model registry (limits, capabilities, prices with their sources).
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models LLMKit knows: context, capabilities and prices per million tokens.",
        discussion: """
            Prices are US dollars per million tokens, each checked against the source it lists; \
            '-' means unknown (LLMKit never guesses a price). Extend or override the registry with \
            --registry FILE or LLMKIT_MODELS_FILE (same shape as Sources/LLMKit/Registry/models.json).
            """
    )

    @Option(help: "Only this provider (e.g. anthropic).")
    var provider: String?

    @Option(help: "Only models with this capability: tools, jsonSchema, vision, reasoning, caching.")
    var capability: String?

    @Option(help: "A JSON file that extends or overrides the built-in registry.")
    var registry: String?

    @Flag(help: "Print a JSON array of model objects.")
    var json = false

    static let capabilities = ["tools", "jsonSchema", "vision", "reasoning", "caching"]

    func validate() throws {
        if let provider, ProviderInfo.named(provider) == nil, registry == nil {
            let known = ProviderInfo.builtIn.map(\.id).joined(separator: ", ")
            throw ValidationError("unknown provider '\(provider)'; known providers: \(known)")
        }
        if let capability, !Self.capabilities.contains(capability) {
            throw ValidationError(
                "unknown capability '\(capability)'; one of: \(Self.capabilities.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let reg = try Self.load(registry)
        let models = reg.models.filter { m in
            (provider == nil || m.provider == provider) && (capability.map { Self.has(m, $0) } ?? true)
        }
        if json {
            let data = try JSONEncoder.sorted.encode(models)
            Output.outLine(String(decoding: data, as: UTF8.self))
            return
        }
        if models.isEmpty {
            Output.outLine("no models match" + (provider.map { " (provider \($0))" } ?? ""))
            return
        }
        func money(_ d: Double?) -> String { d.map { "$" + String(format: "%g", $0) } ?? "-" }
        func tokens(_ n: Int?) -> String {
            guard let n else { return "-" }
            return n >= 1000 ? "\(n / 1000)k" : "\(n)"
        }
        for m in models {
            let caps = Self.capabilities.filter { Self.has(m, $0) }.joined(separator: ",")
            var line = "\(m.id)  context \(tokens(m.contextWindow))  out \(tokens(m.maxOutput))"
            line += "  in \(money(m.price?.input))  out \(money(m.price?.output))"
            line += "  cached \(money(m.price?.cacheRead))"
            if !caps.isEmpty { line += "  [\(caps)]" }
            if let d = m.deprecated { line += "  shuts down \(d)" }
            Output.outLine(line)
        }
    }

    static func has(_ m: ModelInfo, _ capability: String) -> Bool {
        switch capability {
        case "tools": m.capabilities.tools == true
        case "jsonSchema": m.capabilities.jsonSchema == true
        case "vision": m.capabilities.vision == true
        case "reasoning": m.capabilities.reasoning == true
        case "caching": m.capabilities.caching == true
        default: false
        }
    }

    /// The built-in registry, extended by `path` or LLMKIT_MODELS_FILE.
    static func load(_ path: String?) throws(LLMError) -> ModelRegistry {
        guard let file = path ?? ProcessInfo.processInfo.environment["LLMKIT_MODELS_FILE"] else {
            return .builtIn
        }
        return try ModelRegistry.builtIn.merging(contentsOf: file)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}

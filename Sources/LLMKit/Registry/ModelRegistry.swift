import LLMKitCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The models LLMKit knows: limits, capabilities and prices, from the checked `models.json`
/// built into the library, optionally extended or overridden from a JSON file of the same shape.
///
/// ```swift
/// let info = ModelRegistry.builtIn.model("anthropic/claude-sonnet-4-5")
/// info?.capabilities.reasoning   // true
/// let custom = try ModelRegistry.builtIn.merging(contentsOf: "my-models.json")
/// let llm = LLMKit(registry: custom)
/// ```
public struct ModelRegistry: Sendable {
    public private(set) var models: [ModelInfo]
    private var index: [String: Int]

    public init(models: [ModelInfo]) {
        self.models = []
        self.index = [:]
        for m in models { upsert(m) }
    }

    /// The registry built into this version of LLMKit.
    public static let builtIn: ModelRegistry = {
        do {
            return try ModelRegistry(json: Array(ModelsJSON.text.utf8))
        } catch {
            // models.json is checked by a test and by scripts/gen-registry; this cannot fail in a release.
            preconditionFailure("the built-in models.json does not parse: \(error)")
        }
    }()

    /// Parses a registry document: `{"models": [ ... ]}` with the fields of `ModelInfo`.
    public init(json bytes: [UInt8]) throws(LLMError) {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: bytes)
        } catch {
            throw LLMError(.invalidRequest, "the model registry is not valid JSON: \(error)")
        }
        guard let list = root["models"]?.arrayValue else {
            throw LLMError(.invalidRequest, "the model registry needs a top-level \"models\" array")
        }
        var out: [ModelInfo] = []
        for (i, v) in list.enumerated() {
            out.append(try Self.model(v, at: i))
        }
        self.init(models: out)
    }

    /// Reads a registry file of the same shape as the built-in one.
    public init(contentsOf path: String) throws(LLMError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LLMError(.invalidRequest, "cannot read the model registry file \(path): \(error)")
        }
        try self.init(json: [UInt8](data))
    }

    /// This registry with `other`'s entries added; an entry with the same id replaces the built-in one.
    public func merging(_ other: ModelRegistry) -> ModelRegistry {
        var r = self
        for m in other.models { r.upsert(m) }
        return r
    }

    /// This registry extended or overridden by the file at `path`.
    public func merging(contentsOf path: String) throws(LLMError) -> ModelRegistry {
        merging(try ModelRegistry(contentsOf: path))
    }

    /// The entry for `provider/model`. A dated snapshot (`gpt-4o-2024-08-06`, `claude-x-20250929`)
    /// falls back to its undated alias when only that is listed.
    public func model(_ id: String) -> ModelInfo? {
        if let i = index[id] { return models[i] }
        let undated = Self.stripDate(id)
        if undated != id, let i = index[undated] { return models[i] }
        return nil
    }

    /// The cost of `usage` on `id`, in US dollars; nil when the model or a price it needs is unknown.
    public func cost(of usage: Usage, model id: String) -> Double? {
        model(id)?.price?.cost(of: usage)
    }

    private mutating func upsert(_ m: ModelInfo) {
        if let i = index[m.id] {
            models[i] = m
        } else {
            index[m.id] = models.count
            models.append(m)
        }
    }

    /// `name-2024-08-06` / `name-20250929` to `name`.
    static func stripDate(_ id: String) -> String {
        let u = Array(id.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.allSatisfy { u[$0] >= 0x30 && u[$0] <= 0x39 } }
        let n = u.count
        if n > 11, u[n - 11] == 0x2D, u[n - 6] == 0x2D, u[n - 3] == 0x2D, digits(n - 10..<n - 6),
            digits(n - 5..<n - 3), digits(n - 2..<n)
        {
            return String(decoding: u[..<(n - 11)], as: UTF8.self)
        }
        if n > 9, u[n - 9] == 0x2D, digits(n - 8..<n) { return String(decoding: u[..<(n - 9)], as: UTF8.self) }
        return id
    }

    private static func model(_ v: JSONValue, at i: Int) throws(LLMError) -> ModelInfo {
        guard let id = v["id"]?.stringValue, let slash = id.firstIndex(of: "/") else {
            throw LLMError(.invalidRequest, "model registry entry \(i) has no \"id\" of the form provider/model")
        }
        func price(_ key: String, in o: JSONValue?) throws(LLMError) -> Double? {
            guard let x = o?[key], x != .null else { return nil }
            guard let d = x.doubleValue, d > 0 else {
                throw LLMError(
                    .invalidRequest,
                    "model registry entry \(id): price \(key) must be a positive number or null (unknown is null, never 0)"
                )
            }
            return d
        }
        let c = v["capabilities"]
        var p: ModelPrice?
        if let po = v["price"], po != .null {
            var long: ModelPrice.LongContext?
            if let lo = po["longContext"], lo != .null, let threshold = lo["threshold"]?.intValue {
                long = ModelPrice.LongContext(
                    threshold: threshold, input: try price("input", in: lo), output: try price("output", in: lo),
                    cacheRead: try price("cacheRead", in: lo))
            }
            p = ModelPrice(
                input: try price("input", in: po), output: try price("output", in: po),
                cacheRead: try price("cacheRead", in: po), cacheWrite: try price("cacheWrite", in: po),
                cacheWrite1h: try price("cacheWrite1h", in: po), reasoning: try price("reasoning", in: po),
                longContext: long, source: po["source"]?.stringValue, asOf: po["asOf"]?.stringValue)
        }
        return ModelInfo(
            id: id, provider: v["provider"]?.stringValue ?? String(id[..<slash]), name: v["name"]?.stringValue,
            kind: v["kind"]?.stringValue ?? "chat", contextWindow: v["contextWindow"]?.intValue,
            maxOutput: v["maxOutput"]?.intValue, input: v["input"]?.arrayValue?.compactMap(\.stringValue) ?? ["text"],
            output: v["output"]?.arrayValue?.compactMap(\.stringValue) ?? ["text"],
            capabilities: Capabilities(
                tools: c?["tools"]?.boolValue, jsonSchema: c?["jsonSchema"]?.boolValue, vision: c?["vision"]?.boolValue,
                reasoning: c?["reasoning"]?.boolValue, caching: c?["caching"]?.boolValue),
            price: p, source: v["source"]?.stringValue, deprecated: v["deprecated"]?.stringValue,
            note: v["note"]?.stringValue)
    }
}

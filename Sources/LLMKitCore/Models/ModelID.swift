/// A `"provider/model"` identifier split into its parts.
public struct ModelID: Sendable, Hashable, CustomStringConvertible {
    public var provider: String
    public var model: String

    public init(provider: String, model: String) {
        self.provider = provider
        self.model = model
    }

    /// Splits at the first `/` (model names may contain more slashes, e.g. OpenRouter's).
    public init(parsing id: String) throws(LLMError) {
        guard let slash = id.firstIndex(of: "/"), slash != id.startIndex, id.index(after: slash) != id.endIndex else {
            throw LLMError(
                .invalidRequest,
                "model '\(id)' is not of the form provider/model (e.g. openai/gpt-4o-mini, anthropic/claude-sonnet-4-5)"
            )
        }
        provider = String(id[..<slash])
        model = String(id[id.index(after: slash)...])
    }

    public var description: String { "\(provider)/\(model)" }
}

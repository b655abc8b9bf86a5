/// Every failure LLMKit reports: a `kind` plus context.
///
/// Kinds are static members over a private code, so new kinds can be added
/// without breaking `switch`es in user code (compare with `==`).
public struct LLMError: Error, Sendable, CustomStringConvertible {
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case authentication, permissionDenied, notFound, rateLimited, overloaded, contextLengthExceeded
            case invalidRequest, contentFiltered, server, timeout, cancelled, network, decoding, unsupported
            case notConfigured
        }
        private let code: Code
        private init(_ code: Code) { self.code = code }

        public static let authentication = Kind(.authentication)
        public static let permissionDenied = Kind(.permissionDenied)
        public static let notFound = Kind(.notFound)
        public static let rateLimited = Kind(.rateLimited)
        public static let overloaded = Kind(.overloaded)
        public static let contextLengthExceeded = Kind(.contextLengthExceeded)
        public static let invalidRequest = Kind(.invalidRequest)
        public static let contentFiltered = Kind(.contentFiltered)
        public static let server = Kind(.server)
        public static let timeout = Kind(.timeout)
        public static let cancelled = Kind(.cancelled)
        public static let network = Kind(.network)
        public static let decoding = Kind(.decoding)
        public static let unsupported = Kind(.unsupported)
        public static let notConfigured = Kind(.notConfigured)

        public var description: String { code.rawValue }

        /// Whether retrying the same request may succeed.
        public var isRetryable: Bool {
            switch code {
            case .rateLimited, .overloaded, .server, .timeout, .network: true
            default: false
            }
        }
    }

    /// Which timeout fired.
    public enum TimeoutPhase: String, Sendable, Hashable {
        case connect, firstByte, idle, total
    }

    public var kind: Kind
    /// What happened and what to do next. Never contains keys.
    public var message: String
    public var provider: String?
    public var statusCode: Int?
    public var requestID: String?
    /// The provider's own error code, type and offending parameter.
    public var providerCode: String?
    public var providerType: String?
    public var param: String?
    /// How long the provider asked us to wait.
    public var retryAfter: Duration?
    public var timeoutPhase: TimeoutPhase?
    /// The response body, truncated to 2 KB.
    public var body: String?
    public var underlying: (any Error)?

    public init(
        _ kind: Kind, _ message: String, provider: String? = nil, statusCode: Int? = nil, requestID: String? = nil,
        providerCode: String? = nil, providerType: String? = nil, param: String? = nil, retryAfter: Duration? = nil,
        timeoutPhase: TimeoutPhase? = nil, body: String? = nil, underlying: (any Error)? = nil
    ) {
        self.kind = kind
        self.message = message
        self.provider = provider
        self.statusCode = statusCode
        self.requestID = requestID
        self.providerCode = providerCode
        self.providerType = providerType
        self.param = param
        self.retryAfter = retryAfter
        self.timeoutPhase = timeoutPhase
        self.body = body.map { $0.count > 2048 ? String($0.prefix(2048)) + "…" : $0 }
        self.underlying = underlying
    }

    /// A payload-free label for metrics: `kind` plus provider and status.
    public var shortDescription: String {
        var s = kind.description
        if let provider { s += " provider=\(provider)" }
        if let statusCode { s += " status=\(statusCode)" }
        return s
    }

    public var description: String {
        var s = "LLMError.\(kind)"
        if let provider { s += " [\(provider)" + (statusCode.map { " \($0)" } ?? "") + "]" }
        s += ": \(message)"
        if let requestID { s += " (request id \(requestID))" }
        return s
    }
}

extension LLMError {
    /// Masks a secret to its last four characters: `…abcd`.
    public static func redact(_ secret: String) -> String {
        secret.count <= 8 ? "…" : "…" + secret.suffix(4)
    }
}

import AsyncHTTPClient
@_spi(LLMKitInternal) import LLMKitCore
import Logging
import NIOCore
import NIOHTTP1

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The entry point: one client for every provider.
///
/// ```swift
/// let llm = try LLMKit()
/// let r = try await llm.complete(ChatRequest(model: "anthropic/claude-sonnet-4-5",
///                                            messages: [.user("Why is the sky blue?")]))
/// ```
///
/// Keys and base URLs come from `providers` or else from `environment`
/// (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, ...). All methods throw `LLMError`.
public struct LLMKit: Sendable {
    package let environment: [String: String]
    package let settings: [String: ProviderSettings]
    package let transport: HTTPTransport
    public let retry: RetryPolicy
    package let vertexTokens = VertexCredentials.TokenCaches()
    /// Signs Google service-account JWTs (Vertex AI with GOOGLE_APPLICATION_CREDENTIALS).
    public let serviceAccountSigner: (any ServiceAccountSigner)?
    /// Providers added in code (they win over built-in ones with the same id).
    public let additionalProviders: [ProviderInfo]
    /// Model facts and prices: capabilities before a call, `ChatResponse.cost` after it.
    public let registry: ModelRegistry

    /// - Parameters:
    ///   - providers: per-provider settings from code, keyed by provider id; they win over the environment.
    ///   - environment: where keys and base URLs are read from (the process environment by default).
    ///   - httpClient: an AsyncHTTPClient to send with (for HTTP/2, a proxy or tracing spans). By default
    ///     LLMKit sends with its own HTTP/1.1 client (kept-alive connections pooled per origin, TLS through
    ///     NIOSSL), and uploads that report progress with a process-wide `HTTPClient`.
    ///   - timeouts: connect, first byte, idle and total. With your own `httpClient`, the idle timeout is its
    ///     read timeout (see `HTTPClient.makeForLLMKit(timeouts:)`).
    ///   - retry: the retry policy.
    ///   - serviceAccountSigner: needed only for Vertex AI with a service-account file:
    ///     `RS256Signer()` from `LLMKitGoogleAuth`.
    ///   - registry: model facts and prices (`ModelRegistry.builtIn`, or merged with your own file).
    ///   - additionalProviders: providers LLMKit does not list, e.g.
    ///     `.openAICompatible(id: "acme", baseURL: "https://api.acme.ai/v1", keyVariable: "ACME_API_KEY")`.
    public init(
        providers: [String: ProviderSettings] = [:],
        additionalProviders: [ProviderInfo] = [],
        registry: ModelRegistry = .builtIn,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        httpClient: HTTPClient? = nil,
        timeouts: Timeouts = .default,
        retry: RetryPolicy = .default,
        serviceAccountSigner: (any ServiceAccountSigner)? = nil,
        logger: Logger? = nil
    ) {
        self.serviceAccountSigner = serviceAccountSigner
        self.additionalProviders = additionalProviders
        self.registry = registry
        self.settings = providers
        self.environment = environment
        self.retry = retry
        self.transport = HTTPTransport(
            client: httpClient ?? .llmkitShared, own: httpClient == nil ? .shared : nil, timeouts: timeouts,
            logger: logger ?? Logger(label: "llmkit", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Sends `request` and waits for the whole answer.
    public func complete(_ request: ChatRequest) async throws(LLMError) -> ChatResponse {
        let call = try prepare(request, stream: false)
        let started = ContinuousClock.now
        return try await retry.run { () async throws(LLMError) -> ChatResponse in
            let tape = try await send(call, started: started)
            var r = try call.dialect.parseResponse(tape, context: call.context)
            r.warnings = call.context.warnings + r.warnings.filter { !call.context.warnings.contains($0) }
            r.cost = call.cost(r.usage, reported: r.model)
            return r
        }
    }

    /// What LLMKit knows about `model` (`provider/model`) before calling it; nil when it is not
    /// in the registry (it can still be called: new models are passed through).
    public func modelInfo(_ model: String) -> ModelInfo? { registry.model(model) }

    /// Streams the answer. The request is sent when iteration starts; cancelling the
    /// consuming task, or dropping the iterator, closes the connection.
    public func stream(_ request: ChatRequest) -> ChatStream {
        ChatStream(kit: self, request: request)
    }

    /// Sends one prepared JSON call and parses the answer: one attempt (callers wrap it in `retry`);
    /// error statuses mapped by the call's dialect, a body that is not JSON a decoding error.
    func send(_ call: PreparedCall, started: ContinuousClock.Instant = .now) async throws(LLMError) -> JSONTape {
        try await sendKeepingHeaders(call, started: started).0
    }

    /// `send` that also hands back the response headers (Bedrock reports embedding tokens there).
    func sendKeepingHeaders(_ call: PreparedCall, started: ContinuousClock.Instant = .now) async throws(LLMError)
        -> (JSONTape, HTTPHeaders)
    {
        let provider = call.endpoint.info.id
        let response = try await call.send(transport)
        let body = try await Self.collect(response, call: call, transport: transport, started: started)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw call.mapError(status: Int(response.status.code), headers: response.headers, body: body)
        }
        do {
            return (try JSONTape(parsing: body), response.headers)
        } catch {
            let shown = String(decoding: body.prefix(300), as: UTF8.self)
            throw LLMError(
                .decoding, "\(provider) answered with a body that is not valid JSON (\(error)): \(shown)",
                provider: provider, statusCode: Int(response.status.code), requestID: response.headers.requestID)
        }
    }

    static func collect(
        _ response: HTTPResponse, call: PreparedCall, transport: HTTPTransport, started: ContinuousClock.Instant
    ) async throws(LLMError) -> [UInt8] {
        var body: [UInt8] = []
        if let length = response.headers.first(name: "content-length").flatMap(Int.init) {
            body.reserveCapacity(min(length, 64 << 20))
        }
        do {
            for try await chunk in response.body {
                chunk.withUnsafeReadableBytes { body.append(contentsOf: $0) }
                if body.count > 256 << 20 {
                    throw LLMError(.decoding, "response body larger than 256 MB", provider: call.endpoint.info.id)
                }
                if let total = transport.timeouts.total, ContinuousClock.now - started > total {
                    throw LLMError(
                        .timeout, "the call took longer than the total timeout (\(total))",
                        provider: call.endpoint.info.id, timeoutPhase: .total)
                }
            }
        } catch {
            throw HTTPTransport.map(error, provider: call.endpoint.info.id)
        }
        return body
    }
}

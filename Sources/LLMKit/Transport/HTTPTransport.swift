import AsyncHTTPClient
import LLMKitCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension HTTPClient {
    /// An `HTTPClient` configured the way LLMKit needs it: a connection pool
    /// large enough for 256 concurrent streams per host, no redirects (API keys
    /// must not follow a redirect to another origin), HTTP/2 when offered, and
    /// the idle (read) timeout of `timeouts`.
    public static func makeForLLMKit(timeouts: Timeouts = .default) -> HTTPClient {
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.timeout = .init(connect: .init(timeouts.connect), read: .init(timeouts.idle))
        config.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        // Fail a refused connection at once; LLMKit's RetryPolicy decides about retrying.
        config.connectionPool.retryConnectionEstablishment = false
        config.httpVersion = .automatic
        config.decompression = .enabled(limit: .ratio(50))
        // No tracer bootstrapped (the global one is a no-op): no tracer at all. Spans of a no-op
        // tracer record nothing, but AsyncHTTPClient still builds them, their attributes and a
        // task-local context for every request (~45k instructions, over 10% of a request). Bootstrap
        // `InstrumentationSystem` before the first call (or pass your own HTTPClient) to get spans.
        if let tracer = config.tracing.tracer, String(reflecting: type(of: tracer)) == "Tracing.NoOpTracer" {
            config.tracing.tracer = nil
        }
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: config)
    }

    /// The process-wide client used when none is passed to `LLMKit`. Like
    /// `HTTPClient.shared`, it lives for the whole process.
    public static let llmkitShared: HTTPClient = .makeForLLMKit()
}

/// Sends requests and maps transport failures to `LLMError`.
package struct HTTPTransport: Sendable {
    package let client: HTTPClient
    /// LLMKit's own HTTP/1.1 client; nil when the caller passed an `HTTPClient` to use instead.
    package let own: HTTP1Client?
    package let timeouts: Timeouts
    package let logger: Logger

    package init(client: HTTPClient, own: HTTP1Client? = nil, timeouts: Timeouts, logger: Logger) {
        self.client = client
        self.own = own
        self.timeouts = timeouts
        self.logger = logger
    }

    package func send(
        url: String, method: HTTPMethod = .POST, headers: HTTPHeaders, body: [UInt8], provider: String,
        progress: (@Sendable (UploadProgress) -> Void)? = nil
    ) async throws(LLMError) -> HTTPResponse {
        if let own, progress == nil, let target = HTTP1Client.Target(url) {
            do {
                return try await own.execute(
                    method: method, target: target, headers: headers, body: body, timeouts: timeouts)
            } catch {
                throw Self.map(error, provider: provider, url: url)
            }
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if method != .GET {
            if let progress {
                request.body = .stream(
                    ProgressReportingBody(bytes: body, report: progress), length: .known(Int64(body.count)))
            } else {
                request.body = .bytes(ByteBuffer(bytes: body))
            }
        }
        do {
            return HTTPResponse(
                try await client.execute(request, timeout: .init(timeouts.firstByte), logger: logger))
        } catch {
            throw Self.map(error, provider: provider, url: url)
        }
    }

    /// Maps an error thrown by AsyncHTTPClient or NIO.
    package static func map(_ error: any Error, provider: String, url: String? = nil) -> LLMError {
        if let e = error as? LLMError { return e }
        if error is CancellationError {
            return LLMError(.cancelled, "the call was cancelled", provider: provider, underlying: error)
        }
        let host = url.flatMap { URL(string: $0)?.host } ?? "the provider"
        if let failure = Failure(error) {
            switch failure {
            case .connectTimeout:
                return LLMError(
                    .timeout, "connecting to \(host) timed out; check the network or the base URL", provider: provider,
                    timeoutPhase: .connect, underlying: error)
            case .firstByteTimeout:
                return LLMError(
                    .timeout, "no response from \(host) before the first-byte timeout", provider: provider,
                    timeoutPhase: .firstByte, underlying: error)
            case .idleTimeout:
                return LLMError(
                    .timeout, "\(host) went silent for longer than the idle timeout", provider: provider,
                    timeoutPhase: .idle, underlying: error)
            case .cancelled:
                return LLMError(.cancelled, "the call was cancelled", provider: provider, underlying: error)
            case .closedBeforeResponse:
                return LLMError(
                    .network, "\(host) closed the connection before answering; retrying is safe", provider: provider,
                    underlying: error)
            case .closedInBody:
                return LLMError(
                    .network, "the response from \(host) was cut off: the connection closed before it was complete",
                    provider: provider,
                    underlying: error)
            case .bodyTooLarge:
                return LLMError(.decoding, "the response from \(host): \(error)", provider: provider, underlying: error)
            case .malformedResponse:
                return LLMError(
                    .network, "the response from \(host) was cut off or malformed: \(error)", provider: provider,
                    underlying: error)
            case .invalidRequest:
                return LLMError(
                    .invalidRequest, "the request cannot be sent: \(error); check the headers and base URL",
                    provider: provider, underlying: error)
            }
        }
        if let e = error as? ChannelError, e == .ioOnClosedChannel || e == .alreadyClosed || e == .eof {
            return LLMError(
                .network,
                "\(host) closed the connection (a kept-alive connection the server had already closed); retrying is safe",
                provider: provider, underlying: error)
        }
        if error is HTTPParserError {
            return LLMError(
                .network, "the response from \(host) was cut off or malformed (truncated): \(error)",
                provider: provider,
                underlying: error)
        }
        if let e = error as? NIOSSLError {
            return LLMError(
                .network,
                "the TLS handshake with \(host) failed (\(e)); check the base URL, the system clock and the trust store",
                provider: provider, underlying: error)
        }
        if let e = error as? NIOConnectionError {
            return LLMError(
                .network,
                "cannot connect to \(host) (\(e.host):\(e.port)): is the server running and the base URL right?",
                provider: provider, underlying: error)
        }
        let text = String(describing: error)
        if text.contains("connectTimeout") {
            return LLMError(.timeout, "connecting to \(host) timed out", provider: provider, timeoutPhase: .connect)
        }
        if text.contains("connection refused") || text.contains("Connection refused") || text.contains("connectFailed")
        {
            return LLMError(
                .network,
                "cannot connect to \(host): connection refused. Is the server running and the base URL right?",
                provider: provider, underlying: error)
        }
        return LLMError(.network, "network error talking to \(host): \(text)", provider: provider, underlying: error)
    }
}

/// What went wrong, from either HTTP engine's error type.
private enum Failure {
    case connectTimeout, firstByteTimeout, idleTimeout, cancelled, closedBeforeResponse, closedInBody, bodyTooLarge
    case malformedResponse, invalidRequest

    init?(_ error: any Error) {
        if let e = error as? HTTP1Error {
            switch e {
            case .firstByteTimeout: self = .firstByteTimeout
            case .idleTimeout: self = .idleTimeout
            case .closedBeforeResponse: self = .closedBeforeResponse
            case .closedInBody: self = .closedInBody
            case .bodyTooLarge: self = .bodyTooLarge
            case .malformedResponse: self = .malformedResponse
            case .invalidRequest: self = .invalidRequest
            }
        } else if let e = error as? ChannelError, "\(e)".hasPrefix("connectTimeout") {
            self = .connectTimeout
        } else if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: self = .connectTimeout
            case .deadlineExceeded: self = .firstByteTimeout
            case .readTimeout: self = .idleTimeout
            case .cancelled: self = .cancelled
            case .remoteConnectionClosed: self = .closedInBody
            default: return nil
            }
        } else {
            return nil
        }
    }
}

extension HTTPHeaders {
    /// The request id a provider returned, under any of the usual names.
    package var requestID: String? {
        for name in ["x-request-id", "request-id", "x-goog-request-id", "apim-request-id", "x-amzn-requestid"] {
            if let v = first(name: name) { return v }
        }
        return nil
    }
}

import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// LLMKit's own HTTP/1.1 client: one request per kept-alive connection, connections pooled per
/// origin, the response handed to the calling task with one continuation per wait.
///
/// It exists for speed. A call through AsyncHTTPClient spent about 270k of its 324k instructions
/// in the HTTP client (request preparation and URL parsing, the connection-pool state machines,
/// a deadline task, several hops between the event loop and the task); this client writes the
/// request from the event loop in one go and resumes the task once for the head and once per
/// body wait. It speaks HTTP/1.1 only (TLS through NIOSSL, ALPN `http/1.1`); pass an
/// `HTTPClient` to `LLMKit` for HTTP/2, proxies or tracing.
package final class HTTP1Client: Sendable {
    package static let shared = HTTP1Client(group: MultiThreadedEventLoopGroup.singleton)

    let group: any EventLoopGroup
    private let idle = NIOLockedValueBox<[Origin: [HTTP1Connection]]>([:])
    private let tls = NIOLockedValueBox<NIOSSLContext?>(nil)
    /// Connections idle longer than this are closed rather than reused (servers drop them).
    static let maxIdle = TimeAmount.seconds(50)

    package init(group: any EventLoopGroup) {
        self.group = group
    }

    /// Where a connection goes.
    package struct Origin: Hashable, Sendable {
        package var tls: Bool
        package var host: String
        package var port: Int

        package init(tls: Bool, host: String, port: Int) {
            self.tls = tls
            self.host = host
            self.port = port
        }
    }

    /// An absolute `http` or `https` URL split for sending; nil for anything else.
    package struct Target: Sendable {
        package var origin: Origin
        /// The `Host` header value.
        package var authority: String
        /// Path and query.
        package var path: String

        package init?(_ url: String) {
            var rest = Substring(url)
            let tls: Bool
            if rest.hasPrefix("https://") {
                tls = true
                rest = rest.dropFirst(8)
            } else if rest.hasPrefix("http://") {
                tls = false
                rest = rest.dropFirst(7)
            } else {
                return nil
            }
            let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            let authority = rest[..<end]
            guard !authority.isEmpty, !authority.contains("@") else { return nil }
            var host = authority
            var port = tls ? 443 : 80
            if authority.hasPrefix("[") {
                guard let close = authority.firstIndex(of: "]") else { return nil }
                host = authority[authority.index(after: authority.startIndex)..<close]
                let after = authority[authority.index(after: close)...]
                if after.hasPrefix(":") {
                    guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { return nil }
                    port = p
                } else if !after.isEmpty {
                    return nil
                }
            } else if let colon = authority.lastIndex(of: ":") {
                host = authority[..<colon]
                guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                    return nil
                }
                port = p
            }
            guard !host.isEmpty else { return nil }
            var path = rest[end...]
            if let hash = path.firstIndex(of: "#") { path = path[..<hash] }
            self.origin = Origin(tls: tls, host: String(host), port: port)
            self.authority = String(authority)
            self.path = path.isEmpty ? "/" : (path.first == "?" ? "/" + path : String(path))
        }
    }

    /// Sends one request and returns when the response head has arrived.
    package func execute(
        method: HTTPMethod, target: Target, headers: HTTPHeaders, body: [UInt8], timeouts: Timeouts
    ) async throws -> HTTPResponse {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: target.path, headers: headers)
        head.headers.add(name: "host", value: target.authority)
        let buffer: ByteBuffer?
        if method == .GET || method == .HEAD {
            buffer = nil
        } else {
            head.headers.replaceOrAdd(name: "content-length", value: String(body.count))
            buffer = ByteBuffer(bytes: body)
        }
        let request = HTTP1Request(
            head: head, body: buffer, firstByte: .init(timeouts.firstByte), idle: .init(timeouts.idle))
        // A kept-alive connection the server closed meanwhile fails before any byte of the answer:
        // the server never saw the request, so it goes once more on a new connection.
        if let connection = takeIdle(target.origin) {
            do {
                return try await connection.send(request)
            } catch let error as HTTP1Error where error == .closedBeforeResponse {
            }
        }
        let connection = try await connect(target.origin, timeout: timeouts.connect)
        return try await connection.send(request)
    }

    private func takeIdle(_ origin: Origin) -> HTTP1Connection? {
        let now = NIODeadline.now()
        return idle.withLockedValue { pool -> HTTP1Connection? in
            while let c = pool[origin]?.popLast() {
                if c.channel.isActive, now - c.idleSince < Self.maxIdle { return c }
                c.channel.close(promise: nil)
            }
            return nil
        }
    }

    /// Puts a connection whose last response ended cleanly back in the pool.
    func release(_ connection: HTTP1Connection) {
        connection.idleSince = .now()
        idle.withLockedValue { $0[connection.origin, default: []].append(connection) }
    }

    /// Forgets a connection that closed.
    func closed(_ connection: HTTP1Connection) {
        idle.withLockedValue { pool in
            pool[connection.origin]?.removeAll { $0 === connection }
        }
    }

    private func sslContext() throws -> NIOSSLContext {
        try tls.withLockedValue { cached in
            if let c = cached { return c }
            var config = TLSConfiguration.makeClientConfiguration()
            config.applicationProtocols = ["http/1.1"]
            let c = try NIOSSLContext(configuration: config)
            cached = c
            return c
        }
    }

    private func connect(_ origin: Origin, timeout: Duration) async throws -> HTTP1Connection {
        let ssl = origin.tls ? try sslContext() : nil
        let sniHost =
            origin.host.contains(":") || origin.host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : origin.host
        let client = self
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.init(timeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let ssl {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: ssl, serverHostname: sniHost))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(HTTP1Handler(client: client, origin: origin))
                }
            }
            .connect(host: origin.host, port: origin.port).get()
        let handler = try await channel.pipeline.handler(type: HTTP1Handler.self).get()
        return handler.connection(channel)
    }
}

/// Failures of the HTTP/1.1 client, mapped to `LLMError` by `HTTPTransport.map`.
package enum HTTP1Error: Error, Equatable, CustomStringConvertible {
    /// The connection closed before any byte of the response (a stale kept-alive connection).
    case closedBeforeResponse
    /// The connection closed after the head, before the body was complete.
    case closedInBody
    case firstByteTimeout
    case idleTimeout
    case bodyTooLarge(Int)

    package var description: String {
        switch self {
        case .closedBeforeResponse: "the server closed the connection before answering"
        case .closedInBody: "the server closed the connection before the response was complete"
        case .firstByteTimeout: "no response before the first-byte timeout"
        case .idleTimeout: "no data for longer than the idle timeout"
        case .bodyTooLarge(let limit): "the response body is larger than \(limit) bytes"
        }
    }
}

struct HTTP1Request: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var firstByte: TimeAmount
    var idle: TimeAmount
}

/// One pooled connection: its channel and the handler that owns the exchange on it.
final class HTTP1Connection: @unchecked Sendable {
    let channel: any Channel
    let origin: HTTP1Client.Origin
    /// Only touched on the event loop (the handler).
    let handler: HTTP1Handler
    /// Written under the pool lock only.
    var idleSince = NIODeadline.now()

    init(channel: any Channel, origin: HTTP1Client.Origin, handler: HTTP1Handler) {
        self.channel = channel
        self.origin = origin
        self.handler = handler
    }

    func send(_ request: HTTP1Request) async throws -> HTTPResponse {
        let exchange = HTTP1Exchange(loop: channel.eventLoop, handler: handler)
        let handler = self.handler
        let head = try await exchange.head { exchange.loop.execute { handler.start(exchange, request) } }
        return HTTPResponse(status: head.status, headers: head.headers, body: HTTP1Body(exchange))
    }
}

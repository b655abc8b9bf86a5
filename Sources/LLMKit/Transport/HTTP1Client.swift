import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
    /// The TLS settings for `https`; the default trusts the system's roots.
    private let tlsConfiguration: TLSConfiguration
    /// Connections idle longer than this are closed rather than reused (servers drop them).
    static let maxIdle = TimeAmount.seconds(50)

    /// - Parameter tlsConfiguration: for `https` origins; nil for the system's trust roots. ALPN is
    ///   always `http/1.1`.
    package init(group: any EventLoopGroup, tlsConfiguration: TLSConfiguration? = nil) {
        self.group = group
        self.tlsConfiguration = tlsConfiguration ?? .makeClientConfiguration()
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
            var url = url
            guard let t = url.withUTF8({ Self.parse($0) }) else { return nil }
            self = t
        }

        /// Byte by byte: `Substring`'s Character views cost ~35k instructions per URL.
        private static func parse(_ u: UnsafeBufferPointer<UInt8>) -> Target? {
            func has(_ prefix: StaticString) -> Bool {
                prefix.utf8CodeUnitCount <= u.count
                    && memcmp(u.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
            }
            let tls: Bool
            var i: Int
            if has("https://") {
                tls = true
                i = 8
            } else if has("http://") {
                tls = false
                i = 7
            } else {
                return nil
            }
            let start = i
            while i < u.count, u[i] != UInt8(ascii: "/"), u[i] != UInt8(ascii: "?"), u[i] != UInt8(ascii: "#") {
                if u[i] == UInt8(ascii: "@") { return nil }
                i += 1
            }
            let end = i
            guard end > start else { return nil }
            func text(_ a: Int, _ b: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: u[a..<b]), as: UTF8.self)
            }
            func port(_ a: Int) -> Int? {
                guard a < end, end - a <= 5 else { return nil }
                var p = 0
                for k in a..<end {
                    guard u[k] >= 0x30, u[k] <= 0x39 else { return nil }
                    p = p * 10 + Int(u[k] - 0x30)
                }
                return (1...65535).contains(p) ? p : nil
            }
            var hostStart = start
            var hostEnd = end
            var p = tls ? 443 : 80
            if u[start] == UInt8(ascii: "[") {
                guard let close = (start..<end).first(where: { u[$0] == UInt8(ascii: "]") }) else { return nil }
                hostStart = start + 1
                hostEnd = close
                if close + 1 < end {
                    guard u[close + 1] == UInt8(ascii: ":"), let n = port(close + 2) else { return nil }
                    p = n
                }
            } else if let colon = (start..<end).last(where: { u[$0] == UInt8(ascii: ":") }) {
                guard let n = port(colon + 1) else { return nil }
                hostEnd = colon
                p = n
            }
            guard hostEnd > hostStart else { return nil }
            var pathEnd = end
            while pathEnd < u.count, u[pathEnd] != UInt8(ascii: "#") { pathEnd += 1 }
            let path: String
            if end == pathEnd {
                path = "/"
            } else if u[end] == UInt8(ascii: "?") {
                path = "/" + text(end, pathEnd)
            } else {
                path = text(end, pathEnd)
            }
            return Target(
                origin: Origin(tls: tls, host: text(hostStart, hostEnd), port: p), authority: text(start, end),
                path: path)
        }

        private init(origin: Origin, authority: String, path: String) {
            self.origin = origin
            self.authority = authority
            self.path = path
        }
    }

    /// Sends one request and returns when the response head has arrived.
    package func execute(
        method: HTTPMethod, target: Target, headers: HTTPHeaders, body: [UInt8], timeouts: Timeouts
    ) async throws -> HTTPResponse {
        let request = try HTTP1Request(
            method: method, path: target.path, authority: target.authority, headers: headers, body: body,
            firstByte: .init(timeouts.firstByte), idle: .init(timeouts.idle))
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
        let now = NIODeadline.now()
        idle.withLockedValue {
            connection.idleSince = now
            $0[connection.origin, default: []].append(connection)
        }
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
            var config = tlsConfiguration
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
        let deadline = NIODeadline.now() + .init(timeout)
        let loop = group.next()
        // With TLS the connection is handed out only after the handshake, so a certificate problem
        // fails the connect (within the connect timeout), not the request sent on it.
        let handshake: EventLoopPromise<Void>? = ssl == nil ? nil : loop.makePromise()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.init(timeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let ssl {
                            try channel.pipeline.syncOperations.addHandler(
                                NIOSSLClientHandler(context: ssl, serverHostname: sniHost))
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            HTTP1Handler(client: client, origin: origin, handshake: handshake))
                    }
                }
                .connect(host: origin.host, port: origin.port).get()
        } catch {
            handshake?.fail(error)
            throw error
        }
        if let handshake {
            let timer = loop.scheduleTask(deadline: deadline) {
                handshake.fail(ChannelError.connectTimeout(.init(timeout)))
            }
            defer { timer.cancel() }
            do {
                try await handshake.futureResult.get()
            } catch {
                channel.close(promise: nil)
                throw error
            }
        }
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
    /// The response broke HTTP/1.1 framing (the reason says where).
    case malformedResponse(String)
    /// The request cannot be sent as given (a header or path with characters HTTP does not allow).
    case invalidRequest(String)

    package var description: String {
        switch self {
        case .closedBeforeResponse: "the server closed the connection before answering"
        case .closedInBody: "the server closed the connection before the response was complete"
        case .firstByteTimeout: "no response before the first-byte timeout"
        case .idleTimeout: "no data for longer than the idle timeout"
        case .bodyTooLarge(let limit): "the response body is larger than \(limit) bytes"
        case .malformedResponse(let reason): "the response is not valid HTTP/1.1: \(reason)"
        case .invalidRequest(let reason): reason
        }
    }
}

/// One pooled connection: its channel and the handler that owns the exchange on it.
final class HTTP1Connection: @unchecked Sendable {
    let channel: any Channel
    let origin: HTTP1Client.Origin
    /// Only touched on the event loop (the handler).
    let handler: HTTP1Handler
    /// Written under the pool lock only.
    @exclusivity(unchecked) var idleSince = NIODeadline.now()

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

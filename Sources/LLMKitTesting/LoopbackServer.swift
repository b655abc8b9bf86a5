import Foundation
import LLMKitCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One canned HTTP answer.
public struct CannedResponse: Sendable {
    public enum Delivery: Sendable {
        /// One write.
        case whole
        /// Writes of 1-7 bytes, boundaries drawn from a seeded generator.
        case randomSplits(seed: UInt64)
        /// Writes of exactly the given sizes, repeated.
        case chunks(Int)
    }

    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var delivery: Delivery
    /// Send only this many body bytes, then close the connection (a truncated answer).
    public var truncateAfter: Int?
    /// After the body, keep the connection open without ending the response (for cancellation tests).
    public var hangAfterBody: Bool
    /// Pause between writes.
    public var pause: TimeAmount
    /// Wait this long before writing the response head (first-byte timeouts).
    public var delayHead: TimeAmount = .zero
    /// Close the connection on receiving the request, without answering (a kept-alive connection the
    /// server dropped just as the client reused it).
    public var closeWithoutAnswer = false

    public init(
        status: Int = 200, headers: [(String, String)] = [], body: [UInt8], delivery: Delivery = .whole,
        truncateAfter: Int? = nil, hangAfterBody: Bool = false, pause: TimeAmount = .zero
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delivery = delivery
        self.truncateAfter = truncateAfter
        self.hangAfterBody = hangAfterBody
        self.pause = pause
    }

    /// Sizes of the writes for `count` bytes.
    func writeSizes(_ count: Int) -> [Int] {
        switch delivery {
        case .whole: return count == 0 ? [] : [count]
        case .chunks(let n):
            return stride(from: 0, to: count, by: n).map { min(n, count - $0) }
        case .randomSplits(let seed):
            var rng = SplitMix64(seed: seed)
            var sizes: [Int] = []
            var left = count
            while left > 0 {
                let n = min(left, Int(rng.next() % 7) + 1)
                sizes.append(n)
                left -= n
            }
            return sizes
        }
    }
}

/// A deterministic random generator (SplitMix64), for reproducible splits.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A request the loopback server received.
public struct CapturedRequest: Sendable {
    public var method: String
    /// Path and query.
    public var uri: String
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The body parsed as JSON.
    public var json: JSONValue? { try? JSONValue(parsing: body) }
}

/// An HTTP/1.1 server on 127.0.0.1 that answers each request with the next
/// canned response and records what it received. Used by the tests to replay
/// provider traffic through the real client stack.
public final class LoopbackServer: Sendable {
    private struct State {
        var queue: [CannedResponse] = []
        var requests: [CapturedRequest] = []
        var closedConnections = 0
        var requestTimes: [ContinuousClock.Instant] = []
        var connections: [any Channel] = []
    }

    private let box: NIOLockedValueBox<State>
    private let channel: any Channel
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String

    private init(box: NIOLockedValueBox<State>, channel: any Channel, tls: Bool) {
        self.box = box
        self.channel = channel
        let port = channel.localAddress!.port!
        // With TLS the name the test certificate is issued to, so the client's verification applies.
        self.baseURL = tls ? "https://localhost:\(port)" : "http://127.0.0.1:\(port)"
    }

    /// The servers' own event loops, apart from the client's (`MultiThreadedEventLoopGroup.singleton`), so
    /// a server busy with thousands of tiny writes does not starve the client under test. Shared by every
    /// server: a group (and a thread) per server made a full parallel test run stall.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    /// Servers that write fixtures in 1-7 byte pieces get their own threads: a full parallel run writes
    /// hundreds of thousands of such pieces, and on the shared threads other tests' servers then answered
    /// 20-100 s late (seen in CI: timeouts and close detection failing).
    static let splitGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    /// TLS servers (few, and their handshakes must not queue behind the split writers).
    static let tlsGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// `LLMKIT_LOOPBACK_TRACE=1` prints every accept, request, response end and close to stderr.
    static let tracing = ProcessInfo.processInfo.environment["LLMKIT_LOOPBACK_TRACE"] == "1"
    static func trace(_ port: Int?, _ what: @autoclosure () -> String) {
        guard tracing else { return }
        FileHandle.standardError.write(Data("loopback \(port ?? -1) \(ContinuousClock.now): \(what())\n".utf8))
    }

    /// Starts a server answering with `responses`, in order; over TLS when `tls` is given (the
    /// base URL is then `https://localhost:PORT`).
    public static func start(_ responses: [CannedResponse], tls: NIOSSLContext? = nil) async throws
        -> LoopbackServer
    {
        let box = NIOLockedValueBox(State(queue: responses))
        let splits = responses.contains { if case .randomSplits = $0.delivery { true } else { false } }
        let group = tls != nil ? Self.tlsGroup : splits ? Self.splitGroup : Self.group
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 512)
            .childChannelInitializer { channel in
                box.withLockedValue { $0.connections.append(channel) }
                LoopbackServer.trace(channel.localAddress?.port, "accept from \(channel.remoteAddress?.port ?? -1)")
                if let tls {
                    do {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    } catch {
                        return channel.eventLoop.makeFailedFuture(error)
                    }
                }
                return channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(state: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return LoopbackServer(box: box, channel: channel, tls: tls != nil)
    }

    /// Requests received so far.
    public var requests: [CapturedRequest] { box.withLockedValue { $0.requests } }
    /// When each request arrived.
    public var requestTimes: [ContinuousClock.Instant] { box.withLockedValue { $0.requestTimes } }
    /// Connections accepted so far.
    public var openedConnections: Int { box.withLockedValue { $0.connections.count } }
    /// Connections the client closed (or that ended) so far.
    public var closedConnections: Int { box.withLockedValue { $0.closedConnections } }

    /// Adds responses to the end of the queue.
    public func enqueue(_ responses: [CannedResponse]) {
        box.withLockedValue { $0.queue += responses }
    }

    /// Closes the listener and every connection it accepted, so no pooled
    /// client connection can outlive this server and reach a later one's port.
    public func shutdown() async throws {
        try await channel.close()
        for c in box.withLockedValue({ $0.connections }) { try? await c.close() }
    }

    /// Runs `body` with a started server, shutting it down afterwards.
    public static func with<T>(
        _ responses: [CannedResponse], tls: NIOSSLContext? = nil, _ body: (LoopbackServer) async throws -> T
    ) async throws -> T {
        let server = try await start(responses, tls: tls)
        do {
            let r = try await body(server)
            try? await server.shutdown()
            return r
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let state: NIOLockedValueBox<State>
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(state: NIOLockedValueBox<State>) { self.state = state }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLockedValue { $0.closedConnections += 1 }
            LoopbackServer.trace(
                context.channel.localAddress?.port, "inactive \(context.channel.remoteAddress?.port ?? -1)")
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = []
            case .body(let buf):
                body += buf.readableBytesView
            case .end:
                guard let head else { return }
                let captured = CapturedRequest(
                    method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                    body: body)
                let next: CannedResponse? = state.withLockedValue { s in
                    s.requests.append(captured)
                    s.requestTimes.append(.now)
                    return s.queue.isEmpty ? nil : s.queue.removeFirst()
                }
                LoopbackServer.trace(
                    context.channel.localAddress?.port,
                    "request \(head.method) \(head.uri) from \(context.channel.remoteAddress?.port ?? -1) -> \(next?.status ?? 599)"
                )
                respond(
                    context: context,
                    with: next
                        ?? CannedResponse(
                            status: 599, headers: [("content-type", "text/plain")],
                            body: Array("loopback server: no canned response left".utf8)))
            }
        }

        private func respond(context: ChannelHandlerContext, with r: CannedResponse) {
            if r.closeWithoutAnswer {
                context.close(promise: nil)
                return
            }
            if r.delayHead > .zero {
                var later = r
                later.delayHead = .zero
                let now = later
                let ctx = NIOLoopBound(context, eventLoop: context.eventLoop)
                let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: r.delayHead) { handler.value.respond(context: ctx.value, with: now) }
                return
            }
            var headers = HTTPHeaders(r.headers)
            let bodyCount = r.truncateAfter.map { min($0, r.body.count) } ?? r.body.count
            let streamed = r.truncateAfter != nil || r.hangAfterBody
            if !streamed, headers["content-length"].isEmpty, headers["transfer-encoding"].isEmpty {
                if case .whole = r.delivery {
                    headers.replaceOrAdd(name: "content-length", value: String(r.body.count))
                }
            }
            headers.remove(name: "transfer-encoding")
            if r.truncateAfter != nil { headers.remove(name: "content-length") }
            let head = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: r.status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.flush()
            let sizes = r.writeSizes(bodyCount)
            let loop = context.eventLoop
            let bytes = r.body
            let ctx = NIOLoopBound(context, eventLoop: loop)
            let handler = NIOLoopBound(self, eventLoop: loop)
            @Sendable func write(_ k: Int, _ offset: Int) {
                let context = ctx.value
                guard k < sizes.count else {
                    if r.truncateAfter != nil {
                        context.close(promise: nil)
                    } else if !r.hangAfterBody {
                        let port = context.channel.localAddress?.port
                        context.writeAndFlush(handler.value.wrapOutboundOut(.end(nil))).whenComplete { result in
                            LoopbackServer.trace(port, "response end written: \(result)")
                        }
                    }
                    return
                }
                let n = sizes[k]
                let buf = context.channel.allocator.buffer(bytes: bytes[offset..<(offset + n)])
                context.writeAndFlush(handler.value.wrapOutboundOut(.body(.byteBuffer(buf)))).whenComplete { result in
                    guard case .success = result else {
                        LoopbackServer.trace(nil, "body write failed: \(result)")
                        return
                    }
                    if r.pause > .zero {
                        loop.scheduleTask(in: r.pause) { write(k + 1, offset + n) }
                    } else {
                        // Through the loop, not recursively: a long fixture is thousands of writes.
                        loop.execute { write(k + 1, offset + n) }
                    }
                }
            }
            write(0, 0)
        }
    }
}

import LLMKitCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One WebSocket message: UTF-8 text or bytes. Fragmented messages arrive whole.
public enum WebSocketMessage: Sendable, Hashable {
    case text(String)
    case binary([UInt8])
}

/// A client WebSocket (RFC 6455) over NIO, `ws://` or `wss://`: one connection, messages in as an
/// async sequence, messages out with `send`. Pings from the server are answered; the client pings every
/// `pingInterval` and fails the session when nothing (no pong, no message) arrives within another interval. A socket that
/// drops without a close frame ends `messages` with a `.network` error, never a hang.
package final class WebSocketConnection: Sendable {
    /// Messages from the server, in order. Finishes after a normal close (1000 or 1001, or a close this
    /// side started); throws `LLMError` for any other close code, a dropped socket or a protocol error.
    package let messages: AsyncThrowingStream<WebSocketMessage, any Error>
    /// The headers of the server's `101 Switching Protocols` answer.
    package let responseHeaders: HTTPHeaders
    private let channel: any Channel
    /// Touched only on `channel.eventLoop`.
    private let handler: WebSocketClientHandler
    /// The provider id, for errors.
    package let provider: String

    private init(
        channel: any Channel, handler: WebSocketClientHandler, provider: String, headers: HTTPHeaders,
        messages: AsyncThrowingStream<WebSocketMessage, any Error>
    ) {
        self.channel = channel
        self.handler = handler
        self.responseHeaders = headers
        self.messages = messages
        self.provider = provider
    }

    /// The answer of a server that did not switch protocols (e.g. 401 with a JSON error body).
    package struct Rejected: Error, Sendable {
        package var status: Int
        package var headers: HTTPHeaders
        package var body: [UInt8]
    }

    /// Opens a connection. A server that answers the upgrade with an HTTP error is reported through
    /// `mapRejection` (the provider's error mapping), so a bad key reads the same as on HTTP calls.
    package static func connect(
        url: String, headers: HTTPHeaders, provider: String, timeouts: Timeouts = .default,
        pingInterval: Duration? = .seconds(20), maxMessageSize: Int = 32 << 20,
        mapRejection: @Sendable (Rejected) -> LLMError
    ) async throws(LLMError) -> WebSocketConnection {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            scheme == "ws" || scheme == "wss", let host = parsed.host, !host.isEmpty
        else {
            throw LLMError(
                .invalidRequest, "not a WebSocket URL: \(url) (expected ws:// or wss://)", provider: provider)
        }
        let tls = scheme == "wss"
        let port = parsed.port ?? (tls ? 443 : 80)
        var target = parsed.path.isEmpty ? "/" : parsed.path
        if let q = parsed.query, !q.isEmpty { target += "?" + q }
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target)
        head.headers.add(name: "Host", value: parsed.port.map { "\(host):\($0)" } ?? host)
        head.headers.add(contentsOf: headers)
        let requestHead = head

        let (stream, continuation) = AsyncThrowingStream<WebSocketMessage, any Error>.makeStream()
        let opened = NIOLockedValueBox<(any Channel)?>(nil)
        let sslContext: NIOSSLContext?
        do {
            sslContext = tls ? try Self.sslContext() : nil
        } catch {
            throw LLMError(.network, "cannot set up TLS for \(host): \(error)", provider: provider)
        }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.init(timeouts.connect))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        let upgrade: EventLoopFuture<Upgrade>
        do {
            upgrade = try await bootstrap.connect(host: host, port: port) { channel in
                opened.withLockedValue { $0 = channel }
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: sslContext, serverHostname: host))
                    }
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(
                        maxFrameSize: min(maxMessageSize, 1 << 24),
                        upgradePipelineHandler: { channel, response in
                            channel.eventLoop.makeCompletedFuture {
                                let handler = WebSocketClientHandler(
                                    continuation: continuation, provider: provider, pingInterval: pingInterval)
                                try channel.pipeline.syncOperations.addHandlers([
                                    NIOWebSocketFrameAggregator(
                                        minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16,
                                        maxAccumulatedFrameSize: maxMessageSize),
                                    handler,
                                ])
                                return .upgraded(handler, response.headers)
                            }
                        })
                    let config = NIOTypedHTTPClientUpgradeConfiguration(
                        upgradeRequestHead: requestHead, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in
                            channel.eventLoop.makeCompletedFuture {
                                let answer = channel.eventLoop.makePromise(of: Rejected.self)
                                try channel.pipeline.syncOperations.addHandler(RejectionCollector(answer: answer))
                                return .rejected(answer.futureResult)
                            }
                        })
                    var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: config)
                    // Servers send their first message right behind the 101 (OpenAI's session.created);
                    // bytes that share a read with the answer must reach the WebSocket decoder.
                    pipeline.leftOverBytesStrategy = .forwardBytes
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: pipeline)
                }
            }
        } catch {
            throw HTTPTransport.map(error, provider: provider, url: url.replacingScheme())
        }
        let loop = upgrade.eventLoop
        // No 101 (or refusal) before the first-byte timeout: close the socket, which fails the upgrade.
        let timedOut = NIOLockedValueBox(false)
        let deadline = loop.scheduleTask(in: .init(timeouts.firstByte)) {
            timedOut.withLockedValue { $0 = true }
            opened.withLockedValue { $0 }?.close(promise: nil)
        }
        defer { deadline.cancel() }
        let result: Upgrade
        do {
            result = try await withTaskCancellationHandler {
                try await upgrade.get()
            } onCancel: {
                opened.withLockedValue { $0 }?.close(promise: nil)
            }
        } catch {
            if timedOut.withLockedValue({ $0 }) {
                throw LLMError(
                    .timeout, "\(host) did not answer the WebSocket upgrade before the first-byte timeout",
                    provider: provider, timeoutPhase: .firstByte)
            }
            if Task.isCancelled { throw LLMError(.cancelled, "the session was cancelled", provider: provider) }
            throw HTTPTransport.map(error, provider: provider, url: url.replacingScheme())
        }
        switch result {
        case .upgraded(let handler, let headers):
            let connection = WebSocketConnection(
                channel: handler.channel!, handler: handler, provider: provider, headers: headers, messages: stream)
            continuation.onTermination = { [connection] reason in
                if case .cancelled = reason { connection.closeSoon() }
            }
            return connection
        case .rejected(let answer):
            // The collector completes the answer at the response's end or when the socket closes, whichever is first.
            let rejected = (try? await answer.get()) ?? Rejected(status: 0, headers: [:], body: [])
            throw mapRejection(rejected)
        }
    }

    /// Sends one message (masked, as clients must).
    package func send(_ message: WebSocketMessage) async throws(LLMError) {
        let frame: WebSocketFrame
        switch message {
        case .text(let s):
            frame = WebSocketFrame(
                fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(string: s))
        case .binary(let b):
            frame = WebSocketFrame(
                fin: true, opcode: .binary, maskKey: .random(), data: channel.allocator.buffer(bytes: b))
        }
        do {
            try await channel.writeAndFlush(frame)
        } catch {
            throw LLMError(
                .network, "the WebSocket is closed; open a new session to continue (\(error))",
                provider: provider)
        }
    }

    /// Starts the closing handshake (code 1000) and waits until the socket is closed; `messages` then
    /// finishes normally after any messages still in flight.
    package func close(code: WebSocketErrorCode = .normalClosure) async {
        let loop = channel.eventLoop
        let handler = self.handler
        try? await loop.submit { handler.startClose(code: code) }.get()
        try? await channel.closeFuture.get()
    }

    private func closeSoon() {
        let handler = self.handler
        channel.eventLoop.execute { handler.startClose(code: .goingAway) }
    }

    private static let sharedSSL = NIOLockedValueBox<NIOSSLContext?>(nil)
    private static func sslContext() throws -> NIOSSLContext {
        try sharedSSL.withLockedValue { cached in
            if let c = cached { return c }
            let c = try NIOSSLContext(configuration: .makeClientConfiguration())
            cached = c
            return c
        }
    }

    enum Upgrade: Sendable {
        case upgraded(WebSocketClientHandler, HTTPHeaders)
        case rejected(EventLoopFuture<Rejected>)
    }
}

extension String {
    /// `ws(s)://` as `http(s)://`, for error messages that name the host.
    fileprivate func replacingScheme() -> String {
        if hasPrefix("wss://") { return "https://" + dropFirst(6) }
        if hasPrefix("ws://") { return "http://" + dropFirst(5) }
        return self
    }
}

/// Collects the HTTP answer of a server that refused the upgrade.
private final class RejectionCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    let answer: EventLoopPromise<WebSocketConnection.Rejected>
    var head: HTTPResponseHead?
    var body: [UInt8] = []
    var done = false

    init(answer: EventLoopPromise<WebSocketConnection.Rejected>) { self.answer = answer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body(let b): if body.count < 1 << 16 { body += b.readableBytesView }
        case .end: finish(context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) { finish(context) }

    /// Never leave the promise open (NIO reports a leaked promise), whatever removes the handler.
    func handlerRemoved(context: ChannelHandlerContext) { finish(context) }

    private func finish(_ context: ChannelHandlerContext) {
        guard !done else { return }
        done = true
        answer.succeed(.init(status: Int(head?.status.code ?? 0), headers: head?.headers ?? [:], body: body))
        context.close(promise: nil)
    }
}

/// The pipeline end of a client WebSocket: turns frames into messages, answers pings, runs the
/// keep-alive pings and the closing handshake, and reports how the session ended.
final class WebSocketClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let continuation: AsyncThrowingStream<WebSocketMessage, any Error>.Continuation
    let provider: String
    let pingInterval: Duration?
    private(set) weak var channel: (any Channel)?
    private var context: ChannelHandlerContext?
    private var closeSent = false
    private var closeReceived: (code: WebSocketErrorCode, reason: String)?
    private var finished = false
    private var awaitingPong = false
    private var pinger: RepeatedTask?

    init(
        continuation: AsyncThrowingStream<WebSocketMessage, any Error>.Continuation, provider: String,
        pingInterval: Duration?
    ) {
        self.continuation = continuation
        self.provider = provider
        self.pingInterval = pingInterval
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.channel = context.channel
        // The socket may close while the upgrade is still in progress (a server that sends a message and
        // drops at once), before this handler could see channelInactive. The close future always fires;
        // the hop lets the messages buffered during the upgrade arrive first.
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        context.channel.closeFuture.whenComplete { _ in loop.execute { bound.value.closed() } }
        if let pingInterval {
            let interval = TimeAmount(pingInterval)
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            pinger = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                bound.value.keepAlive()
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pinger?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        // Anything from the server proves it alive: a pong queued behind a burst of audio is not a dead peer.
        awaitingPong = false
        switch frame.opcode {
        case .text:
            continuation.yield(.text(String(buffer: frame.unmaskedData)))
        case .binary:
            continuation.yield(.binary(Array(frame.unmaskedData.readableBytesView)))
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            var data = frame.unmaskedData
            let code = data.readWebSocketErrorCode() ?? .normalClosure
            let reason = data.readString(length: data.readableBytes) ?? ""
            closeReceived = (code, reason)
            if !closeSent {
                closeSent = true
                var echo = context.channel.allocator.buffer(capacity: 2)
                echo.write(webSocketErrorCode: code)
                let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: echo)
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in channel.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        default:
            fail(
                context,
                LLMError(
                    .decoding, "the server sent a WebSocket frame with an unknown opcode \(frame.opcode)",
                    provider: provider))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let described: LLMError
        if let e = error as? NIOWebSocketError {
            described = LLMError(
                .decoding, "the server broke the WebSocket protocol (\(e)); the session is closed", provider: provider)
        } else {
            described = HTTPTransport.map(error, provider: provider)
        }
        fail(context, described)
    }

    func channelInactive(context: ChannelHandlerContext) {
        context.fireChannelInactive()
    }

    private func closed() {
        pinger?.cancel()
        if let (code, reason) = closeReceived {
            if code == .normalClosure || code == .goingAway || closeSent && !awaitingClose(code) {
                finish(nil)
            } else {
                finish(
                    LLMError(
                        .network,
                        "the server closed the session with code \(Self.number(code))\(reason.isEmpty ? "" : ": \(reason)")",
                        provider: provider, providerCode: Self.number(code), body: reason.isEmpty ? nil : reason))
            }
        } else if closeSent {
            finish(nil)
        } else {
            finish(
                LLMError(
                    .network,
                    "the connection dropped mid-session without a WebSocket close; open a new session to continue",
                    provider: provider))
        }
    }

    /// A close we started is normal whatever code the server echoes, unless it reports an error of its own.
    private func awaitingClose(_ code: WebSocketErrorCode) -> Bool {
        switch code {
        case .normalClosure, .goingAway: return false
        case .unknown(let n): return n >= 1002 && n != 1005
        default: return true
        }
    }

    static func number(_ code: WebSocketErrorCode) -> String {
        var b = ByteBuffer()
        b.write(webSocketErrorCode: code)
        return b.readInteger(as: UInt16.self).map(String.init) ?? "?"
    }

    func startClose(code: WebSocketErrorCode) {
        guard let context, !closeSent, context.channel.isActive else { return }
        closeSent = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: data)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
        // A server that never answers the close still lets go of the socket.
        let channel = context.channel
        context.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
    }

    private func keepAlive() {
        guard let context, !closeSent else { return }
        if awaitingPong {
            fail(
                context,
                LLMError(
                    .timeout, "the server stopped answering WebSocket pings; the session is closed",
                    provider: provider, timeoutPhase: .idle))
            return
        }
        awaitingPong = true
        let ping = WebSocketFrame(
            fin: true, opcode: .ping, maskKey: .random(), data: context.channel.allocator.buffer(string: "llmkit"))
        context.writeAndFlush(wrapOutboundOut(ping), promise: nil)
    }

    private func fail(_ context: ChannelHandlerContext, _ error: LLMError) {
        finish(error)
        context.close(promise: nil)
    }

    private func finish(_ error: LLMError?) {
        guard !finished else { return }
        finished = true
        if let error { continuation.finish(throwing: error) } else { continuation.finish() }
    }
}

import Foundation
import LLMKit
import LLMKitCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// A WebSocket server on 127.0.0.1 that plays a script: send recorded server messages, wait for the
/// client's messages, ping, close or drop the socket. It records what the client sent, so tests can
/// replay a provider's session through the real client stack and assert both directions.
public final class LoopbackWebSocketServer: Sendable {
    /// One step of the script.
    public enum Step: Sendable {
        /// Send a message as one frame.
        case send(WebSocketMessage)
        /// Send a text message split into this many frames (a first frame and continuations).
        case sendFragmented(String, frames: Int)
        /// Wait until the client has sent this many more data messages (counted from the script's start).
        case expect(Int)
        /// Send a ping with this payload (the client must answer with a pong).
        case ping([UInt8])
        /// Send a close frame, wait for the client's answer, then close the socket.
        case close(code: UInt16, reason: String)
        /// Wait for the client's close frame, answer it, and close the socket.
        case expectClose
        /// Close the TCP connection without a close frame (a dropped socket).
        case drop
        /// Wait.
        case pause(TimeAmount)
    }

    /// How the server answers the upgrade request.
    public enum Handshake: Sendable {
        case accept
        /// Refuse with an HTTP answer (e.g. 401 and the provider's JSON error).
        case reject(status: Int, headers: [(String, String)], body: [UInt8])
    }

    private struct State {
        var uri: String?
        var headers: [(String, String)] = []
        var received: [WebSocketMessage] = []
        var pongs: [[UInt8]] = []
        var clientCloseCode: UInt16?
        var finished = false
        var closed = false
        var connections = 0
    }

    private let box: NIOLockedValueBox<State>
    private let channel: any Channel
    /// `ws://127.0.0.1:PORT`.
    public let baseURL: String

    /// WebSocket servers' own loop, apart from the HTTP loopback servers' (busy with thousands of 1-7 byte
    /// writes in a parallel run) and from the client's.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    private init(box: NIOLockedValueBox<State>, channel: any Channel) {
        self.box = box
        self.channel = channel
        self.baseURL = "ws://127.0.0.1:\(channel.localAddress!.port!)"
    }

    /// The upgrade request's path and query.
    public var requestURI: String? { box.withLockedValue { $0.uri } }
    /// The upgrade request's headers.
    public var requestHeaders: [(String, String)] { box.withLockedValue { $0.headers } }
    /// The first value of upgrade-request header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        requestHeaders.first { $0.0.lowercased() == name.lowercased() }?.1
    }
    /// The data messages the client sent, in order.
    public var received: [WebSocketMessage] { box.withLockedValue { $0.received } }
    /// The text messages the client sent, parsed as JSON.
    public var receivedJSON: [JSONValue] {
        received.compactMap { if case .text(let s) = $0 { try? JSONValue(parsing: Array(s.utf8)) } else { nil } }
    }
    /// Payloads of the pongs the client sent.
    public var pongs: [[UInt8]] { box.withLockedValue { $0.pongs } }
    /// The code of the client's close frame, if it sent one.
    public var clientCloseCode: UInt16? { box.withLockedValue { $0.clientCloseCode } }
    /// True once the script ran to its end (or the socket closed).
    public var finished: Bool { box.withLockedValue { $0.finished } }
    /// True once the connection is closed.
    public var closed: Bool { box.withLockedValue { $0.closed } }

    /// Starts a server that plays `script` on the first connection, writing each frame's bytes as
    /// `delivery` says (whole, or split at random 1-7 byte boundaries).
    public static func start(
        _ script: [Step], handshake: Handshake = .accept, delivery: CannedResponse.Delivery = .whole
    ) async throws -> LoopbackWebSocketServer {
        let box = NIOLockedValueBox(State())
        let channel = try await ServerBootstrap(group: Self.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                box.withLockedValue { $0.connections += 1 }
                let upgrader = NIOWebSocketServerUpgrader(
                    maxFrameSize: 1 << 24, automaticErrorHandling: false,
                    shouldUpgrade: { channel, head in
                        box.withLockedValue {
                            $0.uri = head.uri
                            $0.headers = head.headers.map { ($0.name, $0.value) }
                        }
                        if case .reject = handshake { return channel.eventLoop.makeSucceededFuture(nil) }
                        return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
                    },
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let ops = channel.pipeline.syncOperations
                            // Frames are written as raw bytes (so they can be split) from the pipeline's
                            // front, past the frame encoder.
                            let raw = RawWriter()
                            try ops.addHandler(raw, position: .first)
                            try ops.addHandler(ScriptHandler(script: script, state: box, delivery: delivery, raw: raw))
                        }
                    })
                return channel.pipeline.configureHTTPServerPipeline(
                    withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })
                ).flatMap {
                    // Only a refusing server answers over HTTP; an upgraded pipeline must not keep an HTTP handler.
                    guard case .reject = handshake else { return channel.eventLoop.makeSucceededVoidFuture() }
                    return channel.pipeline.addHandler(RejectHandler(handshake: handshake))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return LoopbackWebSocketServer(box: box, channel: channel)
    }

    /// Waits until the script is done (or `timeout` passes).
    public func waitUntilFinished(timeout: Duration = .seconds(90)) async {
        let deadline = ContinuousClock.now + timeout
        while !finished, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
    }

    /// Waits until the connection is closed (or `timeout` passes).
    public func waitUntilClosed(timeout: Duration = .seconds(90)) async {
        let deadline = ContinuousClock.now + timeout
        while !closed, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
    }

    public func shutdown() async throws {
        try? await channel.close()
    }

    /// Runs `body` with a started server, shutting it down afterwards.
    public static func with<T>(
        _ script: [Step], handshake: Handshake = .accept, delivery: CannedResponse.Delivery = .whole,
        _ body: (LoopbackWebSocketServer) async throws -> T
    ) async throws -> T {
        let server = try await start(script, handshake: handshake, delivery: delivery)
        do {
            let r = try await body(server)
            try? await server.shutdown()
            return r
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    /// Answers a refused upgrade (or a plain HTTP request) with the handshake's HTTP answer.
    private final class RejectHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let handshake: Handshake
        init(handshake: Handshake) { self.handshake = handshake }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            var status = 400
            var headers = HTTPHeaders()
            var body: [UInt8] = Array("expected a WebSocket upgrade".utf8)
            if case .reject(let s, let h, let b) = handshake {
                status = s
                headers = HTTPHeaders(h)
                body = b
            }
            headers.replaceOrAdd(name: "content-length", value: String(body.count))
            headers.replaceOrAdd(name: "connection", value: "close")
            let head = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Sits at the front of the pipeline; writes through its context reach the socket as they are.
    private final class RawWriter: ChannelDuplexHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundIn = ByteBuffer
        var context: ChannelHandlerContext?
        func handlerAdded(context: ChannelHandlerContext) { self.context = context }
        func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }
    }

    /// Plays the script on one upgraded connection.
    private final class ScriptHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = WebSocketFrame
        typealias OutboundOut = ByteBuffer

        let script: [Step]
        let state: NIOLockedValueBox<State>
        let delivery: CannedResponse.Delivery
        var next = 0
        var expectedTotal = 0
        var waiting = false
        var waitingForClose = false
        var closeSent = false
        var fragments: [UInt8] = []
        var fragmentOpcode: WebSocketOpcode?
        var context: ChannelHandlerContext?
        var splitSeed: UInt64 = 0

        let raw: RawWriter

        init(script: [Step], state: NIOLockedValueBox<State>, delivery: CannedResponse.Delivery, raw: RawWriter) {
            self.raw = raw
            self.script = script
            self.state = state
            self.delivery = delivery
            if case .randomSplits(let seed) = delivery { splitSeed = seed }
        }

        func handlerAdded(context: ChannelHandlerContext) {
            self.context = context
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.execute { bound.value.advance() }
        }

        func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

        func channelInactive(context: ChannelHandlerContext) {
            state.withLockedValue {
                $0.finished = true
                $0.closed = true
            }
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            switch frame.opcode {
            case .text, .binary, .continuation:
                if frame.opcode != .continuation {
                    fragmentOpcode = frame.opcode
                    fragments = []
                }
                fragments += frame.unmaskedData.readableBytesView
                guard frame.fin else { return }
                let message: WebSocketMessage =
                    fragmentOpcode == .text ? .text(String(decoding: fragments, as: UTF8.self)) : .binary(fragments)
                state.withLockedValue { $0.received.append(message) }
                if waiting { advance() }
            case .pong:
                let payload = Array(frame.unmaskedData.readableBytesView)
                state.withLockedValue { $0.pongs.append(payload) }
            case .ping:
                write(Self.frame(opcode: .pong, payload: Array(frame.unmaskedData.readableBytesView)))
            case .connectionClose:
                var data = frame.unmaskedData
                let code = data.readInteger(as: UInt16.self)
                state.withLockedValue { $0.clientCloseCode = code ?? 1005 }
                if !closeSent {
                    closeSent = true
                    var payload: [UInt8] = []
                    if let code { payload = [UInt8(code >> 8), UInt8(code & 0xff)] }
                    let channel = context.channel
                    write(Self.frame(opcode: .connectionClose, payload: payload)) { channel.close(promise: nil) }
                } else {
                    context.channel.close(promise: nil)
                }
            default:
                break
            }
        }

        /// Runs steps until one has to wait.
        func advance() {
            waiting = false
            guard let context, next < script.count else {
                if next >= script.count { state.withLockedValue { $0.finished = true } }
                return
            }
            let step = script[next]
            next += 1
            let loop = context.eventLoop
            let bound = NIOLoopBound(self, eventLoop: loop)
            let proceed: @Sendable () -> Void = { loop.execute { bound.value.advance() } }
            switch step {
            case .send(.text(let s)):
                write(Self.frame(opcode: .text, payload: Array(s.utf8)), then: proceed)
            case .send(.binary(let b)):
                write(Self.frame(opcode: .binary, payload: b), then: proceed)
            case .sendFragmented(let s, let frames):
                let bytes = Array(s.utf8)
                let size = max(1, (bytes.count + frames - 1) / max(frames, 1))
                var out: [UInt8] = []
                var offset = 0
                while offset < bytes.count {
                    let end = min(bytes.count, offset + size)
                    out += Self.frame(
                        opcode: offset == 0 ? .text : .continuation, payload: Array(bytes[offset..<end]),
                        fin: end == bytes.count)
                    offset = end
                }
                write(out, then: proceed)
            case .expect(let n):
                expectedTotal += n
                if state.withLockedValue({ $0.received.count }) >= expectedTotal {
                    proceed()
                } else {
                    waiting = true
                    next -= 1
                    expectedTotal -= n
                }
            case .ping(let payload):
                write(Self.frame(opcode: .ping, payload: payload), then: proceed)
            case .close(let code, let reason):
                closeSent = true
                write(
                    Self.frame(opcode: .connectionClose, payload: [UInt8(code >> 8), UInt8(code & 0xff)] + reason.utf8))
                // The client answers with its own close frame; channelRead then closes the socket. The
                // fallback is long: on a loaded machine the echo has come after 5 s, and closing first made
                // the client's close code go unrecorded.
                let channel = context.channel
                loop.scheduleTask(in: .seconds(60)) { channel.close(promise: nil) }
            case .expectClose:
                break  // channelRead answers the close frame and closes the socket
            case .drop:
                context.channel.close(promise: nil)
            case .pause(let t):
                loop.scheduleTask(in: t) { bound.value.advance() }
            }
        }

        /// Writes queued frames in order, one at a time: a frame split into many small writes is never
        /// interleaved with another (a pong or a close echo sent meanwhile waits its turn).
        private var queue: [(bytes: [UInt8], then: (@Sendable () -> Void)?)] = []
        private var writing = false

        /// Writes `bytes` as `delivery` says, then calls `then`.
        private func write(_ bytes: [UInt8], then: (@Sendable () -> Void)? = nil) {
            queue.append((bytes, then))
            if !writing { writeNext() }
        }

        private func writeNext() {
            guard let rawContext = raw.context, !queue.isEmpty else {
                writing = false
                return
            }
            writing = true
            let (bytes, then) = queue.removeFirst()
            let sizes: [Int]
            switch delivery {
            case .whole: sizes = [bytes.count]
            case .randomSplits:
                splitSeed &+= 1
                sizes = CannedResponse(body: [], delivery: .randomSplits(seed: splitSeed)).writeSizes(bytes.count)
            case .chunks: sizes = CannedResponse(body: [], delivery: delivery).writeSizes(bytes.count)
            }
            let loop = rawContext.eventLoop
            let out = NIOLoopBound(rawContext, eventLoop: loop)
            let me = NIOLoopBound(self, eventLoop: loop)
            @Sendable func step(_ k: Int, _ offset: Int) {
                guard k < sizes.count else {
                    then?()
                    me.value.writeNext()
                    return
                }
                let n = sizes[k]
                let context = out.value
                let buf = context.channel.allocator.buffer(bytes: bytes[offset..<(offset + n)])
                context.writeAndFlush(NIOAny(buf)).whenComplete { result in
                    guard case .success = result else {
                        me.value.writing = false
                        return
                    }
                    loop.execute { step(k + 1, offset + n) }
                }
            }
            step(0, 0)
        }

        /// An unmasked server frame.
        static func frame(opcode: WebSocketOpcode, payload: [UInt8], fin: Bool = true) -> [UInt8] {
            var out: [UInt8] = [(fin ? 0x80 : 0) | UInt8(webSocketOpcode: opcode)]
            if payload.count < 126 {
                out.append(UInt8(payload.count))
            } else if payload.count <= 0xFFFF {
                out += [126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)]
            } else {
                out.append(127)
                for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((payload.count >> shift) & 0xff)) }
            }
            return out + payload
        }
    }
}

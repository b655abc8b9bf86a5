import NIOCore
import NIOHTTP1
import NIOTLS

/// The only handler of a pooled connection's pipeline (after TLS): writes a request's bytes,
/// parses the response, feeds the exchange once per read, keeps the timeouts and hands the
/// connection back to the pool when the response ends.
///
/// Confined to its channel's event loop: every method runs there (the exchange reaches it with
/// `loop.execute`), hence `@unchecked Sendable`.
final class HTTP1Handler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let client: HTTP1Client
    private let origin: HTTP1Client.Origin
    @exclusivity(unchecked) private var context: ChannelHandlerContext?
    /// Strong until the channel closes (the pool or the exchange keeps the pair alive).
    @exclusivity(unchecked) private var connection: HTTP1Connection?
    @exclusivity(unchecked) private var exchange: HTTP1Exchange?
    @exclusivity(unchecked) private var parser = HTTP1ResponseParser()
    @exclusivity(unchecked) private var paused = false
    @exclusivity(unchecked) private var readPending = false
    @exclusivity(unchecked) private var timer: Scheduled<Void>?
    @exclusivity(unchecked) private var timerDeadline = NIODeadline.now()
    @exclusivity(unchecked) private var firstByteDeadline = NIODeadline.now()
    @exclusivity(unchecked) private var idle = TimeAmount.seconds(300)
    @exclusivity(unchecked) private var lastRead = NIODeadline.now()
    /// TLS only: completed when the handshake ends, failed when it fails or the channel closes first.
    @exclusivity(unchecked) private var handshake: EventLoopPromise<Void>?

    init(client: HTTP1Client, origin: HTTP1Client.Origin, handshake: EventLoopPromise<Void>?) {
        self.client = client
        self.origin = origin
        self.handshake = handshake
    }

    func connection(_ channel: any Channel) -> HTTP1Connection {
        let c = HTTP1Connection(channel: channel, origin: origin, handler: self)
        // Only while open: a channel that closed first never reaches the pool, and no cycle is left behind.
        channel.eventLoop.execute { if channel.isActive { self.connection = c } }
        return c
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func start(_ exchange: HTTP1Exchange, _ request: HTTP1Request) {
        guard let context, context.channel.isActive, self.exchange == nil else {
            exchange.fail(HTTP1Error.closedBeforeResponse)
            return
        }
        self.exchange = exchange
        parser.start(isHEAD: request.isHEAD, keepAlive: request.keepAlive)
        idle = request.idle
        lastRead = .now()
        firstByteDeadline = lastRead + request.firstByte
        context.writeAndFlush(wrapOutboundOut(request.bytes), promise: nil)
        // One timer per call: it fires at the earlier of the two deadlines and re-arms itself when
        // the one that applies is later (no re-scheduling when the head or a chunk arrives).
        arm(min(firstByteDeadline, lastRead + idle), context, exchange)
    }

    private func arm(_ deadline: NIODeadline, _ context: ChannelHandlerContext, _ current: HTTP1Exchange) {
        timerDeadline = deadline
        timer = context.eventLoop.scheduleTask(deadline: deadline) { [self] in self.tick(current) }
    }

    /// The first-byte deadline before the head, the idle timeout after it.
    private func tick(_ current: HTTP1Exchange) {
        guard exchange === current, let context else { return }
        let now = NIODeadline.now()
        if !parser.hasHead {
            if now >= firstByteDeadline {
                end(with: HTTP1Error.firstByteTimeout)
            } else {
                arm(firstByteDeadline, context, current)
            }
            return
        }
        let due = lastRead + idle
        if now >= due {
            end(with: HTTP1Error.idleTimeout)
        } else {
            arm(due, context, current)
        }
    }

    private func end(with error: any Error) {
        timer?.cancel()
        timer = nil
        let current = exchange
        exchange = nil
        current?.fail(error)
        context?.close(promise: nil)
    }

    /// The task gave up on `current` (cancelled or dropped the body).
    func abort(_ current: HTTP1Exchange) {
        guard exchange === current else { return }
        end(with: CancellationError())
    }

    func resumeReading() {
        paused = false
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if paused {
            readPending = true
        } else {
            context.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange else {
            // Bytes on an idle connection: nothing was asked, so it cannot be trusted with a request.
            context.close(promise: nil)
            return
        }
        var input = unwrapInboundIn(data)
        var out = HTTP1ResponseParser.Output()
        let hadHead = parser.hasHead
        do {
            try parser.feed(&input, into: &out)
        } catch {
            end(with: error)
            return
        }
        lastRead = .now()
        // A head later than the idle timeout finds the timer at the first-byte deadline: bring it forward.
        if !hadHead, parser.hasHead, timerDeadline > lastRead + idle {
            timer?.cancel()
            arm(lastRead + idle, context, exchange)
        }
        deliver(out, exchange, context)
    }

    private func deliver(_ out: HTTP1ResponseParser.Output, _ exchange: HTTP1Exchange, _ context: ChannelHandlerContext)
    {
        if out.end {
            timer?.cancel()
            timer = nil
            self.exchange = nil
            paused = false
            // A read held back while paused goes out now: a pooled connection keeps reading (to see
            // the server close it, and to get the next response).
            if readPending {
                readPending = false
                context.read()
            }
            // Back in the pool before the task resumes, so its next request finds the connection.
            if parser.keepAlive, let connection {
                client.release(connection)
            } else {
                context.close(promise: nil)
            }
        }
        guard out.head != nil || out.body != nil || out.end else { return }
        if exchange.receive(head: out.head, body: out.body, end: out.end), !out.end { paused = true }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let handshake, case .handshakeCompleted = event as? TLSUserEvent {
            self.handshake = nil
            handshake.succeed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let handshake {
            self.handshake = nil
            handshake.fail(error)
            context.close(promise: nil)
            return
        }
        if exchange != nil {
            // A reset before any byte of the answer is a stale connection (retried once on a new one);
            // anything else (TLS, a cut-off response) is reported as it is.
            let stale = !parser.receivedAny && (error is IOError || error is ChannelError)
            end(with: stale ? HTTP1Error.closedBeforeResponse : error)
        } else {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let handshake {
            self.handshake = nil
            handshake.fail(HTTP1Error.closedBeforeResponse)
        }
        if let exchange {
            var out = HTTP1ResponseParser.Output()
            do {
                try parser.closed(into: &out)
                deliver(out, exchange, context)
            } catch {
                end(with: error)
            }
        }
        if let connection {
            client.closed(connection)
            self.connection = nil
        }
        context.fireChannelInactive()
    }
}

import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// One request and its response, shared between the event loop (which fills it) and the task
/// reading the body. Everything mutable is behind `lock`.
final class HTTP1Exchange: @unchecked Sendable {
    let loop: any EventLoop
    let handler: HTTP1Handler
    private let lock = NIOLock()
    @exclusivity(unchecked) private var headWaiter: UnsafeContinuation<HTTPResponseHead, any Error>?
    @exclusivity(unchecked) private var bodyWaiter: UnsafeContinuation<ByteBuffer?, any Error>?
    @exclusivity(unchecked) private var chunks = CircularBuffer<ByteBuffer>()
    @exclusivity(unchecked) private var buffered = 0
    @exclusivity(unchecked) private var ended = false
    @exclusivity(unchecked) private var error: (any Error)?
    /// The handler stopped reading from the socket because `buffered` passed the high mark.
    @exclusivity(unchecked) private var paused = false

    /// Reading from the socket stops above this many buffered bytes and resumes below `low`.
    static let high = 1 << 20
    static let low = 256 << 10

    init(loop: any EventLoop, handler: HTTP1Handler) {
        self.loop = loop
        self.handler = handler
    }

    // MARK: the calling task

    /// Waits for the response head; `start` runs once the waiter is in place.
    func head(start: @escaping @Sendable () -> Void) async throws -> HTTPResponseHead {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<HTTPResponseHead, any Error>) in
                let failed: (any Error)? = lock.withLock {
                    if let error { return error }
                    headWaiter = c
                    return nil
                }
                if let failed { c.resume(throwing: failed) } else { start() }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The next body buffer, nil at the end.
    func next() async throws -> ByteBuffer? {
        if Task.isCancelled {
            cancel()
            throw CancellationError()
        }
        enum Now { case chunk(ByteBuffer, resume: Bool), end, failed(any Error), wait }
        func poll() -> Now {
            if let chunk = chunks.popFirst() {
                buffered -= chunk.readableBytes
                let resume = paused && buffered <= Self.low
                if resume { paused = false }
                return .chunk(chunk, resume: resume)
            }
            if let error { return .failed(error) }
            if ended { return .end }
            return .wait
        }
        switch lock.withLock(poll) {
        case .chunk(let chunk, let resume):
            if resume { resumeReading() }
            return chunk
        case .end: return nil
        case .failed(let error): throw error
        case .wait: break
        }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<ByteBuffer?, any Error>) in
                let now = lock.withLock { () -> Now in
                    let now = poll()
                    if case .wait = now { bodyWaiter = c }
                    return now
                }
                switch now {
                case .chunk(let chunk, let resume):
                    if resume { resumeReading() }
                    c.resume(returning: chunk)
                case .end: c.resume(returning: nil)
                case .failed(let error): c.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The body was dropped: a response not read to its end closes its connection.
    func abandon() {
        let open = lock.withLock { !ended && error == nil }
        if open { cancel() }
    }

    private func cancel() {
        fail(CancellationError())
        let handler = self.handler
        loop.execute { handler.abort(self) }
    }

    private func resumeReading() {
        let handler = self.handler
        loop.execute { handler.resumeReading() }
    }

    // MARK: the event loop

    func receive(head: HTTPResponseHead) {
        let waiter = lock.withLock {
            defer { headWaiter = nil }
            return headWaiter
        }
        waiter?.resume(returning: head)
    }

    /// Returns true when the handler should stop reading until the task catches up.
    func receive(body: ByteBuffer) -> Bool {
        let (waiter, pause) = lock.withLock { () -> (UnsafeContinuation<ByteBuffer?, any Error>?, Bool) in
            guard error == nil else { return (nil, false) }
            if let w = bodyWaiter {
                bodyWaiter = nil
                return (w, false)
            }
            chunks.append(body)
            buffered += body.readableBytes
            if buffered >= Self.high { paused = true }
            return (nil, paused)
        }
        waiter?.resume(returning: body)
        return pause
    }

    func end() {
        let waiter = lock.withLock {
            ended = true
            defer { bodyWaiter = nil }
            return bodyWaiter
        }
        waiter?.resume(returning: nil)
    }

    /// Fails the waits; buffers already received are still handed out first.
    func fail(_ failure: any Error) {
        let (head, body) = lock.withLock {
            () -> (UnsafeContinuation<HTTPResponseHead, any Error>?, UnsafeContinuation<ByteBuffer?, any Error>?) in
            guard !ended, error == nil else { return (nil, nil) }
            error = failure
            defer {
                headWaiter = nil
                bodyWaiter = nil
            }
            return (headWaiter, bodyWaiter)
        }
        head?.resume(throwing: failure)
        body?.resume(throwing: failure)
    }
}

/// The body of a response from `HTTP1Client`; dropping it before its end closes the connection.
package struct HTTP1Body: Sendable {
    let exchange: HTTP1Exchange
    private let owner: Owner

    init(_ exchange: HTTP1Exchange) {
        self.exchange = exchange
        owner = Owner(exchange)
    }

    func next() async throws -> ByteBuffer? {
        try await exchange.next()
    }

    private final class Owner: Sendable {
        let exchange: HTTP1Exchange
        init(_ exchange: HTTP1Exchange) { self.exchange = exchange }
        deinit { exchange.abandon() }
    }
}

/// The last handler of a pooled connection's pipeline: writes a request, feeds the exchange,
/// keeps the timeouts and hands the connection back to the pool when the response ends.
///
/// Confined to its channel's event loop: every method runs there (the exchange reaches it with
/// `loop.execute`), hence `@unchecked Sendable`.
final class HTTP1Handler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private let client: HTTP1Client
    private let origin: HTTP1Client.Origin
    @exclusivity(unchecked) private var context: ChannelHandlerContext?
    /// Strong until the channel closes (the pool or the exchange keeps the pair alive).
    @exclusivity(unchecked) private var connection: HTTP1Connection?
    @exclusivity(unchecked) private var exchange: HTTP1Exchange?
    @exclusivity(unchecked) private var keepAlive = true
    @exclusivity(unchecked) private var receivedAny = false
    @exclusivity(unchecked) private var gotHead = false
    @exclusivity(unchecked) private var paused = false
    @exclusivity(unchecked) private var readPending = false
    @exclusivity(unchecked) private var timer: Scheduled<Void>?
    @exclusivity(unchecked) private var timerDeadline = NIODeadline.now()
    @exclusivity(unchecked) private var firstByteDeadline = NIODeadline.now()
    @exclusivity(unchecked) private var idle = TimeAmount.seconds(300)
    @exclusivity(unchecked) private var lastRead = NIODeadline.now()

    init(client: HTTP1Client, origin: HTTP1Client.Origin) {
        self.client = client
        self.origin = origin
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
        keepAlive = request.head.isKeepAlive
        receivedAny = false
        gotHead = false
        idle = request.idle
        lastRead = .now()
        firstByteDeadline = lastRead + request.firstByte
        context.write(wrapOutboundOut(.head(request.head)), promise: nil)
        if let body = request.body, body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
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
        if !gotHead {
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
        guard let exchange else { return }
        receivedAny = true
        switch unwrapInboundIn(data) {
        case .head(let head):
            gotHead = true
            keepAlive = keepAlive && head.isKeepAlive
            lastRead = .now()
            // A head later than the idle timeout finds the timer at the first-byte deadline: bring it forward.
            if timerDeadline > lastRead + idle {
                timer?.cancel()
                arm(lastRead + idle, context, exchange)
            }
            exchange.receive(head: head)
        case .body(let buffer):
            lastRead = .now()
            if exchange.receive(body: buffer) { paused = true }
        case .end:
            timer?.cancel()
            timer = nil
            self.exchange = nil
            paused = false
            readPending = false
            // Back in the pool before the task resumes, so its next request finds the connection.
            if keepAlive, let connection {
                client.release(connection)
            } else {
                context.close(promise: nil)
            }
            exchange.end()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if exchange != nil {
            // A reset before any byte of the answer is a stale connection (retried once on a new one);
            // anything else (TLS, a malformed or cut-off response) is reported as it is.
            let stale = !receivedAny && (error is IOError || error is ChannelError)
            end(with: stale ? HTTP1Error.closedBeforeResponse : error)
        } else {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if exchange != nil {
            end(with: gotHead ? HTTP1Error.closedInBody : HTTP1Error.closedBeforeResponse)
        }
        if let connection {
            client.closed(connection)
            self.connection = nil
        }
        context.fireChannelInactive()
    }
}

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

    /// Hands over what one read produced: the head (resuming the task waiting for it with the body
    /// already queued), body bytes, the end. Returns true when the handler should stop reading
    /// until the task catches up.
    func receive(head: HTTPResponseHead?, body: ByteBuffer?, end: Bool) -> Bool {
        typealias Waiters = (
            head: UnsafeContinuation<HTTPResponseHead, any Error>?,
            body: UnsafeContinuation<ByteBuffer?, any Error>?, chunk: ByteBuffer?, pause: Bool
        )
        let w = lock.withLock { () -> Waiters in
            guard error == nil else { return (nil, nil, nil, false) }
            var w: Waiters = (nil, nil, nil, false)
            if head != nil {
                w.head = headWaiter
                headWaiter = nil
            }
            if let body {
                if let waiter = bodyWaiter {
                    bodyWaiter = nil
                    w.body = waiter
                    w.chunk = body
                } else {
                    chunks.append(body)
                    buffered += body.readableBytes
                    if buffered >= Self.high { paused = true }
                    w.pause = paused
                }
            }
            if end {
                ended = true
                if let waiter = bodyWaiter {
                    bodyWaiter = nil
                    w.body = waiter
                }
            }
            return w
        }
        if let head { w.head?.resume(returning: head) }
        w.body?.resume(returning: w.chunk)
        return w.pause
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

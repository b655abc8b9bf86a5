import AsyncHTTPClient
import LLMKitCore
import NIOCore

/// A streamed answer: an `AsyncSequence` of `StreamEvent`s ending in `.finished`.
///
/// The iterator pulls bytes straight from the HTTP body, parses SSE and JSON in
/// place and hands events over without a task hop. The request is sent on the
/// first `next()`, and is retried (per `RetryPolicy`) only until the first event
/// has been produced. A failure part-way ends the stream with the `LLMError`,
/// after a last `.usage` event when the provider had already reported usage.
public struct ChatStream: AsyncSequence, Sendable {
    public typealias Element = StreamEvent
    public typealias Failure = LLMError

    let kit: LLMKit
    let request: ChatRequest

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(driver: StreamDriver(kit: kit, request: request))
    }

    /// Collects the stream into the final response.
    public func collect() async throws(LLMError) -> ChatResponse {
        for try await event in self {
            if case .finished(let r) = event { return r }
        }
        throw LLMError(.decoding, "the stream ended without a final response")
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let driver: StreamDriver

        public mutating func next() async throws(LLMError) -> StreamEvent? {
            // Most events were parsed by an earlier read: hand them over without another async frame.
            if let event = driver.buffered() { return event }
            return try await driver.next()
        }
    }
}

/// The stream's state; a class so the SSE parser, translator and event queue
/// are mutated in place. One consumer at a time drives it (the iterator is not
/// `Sendable`), and no method holds two accesses to one property, so the hot
/// properties skip the runtime exclusivity checks.
final class StreamDriver {
    private enum State {
        case initial
        case streaming(HTTPResponse.Body.AsyncIterator)
        case done
    }

    private let kit: LLMKit
    private let request: ChatRequest
    @exclusivity(unchecked) private var state = State.initial
    private var call: PreparedCall?
    private var translator: (any StreamTranslator)?
    @exclusivity(unchecked) private var parser = SSEParser()
    /// Set instead of `parser` use when the dialect's stream is AWS event-stream framed.
    private var eventStream: AWSEventStreamDecoder?
    @exclusivity(unchecked) private var pending: [StreamEvent] = []
    @exclusivity(unchecked) private var cursor = 0
    private var pendingError: LLMError?
    private var usageDelivered: Usage?
    private var started = ContinuousClock.now

    init(kit: LLMKit, request: ChatRequest) {
        self.kit = kit
        self.request = request
        // One read often holds dozens of events: room for them up front, kept across reads.
        pending.reserveCapacity(32)
    }

    /// The next event already parsed, if any.
    @inline(__always) func buffered() -> StreamEvent? {
        guard cursor < pending.count else { return nil }
        let e = pending[cursor]
        cursor += 1
        if case .usage(let u) = e { usageDelivered = u }
        return e
    }

    func next() async throws(LLMError) -> StreamEvent? {
        while true {
            if let e = buffered() { return e }
            if cursor > 0 {
                pending.removeAll(keepingCapacity: true)
                cursor = 0
            }
            if let e = pendingError {
                pendingError = nil
                state = .done
                throw e
            }
            switch state {
            case .initial:
                try await start()
            case .streaming(var body):
                state = .done
                let chunk: ByteBuffer?
                do {
                    chunk = try await body.next()
                } catch {
                    fail(HTTPTransport.map(error, provider: call!.endpoint.info.id))
                    continue
                }
                guard let chunk else {
                    finishStream()
                    continue
                }
                state = .streaming(body)
                feed(chunk)
                if let total = kit.transport.timeouts.total, pendingError == nil, ContinuousClock.now - started > total
                {
                    fail(
                        LLMError(
                            .timeout, "the stream took longer than the total timeout (\(total))",
                            provider: call!.endpoint.info.id, timeoutPhase: .total))
                }
            case .done:
                return nil
            }
        }
    }

    private func start() async throws(LLMError) {
        state = .done
        started = .now
        let call = try kit.prepare(request, stream: true)
        self.call = call
        let transport = kit.transport
        let response = try await kit.retry.run { () async throws(LLMError) -> HTTPResponse in
            let response = try await call.send(transport)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                let body = try await LLMKit.collect(response, call: call, transport: transport, started: started)
                throw call.mapError(status: status, headers: response.headers, body: body)
            }
            return response
        }
        translator = call.dialect.makeTranslator(context: call.context)
        if call.dialect.framing == .awsEventStream { eventStream = AWSEventStreamDecoder() }
        state = .streaming(response.body.makeAsyncIterator())
    }

    private func feed(_ chunk: ByteBuffer) {
        guard let translator else { return }
        if eventStream != nil {
            feedEventStream(chunk, translator)
            return
        }
        do {
            try chunk.withUnsafeReadableBytes { buf in
                try parser.feed(buf) { event, data in
                    try translator.consume(event: event, data: data, into: &pending)
                }
            }
        } catch let error as LLMError {
            fail(error)
        } catch {
            fail(LLMError(.decoding, "\(error)", provider: call?.endpoint.info.id))
        }
    }

    private func feedEventStream(_ chunk: ByteBuffer, _ translator: any StreamTranslator) {
        let provider = call?.endpoint.info.id ?? "bedrock"
        do {
            try chunk.withUnsafeReadableBytes { buf in
                try eventStream!.feed(buf) { message in
                    try AWSEventStreamEvents.deliver(message, provider: provider) { event, data in
                        try translator.consume(event: event, data: data, into: &pending)
                    }
                }
            }
        } catch {
            fail(AWSEventStreamEvents.map(error, provider: provider))
        }
    }

    private func finishStream() {
        guard let translator else { return }
        do {
            if let decoder = eventStream {
                do { try decoder.finish() } catch {
                    throw AWSEventStreamEvents.map(error, provider: call?.endpoint.info.id ?? "bedrock")
                }
            }
            try parser.finish { event, data in
                try translator.consume(event: event, data: data, into: &pending)
            }
            var response = try translator.finish(into: &pending)
            if let call { response.cost = call.cost(response.usage, reported: response.model) }
            pending.append(.finished(response))
            state = .done
        } catch let error as LLMError {
            fail(error)
        } catch {
            fail(LLMError(.decoding, "\(error)", provider: call?.endpoint.info.id))
        }
    }

    /// Ends the stream with `error`, after the events already parsed and a last usage report.
    private func fail(_ error: LLMError) {
        state = .done
        if let u = translator?.partialUsage, u != usageDelivered, !pending.contains(.usage(u)) {
            pending.append(.usage(u))
        }
        pendingError = error
    }
}

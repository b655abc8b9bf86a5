import AsyncHTTPClient
import LLMKitCore
import NIOCore
import NIOHTTP1

/// Streamed speech: an `AsyncSequence` of audio chunks (`[UInt8]`, one per network read, in order).
///
/// The iterator pulls straight from the HTTP body, without a task hop. The request is sent on the first
/// `next()` and retried (per `RetryPolicy`) only until the provider has answered with a success status;
/// a failure after that ends the stream with the `LLMError`. Cancelling the consuming task, or dropping the
/// iterator, closes the connection.
public struct SpeechStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = LLMError

    let kit: LLMKit
    let request: SpeechRequest

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(driver: SpeechStreamDriver(kit: kit, request: request))
    }

    /// Reads the whole stream into one `SpeechAudio`.
    public func collect() async throws(LLMError) -> SpeechAudio {
        var iterator = makeAsyncIterator()
        var bytes: [UInt8] = []
        while let chunk = try await iterator.next() { bytes += chunk }
        guard let audio = iterator.audio(bytes) else {
            throw LLMError(.decoding, "the speech stream ended before it started")
        }
        return audio
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let driver: SpeechStreamDriver

        public mutating func next() async throws(LLMError) -> [UInt8]? {
            try await driver.next()
        }

        /// After the first chunk: `bytes` with what the response headers said (request id, content type,
        /// billed characters) and the request's format and warnings; nil before the answer arrived.
        public func audio(_ bytes: [UInt8]) -> SpeechAudio? {
            guard let plan = driver.plan, let headers = driver.headers else { return nil }
            return plan.audio(bytes, headers: headers)
        }
    }
}

/// The stream's state. One consumer drives it at a time (the iterator is not `Sendable`).
final class SpeechStreamDriver {
    private enum State {
        case initial
        case streaming(HTTPClientResponse.Body.AsyncIterator)
        case done
    }

    private let kit: LLMKit
    private let request: SpeechRequest
    private var state = State.initial
    private var started = ContinuousClock.now
    private(set) var plan: SpeechPlan?
    private(set) var headers: HTTPHeaders?

    init(kit: LLMKit, request: SpeechRequest) {
        self.kit = kit
        self.request = request
    }

    func next() async throws(LLMError) -> [UInt8]? {
        while true {
            switch state {
            case .initial:
                state = .done
                try await start()
            case .streaming(var body):
                state = .done
                let provider = plan?.provider ?? ""
                let chunk: ByteBuffer?
                do {
                    chunk = try await body.next()
                } catch {
                    throw HTTPTransport.map(error, provider: provider)
                }
                guard let chunk else { return nil }
                if let total = kit.transport.timeouts.total, ContinuousClock.now - started > total {
                    throw LLMError(
                        .timeout, "the stream took longer than the total timeout (\(total))", provider: provider,
                        timeoutPhase: .total)
                }
                state = .streaming(body)
                if chunk.readableBytes == 0 { continue }
                return Array(chunk.readableBytesView)
            case .done:
                return nil
            }
        }
    }

    private func start() async throws(LLMError) {
        started = .now
        let plan = try kit.speechPlan(request, mode: .stream)
        self.plan = plan
        let response = try await kit.openStreaming(plan.call, started: started)
        headers = response.headers
        state = .streaming(response.body.makeAsyncIterator())
    }
}

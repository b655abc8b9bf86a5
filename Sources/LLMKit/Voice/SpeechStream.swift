import AsyncHTTPClient
@_spi(LLMKitInternal) import LLMKitCore
import NIOCore
import NIOHTTP1

/// Streamed speech: an `AsyncSequence` of audio chunks (`[UInt8]`, one per network read, or one per event of
/// an event stream, in order).
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
        /// billed characters), the request's format and warnings, and (once the stream has ended) the usage the
        /// provider reported in it; nil before the answer arrived.
        public func audio(_ bytes: [UInt8]) -> SpeechAudio? {
            guard let plan = driver.plan, let headers = driver.headers else { return nil }
            var audio = plan.audio(bytes, headers: headers)
            audio.usage = driver.usage
            audio.warnings += driver.warnings
            return audio
        }
    }
}

/// The stream's state. One consumer drives it at a time (the iterator is not `Sendable`).
final class SpeechStreamDriver {
    private enum State {
        case initial
        case streaming(HTTPResponse.Body.AsyncIterator)
        case events(SSEJSONReader)
        case done
    }

    private let kit: LLMKit
    private let request: SpeechRequest
    private var state = State.initial
    private var started = ContinuousClock.now
    private(set) var plan: SpeechPlan?
    private(set) var headers: HTTPHeaders?
    /// Usage the provider reported in the stream (OpenAI `speech.audio.done`, Gemini `usageMetadata`).
    private(set) var usage: Usage?
    /// Warnings found while decoding (a sample rate that differs from the one asked for).
    private(set) var warnings: [Warning] = []
    /// Gemini PCM held back for a WAV file, and the rate the answer named.
    private var held: [UInt8] = []
    private var rate: Int?
    private var audioBytes = 0

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
                try checkTotal(provider)
                state = .streaming(body)
                if chunk.readableBytes == 0 { continue }
                return Array(chunk.readableBytesView)
            case .events(let reader):
                state = .done
                guard let plan else { return nil }
                guard let t = try await reader.next() else { return try end(plan) }
                state = .events(reader)
                let bytes = try decode(t, plan: plan)
                if !bytes.isEmpty { return bytes }
            case .done:
                return nil
            }
        }
    }

    /// The audio of one event (empty when it carries none, or when it is held for a WAV header).
    private func decode(_ t: JSONTape, plan: SpeechPlan) throws(LLMError) -> [UInt8] {
        switch plan.decoding {
        case .openAISSE:
            let type = t.member(t.root, "type").flatMap(t.string)
            if type == "speech.audio.done", let u = t.member(t.root, "usage") {
                usage = Usage(
                    inputTokens: t.member(u, "input_tokens").flatMap(t.int) ?? 0,
                    outputTokens: t.member(u, "output_tokens").flatMap(t.int) ?? 0)
            }
            guard type == "speech.audio.delta", let b64 = t.member(t.root, "audio").flatMap(t.string) else {
                if type == "error" || t.member(t.root, "error") != nil {
                    let message = t.member(t.root, "error").flatMap { t.member($0, "message") }.flatMap(t.string)
                    throw LLMError(
                        .server, "\(plan.provider) ended the speech stream with an error: \(message ?? "no message")",
                        provider: plan.provider)
                }
                return []
            }
            guard let bytes = Base64.decode(b64) else {
                throw LLMError(
                    .decoding, "\(plan.provider) sent speech.audio.delta audio that is not valid base64",
                    provider: plan.provider)
            }
            audioBytes += bytes.count
            return bytes
        case .gemini(let output):
            let piece = try GeminiSpeech.piece(t, provider: plan.provider)
            if let u = piece.usage { usage = u }
            if let r = piece.rate { rate = r }
            if piece.bytes.isEmpty, let f = piece.finish, GoogleImages.filteredReasons.contains(f) {
                throw GeminiSpeech.noAudio(piece, provider: plan.provider, model: plan.model)
            }
            audioBytes += piece.bytes.count
            if output.wrapWAV {
                held += piece.bytes
                return []
            }
            return piece.bytes
        case .raw:
            return []
        }
    }

    /// After the last event: the held WAV file, or nil; a stream that carried no audio is an error.
    private func end(_ plan: SpeechPlan) throws(LLMError) -> [UInt8]? {
        guard audioBytes > 0 else {
            throw LLMError(
                .decoding, "\(plan.provider) ended the speech stream without audio", provider: plan.provider)
        }
        guard case .gemini(let output) = plan.decoding else { return nil }
        let bytes = GeminiSpeech.finish(held, rate: rate, output: output, warnings: &warnings)
        held = []
        return output.wrapWAV ? bytes : nil
    }

    private func checkTotal(_ provider: String) throws(LLMError) {
        if let total = kit.transport.timeouts.total, ContinuousClock.now - started > total {
            throw LLMError(
                .timeout, "the stream took longer than the total timeout (\(total))", provider: provider,
                timeoutPhase: .total)
        }
    }

    private func start() async throws(LLMError) {
        started = .now
        let plan = try kit.speechPlan(request, mode: .stream)
        self.plan = plan
        let response = try await kit.openStreaming(plan.call, started: started)
        headers = response.headers
        switch plan.decoding {
        case .raw: state = .streaming(response.body.makeAsyncIterator())
        case .openAISSE, .gemini:
            state = .events(
                SSEJSONReader(
                    response, provider: plan.provider, total: kit.transport.timeouts.total, started: started))
        }
    }
}

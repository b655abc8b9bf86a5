@_spi(LLMKitInternal) import LLMKitCore

extension LLMKit {
    /// Transcribes a recording and delivers the text as the provider produces it.
    ///
    /// OpenAI's gpt-4o transcribe models (and compatible servers that stream) send `transcript.text.delta`
    /// events, `transcript.text.segment` for the diarizing model, and `transcript.text.done` with the whole
    /// text: those arrive as `.textDelta`, `.segment` and `.done`. Every other model (Whisper, Deepgram
    /// pre-recorded, Scribe, AssemblyAI) is transcribed whole and arrives as one `.done`. The request is sent
    /// on the first `next()`; it is retried only until the provider answered with a success status.
    public func transcribeStream(_ request: TranscriptionRequest) -> TranscriptStream {
        TranscriptStream(kit: self, request: request)
    }
}

/// The events of one streamed transcription; `.done` with the whole transcript is always last.
public struct TranscriptStream: AsyncSequence, Sendable {
    public typealias Element = TranscriptEvent
    public typealias Failure = LLMError

    let kit: LLMKit
    let request: TranscriptionRequest

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(driver: TranscriptStreamDriver(kit: kit, request: request))
    }

    /// Waits for the whole transcript.
    public func collect() async throws(LLMError) -> Transcript {
        var iterator = makeAsyncIterator()
        while let event = try await iterator.next() {
            if case .done(let t) = event { return t }
        }
        throw LLMError(.decoding, "the transcription stream ended without a transcript")
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let driver: TranscriptStreamDriver

        public mutating func next() async throws(LLMError) -> TranscriptEvent? {
            try await driver.next()
        }
    }
}

/// The stream's state. One consumer drives it at a time (the iterator is not `Sendable`).
final class TranscriptStreamDriver {
    private enum State {
        case initial
        case events(SSEJSONReader, OpenAITranscription, ModelID)
        case finished
    }

    private let kit: LLMKit
    private let request: TranscriptionRequest
    private var state = State.initial
    private var text = ""
    private var segments: [Transcript.Paragraph] = []

    init(kit: LLMKit, request: TranscriptionRequest) {
        self.kit = kit
        self.request = request
    }

    func next() async throws(LLMError) -> TranscriptEvent? {
        switch state {
        case .finished:
            return nil
        case .initial:
            state = .finished
            return try await start()
        case .events(let reader, let plan, let id):
            state = .finished
            while let t = try await reader.next() {
                guard let type = t.member(t.root, "type") else { continue }
                if t.stringEquals(type, "transcript.text.delta") {
                    let delta = t.member(t.root, "delta").flatMap(t.string) ?? ""
                    text += delta
                    state = .events(reader, plan, id)
                    return .textDelta(delta)
                } else if t.stringEquals(type, "transcript.text.segment") {
                    let segment = OpenAITranscription.segment(t, t.root)
                    segments.append(segment)
                    state = .events(reader, plan, id)
                    return .segment(segment)
                } else if t.stringEquals(type, "transcript.text.done") {
                    return .done(try OpenAITranscription.read(t, id: id, warnings: plan.warnings, segments: segments))
                } else if t.stringEquals(type, "error") {
                    let error = t.member(t.root, "error") ?? t.root
                    let message = t.member(error, "message").flatMap(t.string) ?? t.rawText(t.root)
                    throw LLMError(
                        .server, "\(id.provider) reported an error mid-stream: \(message); retry the call",
                        provider: id.provider)
                }
            }
            throw LLMError(
                .network,
                "the transcription stream from \(id.provider) ended before transcript.text.done (cut off after \(text.count) characters); retry the call",
                provider: id.provider)
        }
    }

    private func start() async throws(LLMError) -> TranscriptEvent? {
        let id = try ModelID(parsing: request.model)
        let endpoint = try kit.endpoint(id.provider)
        let compatible: Bool
        switch endpoint.info.wire {
        case .openAI, .openAICompatible: compatible = true
        default: compatible = false
        }
        guard compatible, OpenAITranscription.streams(id) else { return .done(try await kit.transcribe(request)) }
        let started = ContinuousClock.now
        let plan = try OpenAITranscription(request, id: id, translate: false, stream: true)
        var call = kit.plainCall(
            endpoint, model: id.model, path: plan.path, body: plan.form.bytes(), contentType: plan.form.contentType)
        call.headers.replaceOrAdd(name: "accept", value: "text/event-stream")
        let response = try await kit.openStreaming(call, started: started)
        if let type = response.headers.first(name: "content-type"), type.hasPrefix("application/json") {
            // A server that does not stream answers with the whole transcript.
            let body = try await LLMKit.collect(response, call: call, transport: kit.transport, started: started)
            var t = JSONTape()
            do {
                try t.parse(body)
            } catch {
                throw LLMError(
                    .decoding, "\(id.provider) answered with a body that is not valid JSON (\(error))",
                    provider: id.provider)
            }
            return .done(try OpenAITranscription.read(t, id: id, warnings: plan.warnings))
        }
        let reader = SSEJSONReader(
            response, provider: id.provider, total: kit.transport.timeouts.total, started: started)
        state = .events(reader, plan, id)
        return try await next()
    }
}

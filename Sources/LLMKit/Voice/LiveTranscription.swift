@_spi(LLMKitInternal) import LLMKitCore

/// A live transcription session (Deepgram streaming `/v1/listen` over WebSocket): send audio as it
/// comes, read interim and final results as they are ready.
///
/// ```swift
/// let live = try await llm.liveTranscription(.init(model: "deepgram/nova-3", encoding: "linear16", sampleRate: 16000))
/// Task { for await chunk in microphone { try await live.send(audio: chunk) }; try await live.finish() }
/// for try await event in live.events { if case .result(let r) = event, r.isFinal { print(r.transcript) } }
/// ```
///
/// `finish()` (`CloseStream`) makes the server flush what it holds, send `Metadata` and close;
/// `events` then ends. Deepgram closes an idle stream after about 10 s without audio: call
/// `keepAlive()` during pauses. A dropped socket ends `events` with a `.network` error.
public final class LiveTranscriptionSession: Sendable {
    /// Server events in order. Iterate once.
    public let events: LiveTranscriptEvents
    public let provider: String
    public let model: String
    let connection: WebSocketConnection

    init(connection: WebSocketConnection, provider: String, model: String) {
        self.connection = connection
        self.provider = provider
        self.model = model
        self.events = LiveTranscriptEvents(messages: connection.messages, provider: provider, model: model)
    }

    /// Sends audio bytes (one binary message).
    public func send(audio: some Collection<UInt8>) async throws(LLMError) {
        try await connection.send(.binary(Array(audio)))
    }

    /// Keeps the stream open through a pause in the audio (`KeepAlive`).
    public func keepAlive() async throws(LLMError) {
        try await connection.send(.text(#"{"type":"KeepAlive"}"#))
    }

    /// Asks for final results of everything sent so far (`Finalize`); they arrive with `fromFinalize`.
    public func finalize() async throws(LLMError) {
        try await connection.send(.text(#"{"type":"Finalize"}"#))
    }

    /// Ends the audio (`CloseStream`): the server sends its last results and `Metadata`, then closes.
    public func finish() async throws(LLMError) {
        try await connection.send(.text(#"{"type":"CloseStream"}"#))
    }

    /// Closes the socket at once (results not yet sent are lost; prefer `finish()`).
    public func close() async {
        await connection.close()
    }
}

extension LLMKit {
    /// Opens a live transcription session. Supported: `deepgram/<model>` (nova-3, nova-2, ...).
    public func liveTranscription(_ options: LiveTranscriptionOptions) async throws(LLMError)
        -> LiveTranscriptionSession
    {
        let id = try ModelID(parsing: options.model)
        let endpoint = try endpoint(id.provider)
        guard endpoint.info.wire == .deepgram else {
            throw unsupported(endpoint, "live transcription", use: "deepgram/nova-3")
        }
        var query = ["model=\(id.model.addingPercentEncodingForPath)"]
        if let e = options.encoding { query.append("encoding=\(e.addingPercentEncodingForPath)") }
        if let r = options.sampleRate { query.append("sample_rate=\(r)") }
        if let c = options.channels { query.append("channels=\(c)") }
        if let l = options.language { query.append("language=\(l.addingPercentEncodingForPath)") }
        if options.interimResults { query.append("interim_results=true") }
        if options.smartFormat { query.append("smart_format=true") }
        if options.diarize { query.append("diarize=true") }
        if let u = options.utteranceEndMs { query.append("utterance_end_ms=\(u)") }
        if options.vadEvents { query.append("vad_events=true") }
        if let e = options.endpointingMs { query.append("endpointing=\(e)") }
        for k in options.keyterms { query.append("keyterm=\(k.addingPercentEncodingForPath)") }
        // Deepgram keeps the socket alive with KeepAlive messages, not pings; WebSocket pings still detect a dead peer.
        let connection = try await openWebSocket(
            endpoint, model: id.model, path: "/v1/listen?" + query.joined(separator: "&"),
            pingInterval: options.pingInterval)
        return LiveTranscriptionSession(connection: connection, provider: id.provider, model: id.model)
    }
}

/// Events of a `LiveTranscriptionSession`, decoded as they arrive.
public struct LiveTranscriptEvents: AsyncSequence, Sendable {
    public typealias Element = LiveTranscriptEvent
    let messages: AsyncThrowingStream<WebSocketMessage, any Error>
    let provider: String
    let model: String

    public struct AsyncIterator: AsyncIteratorProtocol {
        var messages: AsyncThrowingStream<WebSocketMessage, any Error>.AsyncIterator
        let provider: String

        public mutating func next() async throws -> LiveTranscriptEvent? {
            while let message = try await messages.next() {
                guard case .text(let text) = message else { continue }
                if let event = try DeepgramLive.decode(Array(text.utf8), provider: provider) { return event }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(messages: messages.makeAsyncIterator(), provider: provider)
    }
}

/// Deepgram streaming messages, by `type`: `Results`, `Metadata`, `UtteranceEnd`, `SpeechStarted`
/// (https://developers.deepgram.com/reference/speech-to-text/listen-streaming, 2026-11-25). Unknown
/// types are skipped; an `Error` message (or a non-JSON one) ends the session with a typed error.
enum DeepgramLive {
    static func decode(_ bytes: [UInt8], provider: String) throws(LLMError) -> LiveTranscriptEvent? {
        var t = JSONTape()
        do {
            try t.parse(bytes)
        } catch {
            throw LLMError(
                .decoding,
                "Deepgram sent a live message that is not JSON: \(String(decoding: bytes.prefix(120), as: UTF8.self))",
                provider: provider)
        }
        let type = t.member(t.root, "type").flatMap(t.string) ?? ""
        func channel(_ key: StaticString) -> Int {
            guard let c = t.member(t.root, key) else { return 0 }
            return t.int(c) ?? t.firstElement(c).flatMap(t.int) ?? 0  // [channel, channels] or an int
        }
        switch type {
        case "Results":
            let alt = t.member(t.root, "channel").flatMap { t.member($0, "alternatives") }.flatMap(t.firstElement)
            return .result(
                LiveTranscriptResult(
                    transcript: alt.flatMap { t.member($0, "transcript") }.flatMap(t.string) ?? "",
                    confidence: alt.flatMap { t.member($0, "confidence") }.flatMap(t.double),
                    words: alt.map { DeepgramTranscripts.words(t, $0) } ?? [],
                    start: t.member(t.root, "start").flatMap(t.double) ?? 0,
                    duration: t.member(t.root, "duration").flatMap(t.double) ?? 0,
                    isFinal: t.member(t.root, "is_final").flatMap(t.bool) ?? false,
                    speechFinal: t.member(t.root, "speech_final").flatMap(t.bool) ?? false,
                    fromFinalize: t.member(t.root, "from_finalize").flatMap(t.bool) ?? false,
                    channel: channel("channel_index")))
        case "Metadata":
            return .metadata(
                requestID: t.member(t.root, "request_id").flatMap(t.string) ?? "",
                duration: t.member(t.root, "duration").flatMap(t.double))
        case "UtteranceEnd":
            return .utteranceEnd(
                lastWordEnd: t.member(t.root, "last_word_end").flatMap(t.double) ?? 0, channel: channel("channel"))
        case "SpeechStarted":
            return .speechStarted(
                timestamp: t.member(t.root, "timestamp").flatMap(t.double) ?? 0, channel: channel("channel"))
        case "Error":
            let message =
                t.member(t.root, "description").flatMap(t.string) ?? t.member(t.root, "message").flatMap(t.string)
                ?? "Deepgram reported an error"
            throw LLMError(.server, "Deepgram live transcription failed: \(message)", provider: provider)
        default:
            return nil
        }
    }
}

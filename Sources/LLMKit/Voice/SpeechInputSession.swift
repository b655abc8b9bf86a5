import LLMKitCore
import NIOConcurrencyHelpers

/// Options of a streamed-input speech session (text arrives piece by piece, audio comes back as it
/// is ready): ElevenLabs `/v1/text-to-speech/{voice_id}/stream-input`.
public struct SpeechInputOptions: Sendable, Hashable {
    /// `elevenlabs/<model_id>`, e.g. `elevenlabs/eleven_flash_v2_5`.
    public var model: String
    public var voice: String
    public var format: AudioFormat
    public var voiceSettings: VoiceSettings?
    /// Characters to buffer before each generation (`chunk_length_schedule`), e.g. `[50, 120, 160, 290]`.
    public var chunkLengthSchedule: [Int]?
    /// Let the server decide when to generate (lower latency for complete sentences; `auto_mode`).
    public var autoMode: Bool
    /// Seconds without text before the server closes the socket (`inactivity_timeout`, at most 180).
    public var inactivityTimeout: Int?
    public var language: String?
    /// How often the client pings the socket; nil: no pings.
    public var pingInterval: Duration?

    public init(
        model: String, voice: String, format: AudioFormat = .mp3(), voiceSettings: VoiceSettings? = nil,
        chunkLengthSchedule: [Int]? = nil, autoMode: Bool = false, inactivityTimeout: Int? = nil,
        language: String? = nil, pingInterval: Duration? = .seconds(20)
    ) {
        self.model = model
        self.voice = voice
        self.format = format
        self.voiceSettings = voiceSettings
        self.chunkLengthSchedule = chunkLengthSchedule
        self.autoMode = autoMode
        self.inactivityTimeout = inactivityTimeout
        self.language = language
        self.pingInterval = pingInterval
    }
}

/// A piece of speech from a streamed-input session.
public struct SpeechInputChunk: Sendable, Hashable {
    /// Audio in the session's format (may be empty on the final message).
    public var audio: [UInt8]
    /// Which characters this audio speaks, with times in seconds from the start of this chunk.
    public var alignment: SpeechAlignment?
    /// The same for the text as the model normalized it (numbers spelled out, ...).
    public var normalizedAlignment: SpeechAlignment?
    /// The server has sent everything for the text it was given.
    public var isFinal: Bool

    public init(
        audio: [UInt8], alignment: SpeechAlignment? = nil, normalizedAlignment: SpeechAlignment? = nil,
        isFinal: Bool = false
    ) {
        self.audio = audio
        self.alignment = alignment
        self.normalizedAlignment = normalizedAlignment
        self.isFinal = isFinal
    }
}

/// Text in, speech out, over one WebSocket: feed it an LLM's stream as it arrives and play the audio
/// as it comes back.
///
/// ```swift
/// let speech = try await llm.speechInput(.init(model: "elevenlabs/eleven_flash_v2_5", voice: voiceID))
/// Task {
///     for try await event in llm.stream(chatRequest) { if let t = event.text { try await speech.send(t) } }
///     try await speech.finish()
/// }
/// for try await chunk in speech.chunks { player.write(chunk.audio) }
/// ```
///
/// `send` buffers text until a word or sentence boundary, as ElevenLabs' own SDK does (its
/// `text_chunker`), so tokens are never spoken as fragments. `finish()` sends the rest and the
/// end-of-input message; the server then sends its last audio and closes.
public final class SpeechInputSession: Sendable {
    /// Audio chunks in order. Iterate once.
    public let chunks: SpeechInputChunks
    let connection: WebSocketConnection
    private let buffer = SpeechTextChunker()

    init(connection: WebSocketConnection) {
        self.connection = connection
        self.chunks = SpeechInputChunks(messages: connection.messages, provider: connection.provider)
    }

    /// Adds text. Sent when it reaches a boundary (`. , ? ! ; : — - ( ) [ ] }` or a space).
    public func send(_ text: String) async throws(LLMError) {
        for piece in buffer.add(text) { try await sendText(piece, flush: false) }
    }

    /// Sends what is buffered and asks the server to generate now (`flush`), e.g. at the end of a turn.
    public func flush() async throws(LLMError) {
        let rest = buffer.drain()
        try await sendText(rest.isEmpty ? " " : rest, flush: true)
    }

    /// Sends what is buffered and ends the input (`{"text":""}`); the server sends the rest of the audio and closes.
    public func finish() async throws(LLMError) {
        let rest = buffer.drain()
        if !rest.isEmpty { try await sendText(rest, flush: false) }
        try await connection.send(.text(#"{"text":""}"#))
    }

    /// Closes the socket at once.
    public func close() async {
        await connection.close()
    }

    private func sendText(_ text: String, flush: Bool) async throws(LLMError) {
        var m: JSONValue = ["text": .string(text), "try_trigger_generation": true]
        if flush { m = m.setting("flush", true) }
        try await connection.send(.text(String(decoding: JSONWriter.bytes(m), as: UTF8.self)))
    }
}

/// The text buffer of a `SpeechInputSession`: ElevenLabs' `text_chunker` (elevenlabs-python
/// `src/elevenlabs/realtime_tts.py`): a piece is sent once the buffer ends with a splitter, or the
/// next text starts with one; every piece ends with a space.
package final class SpeechTextChunker: Sendable {
    static let splitters: Set<Character> = [".", ",", "?", "!", ";", ":", "—", "-", "(", ")", "[", "]", "}", " "]
    private let state = NIOLockedValueBox("")

    package init() {}

    package func add(_ text: String) -> [String] {
        state.withLockedValue { buffer in
            var out: [String] = []
            if let last = buffer.last, Self.splitters.contains(last) {
                out.append(buffer + " ")
                buffer = text
            } else if let first = text.first, Self.splitters.contains(first) {
                out.append(buffer + String(first) + " ")
                buffer = String(text.dropFirst())
            } else {
                buffer += text
            }
            return out.filter { !$0.trimmedWhitespace.isEmpty }
        }
    }

    package func drain() -> String {
        state.withLockedValue { buffer in
            defer { buffer = "" }
            return buffer.isEmpty ? "" : buffer + " "
        }
    }
}

extension LLMKit {
    /// Opens a streamed-input speech session (ElevenLabs WebSocket `stream-input`) and sends the
    /// opening message with the voice settings.
    public func speechInput(_ options: SpeechInputOptions) async throws(LLMError) -> SpeechInputSession {
        let id = try ModelID(parsing: options.model)
        let endpoint = try endpoint(id.provider)
        guard endpoint.info.wire == .elevenlabs else {
            throw unsupported(endpoint, "streamed-input speech", use: "elevenlabs/eleven_flash_v2_5")
        }
        var query = [
            "model_id=\(id.model.addingPercentEncodingForPath)",
            "output_format=\(try Self.elevenLabsFormat(options.format, provider: id.provider))",
        ]
        if options.autoMode { query.append("auto_mode=true") }
        if let t = options.inactivityTimeout { query.append("inactivity_timeout=\(t)") }
        if let l = options.language { query.append("language_code=\(l.addingPercentEncodingForPath)") }
        let path =
            "/v1/text-to-speech/\(options.voice.addingPercentEncodingForPath)/stream-input?"
            + query.joined(separator: "&")
        let connection = try await openWebSocket(
            endpoint, model: id.model, path: path, pingInterval: options.pingInterval)
        // The opening message: a single space, then the settings (elevenlabs-python realtime_tts.py).
        var open: JSONValue = ["text": " "]
        if let s = options.voiceSettings {
            var v: JSONValue = [:]
            if let x = s.stability { v = v.setting("stability", .double(x)) }
            if let x = s.similarityBoost { v = v.setting("similarity_boost", .double(x)) }
            if let x = s.style { v = v.setting("style", .double(x)) }
            if let x = s.useSpeakerBoost { v = v.setting("use_speaker_boost", .bool(x)) }
            if let x = s.speed { v = v.setting("speed", .double(x)) }
            open = open.setting("voice_settings", v)
        }
        if let c = options.chunkLengthSchedule {
            open = open.setting("generation_config", ["chunk_length_schedule": .array(c.map { .int($0) })])
        }
        try await connection.send(.text(String(decoding: JSONWriter.bytes(open), as: UTF8.self)))
        return SpeechInputSession(connection: connection)
    }
}

/// The audio of a `SpeechInputSession`, decoded as it arrives.
public struct SpeechInputChunks: AsyncSequence, Sendable {
    public typealias Element = SpeechInputChunk
    let messages: AsyncThrowingStream<WebSocketMessage, any Error>
    let provider: String

    public struct AsyncIterator: AsyncIteratorProtocol {
        var messages: AsyncThrowingStream<WebSocketMessage, any Error>.AsyncIterator
        let provider: String

        public mutating func next() async throws -> SpeechInputChunk? {
            while let message = try await messages.next() {
                guard case .text(let text) = message else { continue }
                return try ElevenLabsStreamInput.decode(Array(text.utf8), provider: provider)
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(messages: messages.makeAsyncIterator(), provider: provider)
    }
}

/// Server messages of ElevenLabs `stream-input`: `{audio (base64 or null), isFinal, alignment,
/// normalizedAlignment}` with alignments `{chars, charStartTimesMs, charsDurationsMs}` in ms relative
/// to the chunk (the durations key is also spelled `charDurationsMs`), per the AsyncAPI spec in
/// elevenlabs/elevenlabs-docs (Fixtures/voice/elevenlabs/SOURCE.md).
enum ElevenLabsStreamInput {
    static func decode(_ bytes: [UInt8], provider: String) throws(LLMError) -> SpeechInputChunk {
        let m: JSONValue
        do {
            m = try JSONValue(parsing: bytes)
        } catch {
            throw LLMError(
                .decoding,
                "ElevenLabs sent a message that is not JSON: \(String(decoding: bytes.prefix(120), as: UTF8.self))",
                provider: provider)
        }
        if let message = m["message"]?.stringValue ?? m["error"]?.stringValue, m["audio"] == nil {
            throw LLMError(.server, "ElevenLabs ended the speech stream: \(message)", provider: provider)
        }
        var audio: [UInt8] = []
        if let b64 = m["audio"]?.stringValue, !b64.isEmpty {
            guard let decoded = Base64.decode(b64) else {
                throw LLMError(.decoding, "ElevenLabs sent audio that is not base64", provider: provider)
            }
            audio = decoded
        }
        return SpeechInputChunk(
            audio: audio, alignment: alignment(m["alignment"]),
            normalizedAlignment: alignment(m["normalizedAlignment"]),
            isFinal: m["isFinal"]?.boolValue ?? false)
    }

    static func alignment(_ a: JSONValue?) -> SpeechAlignment? {
        guard let a, let chars = a["chars"]?.arrayValue, let starts = a["charStartTimesMs"]?.arrayValue else {
            return nil
        }
        let durations = (a["charsDurationsMs"] ?? a["charDurationsMs"])?.arrayValue ?? []
        var out: [SpeechAlignment.Character] = []
        for (i, c) in chars.enumerated() {
            let start = (starts.count > i ? starts[i].doubleValue : nil) ?? 0
            let duration = (durations.count > i ? durations[i].doubleValue : nil) ?? 0
            out.append(.init(character: c.stringValue ?? "", start: start / 1000, end: (start + duration) / 1000))
        }
        return SpeechAlignment(characters: out)
    }
}

import LLMKitCore
import NIOConcurrencyHelpers

/// A realtime voice session over WebSocket (OpenAI Realtime GA, xAI Grok voice agent, Gemini Live): audio
/// and text in, typed events out. Runs anywhere NIO runs; no audio device code here, audio is PCM16 bytes.
///
/// ```swift
/// let session = try await llm.realtime(RealtimeConfig(model: "openai/gpt-realtime", instructions: "Be brief."))
/// try await session.sendText("Say hello.")
/// for try await event in session.events {
///     if case .audioDelta(_, let pcm) = event { speaker.write(pcm) }
///     if case .responseDone = event { break }
/// }
/// await session.close()
/// ```
///
/// A dropped socket ends `events` with a `.network` `LLMError`; reconnecting is the caller's decision
/// (open a new session). The client pings every 20 s and fails the session when pongs stop. Gemini reports
/// errors by closing the socket with a code and reason: they end `events` with the matching kind
/// (`.authentication` for a refused key, `.notFound` for a model without Live, ...).
public final class RealtimeSession: Sendable {
    /// Server events in order. Iterate once.
    public let events: RealtimeEvents
    /// The provider id (`openai`, `xai`, `gemini`).
    public let provider: String
    public let model: String
    /// The sample rate of the PCM16 audio `appendAudio` takes.
    public let inputSampleRate: Int
    /// The sample rate of the PCM16 audio in `.audioDelta` (24 kHz on every provider LLMKit speaks).
    public let outputSampleRate: Int
    /// True when `commitAudio` with `.manual` turns also asks for the answer (Gemini: `activityEnd` ends
    /// the turn and the model answers); false when `createResponse` must follow it (OpenAI, xAI).
    public var respondsToCommittedAudio: Bool { dialect == .geminiLive }
    let connection: WebSocketConnection
    let dialect: RealtimeDialect
    let manualTurns: Bool
    let gemini: GeminiLiveState?

    init(
        connection: WebSocketConnection, dialect: RealtimeDialect, provider: String, model: String,
        config: RealtimeConfig, reader: RealtimeReader, gemini: GeminiLiveState?
    ) {
        self.connection = connection
        self.dialect = dialect
        self.provider = provider
        self.model = model
        self.inputSampleRate = dialect.inputSampleRate(config)
        self.outputSampleRate = dialect.outputSampleRate(config)
        self.manualTurns = config.turnDetection == .manual
        self.gemini = gemini
        self.events = RealtimeEvents(box: RealtimeReaderBox(reader))
    }

    /// Sends a client event as the provider spells it.
    func send(_ event: JSONValue) async throws(LLMError) {
        try await connection.send(.text(String(decoding: JSONWriter.bytes(event), as: UTF8.self)))
    }

    private func unsupported(_ message: String) -> LLMError {
        LLMError(.unsupported, message, provider: provider)
    }

    /// Appends PCM16 audio at `inputSampleRate` (OpenAI/xAI `input_audio_buffer.append`; Gemini
    /// `realtime_input.audio`, preceded by `activityStart` when a `.manual` turn begins).
    public func appendAudio(_ pcm: some Collection<UInt8>) async throws(LLMError) {
        if let gemini {
            if manualTurns, gemini.openActivity() { try await send(["realtime_input": ["activityStart": [:]]]) }
            try await send(GeminiLive.audio(pcm, rate: inputSampleRate))
            return
        }
        try await send(["type": "input_audio_buffer.append", "audio": .string(Base64.encode(pcm))])
    }

    /// Ends the user's audio turn. OpenAI/xAI: commits the input buffer as a user message (with `.manual`
    /// turns; then call `createResponse`). Gemini: `.manual` turns send `activityEnd` (the model then answers
    /// by itself); automatic detection sends `audioStreamEnd` (the microphone went quiet: flush cached audio).
    public func commitAudio() async throws(LLMError) {
        if let gemini {
            if manualTurns {
                guard gemini.closeActivity() else {
                    throw LLMError(
                        .invalidRequest, "no audio was appended since the last commit; call appendAudio first",
                        provider: provider)
                }
                try await send(["realtime_input": ["activityEnd": [:]]])
            } else {
                try await send(["realtime_input": ["audioStreamEnd": true]])
            }
            return
        }
        try await send(["type": "input_audio_buffer.commit"])
    }

    /// Drops the audio appended since the last commit. Not on Gemini, which has no such message.
    public func clearAudio() async throws(LLMError) {
        if dialect == .geminiLive {
            throw unsupported(
                "Gemini Live cannot drop audio it was sent; stop appending, or use .manual turns and commit only "
                    + "the audio you keep")
        }
        try await send(["type": "input_audio_buffer.clear"])
    }

    /// Adds a user text message, then asks for a response unless `respond` is false (Gemini:
    /// `client_content` with `turnComplete: respond`).
    public func sendText(_ text: String, respond: Bool = true) async throws(LLMError) {
        if dialect == .geminiLive { return try await send(GeminiLive.text(text, turnComplete: respond)) }
        try await send([
            "type": "conversation.item.create",
            "item": [
                "type": "message", "role": "user", "content": [["type": "input_text", "text": .string(text)]],
            ],
        ])
        if respond { try await createResponse() }
    }

    /// Answers a tool call, then asks for the next response unless `respond` is false. Gemini: a
    /// `tool_response` with `{"output": output}`; the server goes on by itself once the turn's calls are
    /// answered, so `respond` has no effect there.
    public func sendToolResult(callID: String, output: String, respond: Bool = true) async throws(LLMError) {
        if let gemini {
            guard let name = gemini.name(of: callID) else {
                throw LLMError(
                    .invalidRequest,
                    "no tool call \(callID) arrived in this session; answer the callID of a .toolCall event",
                    provider: provider)
            }
            return try await send(GeminiLive.toolResponse(id: callID, name: name, output: output))
        }
        try await send([
            "type": "conversation.item.create",
            "item": ["type": "function_call_output", "call_id": .string(callID), "output": .string(output)],
        ])
        if respond { try await createResponse() }
    }

    /// Asks the model to respond now (OpenAI/xAI `response.create`; Gemini `client_content` with only
    /// `turnComplete: true`, which answers the text sent with `respond: false`).
    public func createResponse() async throws(LLMError) {
        if dialect == .geminiLive { return try await send(["client_content": ["turnComplete": true]]) }
        try await send(["type": "response.create"])
    }

    /// Stops the response in progress (`response.cancel`), e.g. when the user barges in. Not on Gemini:
    /// it stops an answer when the user speaks (`.interrupted` follows).
    public func cancelResponse() async throws(LLMError) {
        if dialect == .geminiLive {
            throw unsupported(
                "Gemini Live has no cancel message: it stops its answer when the user starts speaking "
                    + "(automatic detection, or appendAudio with .manual turns) and sends .interrupted")
        }
        try await send(["type": "response.cancel"])
    }

    /// Changes the session's configuration (`session.update`); the model stays the one the session opened
    /// with. Gemini takes its configuration once, at setup.
    public func update(_ config: RealtimeConfig) async throws(LLMError) {
        if dialect == .geminiLive {
            throw unsupported("Gemini Live cannot change a session after setup; open a new session with the new config")
        }
        try await send(dialect.sessionUpdate(config))
    }

    /// Closes the session (WebSocket close 1000). `events` then finishes.
    public func close() async {
        await connection.close()
    }
}

extension LLMKit {
    /// Opens a realtime voice session and sends the configuration (OpenAI/xAI `session.update`; Gemini
    /// `setup`, then waits for `setupComplete`, so a refused key or model fails here). Supported:
    /// `openai/<realtime model>`, `xai/<voice model>` and `gemini/<Live model>` (Gemini Developer API; not
    /// Vertex AI Live, not Azure OpenAI realtime).
    public func realtime(_ config: RealtimeConfig) async throws(LLMError) -> RealtimeSession {
        let id = try ModelID(parsing: config.model)
        let endpoint = try endpoint(id.provider)
        let dialect: RealtimeDialect
        switch (endpoint.info.id, endpoint.info.wire) {
        case ("openai", _): dialect = .openAI
        case ("xai", _): dialect = .xai
        case (_, .gemini): dialect = .geminiLive
        default:
            throw unsupported(
                endpoint, "realtime voice sessions",
                use:
                    "openai/gpt-realtime, xai/grok-voice-latest or gemini/gemini-2.5-flash-native-audio-preview-09-2025"
            )
        }
        try dialect.check(config, provider: id.provider)
        let gemini = dialect == .geminiLive ? GeminiLiveState() : nil
        // Not `nil`: JSONValue is nil-literal expressible, so `nil` would be `.some(.null)` here.
        var setup: JSONValue?
        if gemini != nil { setup = try GeminiLive.setup(config, model: id.model, provider: id.provider) }
        let path = gemini == nil ? "/realtime?model=\(id.model.addingPercentEncodingForPath)" : GeminiLive.path
        let connection = try await openWebSocket(
            endpoint, model: id.model, path: path, pingInterval: config.pingInterval)
        let keyVariable = endpoint.keyVariable
        let model = id.model
        var reader = RealtimeReader(
            messages: connection.messages.makeAsyncIterator(),
            decoder: RealtimeDecoder(dialect: dialect, gemini: gemini),
            binaryIsJSON: gemini != nil,
            mapError: { e in gemini == nil ? e : GeminiLive.mapClose(e, model: model, keyVariable: keyVariable) })
        if let setup {
            do {
                try await reader.handshake(
                    connection, setup: setup, timeout: transport.timeouts.firstByte, provider: id.provider)
            } catch {
                await connection.close()
                throw error
            }
        } else {
            try await connection.send(
                .text(String(decoding: JSONWriter.bytes(dialect.sessionUpdate(config)), as: UTF8.self)))
        }
        return RealtimeSession(
            connection: connection, dialect: dialect, provider: id.provider, model: id.model, config: config,
            reader: reader, gemini: gemini)
    }
}

/// Reads server messages and decodes them; the session's handshake and its `events` share one.
struct RealtimeReader {
    var messages: AsyncThrowingStream<WebSocketMessage, any Error>.AsyncIterator
    var decoder: RealtimeDecoder
    /// Gemini sends JSON in binary frames on some paths; OpenAI and xAI send none.
    let binaryIsJSON: Bool
    let mapError: @Sendable (LLMError) -> LLMError
    var pending: [RealtimeEvent] = []

    mutating func next() async throws(LLMError) -> RealtimeEvent? {
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            let message: WebSocketMessage?
            do {
                message = try await messages.next()
            } catch let e as LLMError {
                throw mapError(e)
            } catch {
                throw LLMError(.network, "the realtime session failed: \(error)", provider: decoder.dialect.provider)
            }
            switch message {
            case nil: return nil
            case .text(let text): pending = try decoder.decode(Array(text.utf8))
            case .binary(let bytes): if binaryIsJSON { pending = try decoder.decode(bytes) }
            }
        }
    }

    /// Gemini: sends `setup` and reads until `setupComplete`, keeping what came before for `events`.
    mutating func handshake(
        _ connection: WebSocketConnection, setup: JSONValue, timeout: Duration, provider: String
    ) async throws(LLMError) {
        var sendError: LLMError?
        do {
            try await connection.send(.text(String(decoding: JSONWriter.bytes(setup), as: UTF8.self)))
        } catch {
            sendError = error  // the server may have closed with a reason: read it below
        }
        // 0: waiting for setupComplete, 1: answered, 2: timed out (the timer closed the socket).
        let state = NIOLockedValueBox(0)
        let timer = Task {
            try await Task.sleep(for: timeout)
            let expired = state.withLockedValue { s in
                if s == 0 { s = 2 }
                return s == 2
            }
            if expired { await connection.close() }
        }
        defer { timer.cancel() }
        var early: [RealtimeEvent] = []
        while true {
            guard let event = try await next() else {
                if state.withLockedValue({ $0 }) == 2 {
                    throw LLMError(
                        .timeout, "Gemini did not answer the session setup before the first-byte timeout",
                        provider: provider, timeoutPhase: .firstByte)
                }
                throw sendError
                    ?? LLMError(.network, "Gemini closed the session before setupComplete", provider: provider)
            }
            early.append(event)
            if case .sessionCreated = event { break }
        }
        state.withLockedValue { $0 = 1 }
        pending = early + pending
    }
}

/// Holds the reader until `events` is iterated (the handshake may have read ahead).
final class RealtimeReaderBox: @unchecked Sendable {
    private let lock = NIOLock()
    private var reader: RealtimeReader?

    init(_ reader: RealtimeReader) { self.reader = reader }

    func take() -> RealtimeReader? {
        lock.withLock {
            defer { reader = nil }
            return reader
        }
    }
}

/// Server events of a `RealtimeSession`, decoded as they arrive (no task in between). Iterate once: a
/// second iterator ends at once.
public struct RealtimeEvents: AsyncSequence, Sendable {
    public typealias Element = RealtimeEvent
    let box: RealtimeReaderBox

    public struct AsyncIterator: AsyncIteratorProtocol {
        var reader: RealtimeReader?

        public mutating func next() async throws -> RealtimeEvent? {
            guard reader != nil else { return nil }
            return try await reader!.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: box.take())
    }
}

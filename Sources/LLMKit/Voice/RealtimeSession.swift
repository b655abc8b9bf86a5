import LLMKitCore

/// A realtime voice session over WebSocket (OpenAI Realtime GA, xAI Grok voice agent): audio and
/// text in, typed events out. Runs anywhere NIO runs; no audio device code here, audio is PCM16 bytes.
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
/// (open a new session). The client pings every 20 s and fails the session when pongs stop.
public final class RealtimeSession: Sendable {
    /// Server events in order. Iterate once.
    public let events: RealtimeEvents
    /// The provider id (`openai`, `xai`).
    public let provider: String
    public let model: String
    let connection: WebSocketConnection
    let dialect: RealtimeDialect

    init(connection: WebSocketConnection, dialect: RealtimeDialect, provider: String, model: String) {
        self.connection = connection
        self.dialect = dialect
        self.provider = provider
        self.model = model
        self.events = RealtimeEvents(messages: connection.messages, dialect: dialect)
    }

    /// Sends a client event as the provider spells it.
    func send(_ event: JSONValue) async throws(LLMError) {
        try await connection.send(.text(String(decoding: JSONWriter.bytes(event), as: UTF8.self)))
    }

    /// Appends PCM16 audio to the input buffer (`input_audio_buffer.append`, base64 on the wire).
    public func appendAudio(_ pcm: some Collection<UInt8>) async throws(LLMError) {
        try await send(["type": "input_audio_buffer.append", "audio": .string(Base64.encode(pcm))])
    }

    /// Commits the input buffer as a user message (with `.manual` turn detection).
    public func commitAudio() async throws(LLMError) {
        try await send(["type": "input_audio_buffer.commit"])
    }

    /// Drops the audio appended since the last commit.
    public func clearAudio() async throws(LLMError) {
        try await send(["type": "input_audio_buffer.clear"])
    }

    /// Adds a user text message, then asks for a response unless `respond` is false.
    public func sendText(_ text: String, respond: Bool = true) async throws(LLMError) {
        try await send([
            "type": "conversation.item.create",
            "item": [
                "type": "message", "role": "user", "content": [["type": "input_text", "text": .string(text)]],
            ],
        ])
        if respond { try await createResponse() }
    }

    /// Answers a tool call, then asks for the next response unless `respond` is false.
    public func sendToolResult(callID: String, output: String, respond: Bool = true) async throws(LLMError) {
        try await send([
            "type": "conversation.item.create",
            "item": ["type": "function_call_output", "call_id": .string(callID), "output": .string(output)],
        ])
        if respond { try await createResponse() }
    }

    /// Asks the model to respond now (`response.create`).
    public func createResponse() async throws(LLMError) {
        try await send(["type": "response.create"])
    }

    /// Stops the response in progress (`response.cancel`), e.g. when the user barges in.
    public func cancelResponse() async throws(LLMError) {
        try await send(["type": "response.cancel"])
    }

    /// Changes the session's configuration (`session.update`); the model stays the one the session opened with.
    public func update(_ config: RealtimeConfig) async throws(LLMError) {
        try await send(dialect.sessionUpdate(config))
    }

    /// Closes the session (WebSocket close 1000). `events` then finishes.
    public func close() async {
        await connection.close()
    }
}

extension LLMKit {
    /// Opens a realtime voice session and sends the configuration (`session.update`). Supported:
    /// `openai/<realtime model>` and `xai/<voice model>`; the Azure and Gemini Live variants are not
    /// in LLMKit yet.
    public func realtime(_ config: RealtimeConfig) async throws(LLMError) -> RealtimeSession {
        let id = try ModelID(parsing: config.model)
        let endpoint = try endpoint(id.provider)
        let dialect: RealtimeDialect
        switch endpoint.info.id {
        case "openai": dialect = .openAI
        case "xai": dialect = .xai
        default:
            throw unsupported(endpoint, "realtime voice sessions", use: "openai/gpt-realtime or xai/grok-voice-latest")
        }
        try dialect.check(config, provider: id.provider)
        let connection = try await openWebSocket(
            endpoint, model: id.model, path: "/realtime?model=\(id.model.addingPercentEncodingForPath)",
            pingInterval: config.pingInterval)
        let session = RealtimeSession(
            connection: connection, dialect: dialect, provider: id.provider, model: id.model)
        try await session.send(dialect.sessionUpdate(config))
        return session
    }
}

/// Server events of a `RealtimeSession`, decoded as they arrive (no task in between).
public struct RealtimeEvents: AsyncSequence, Sendable {
    public typealias Element = RealtimeEvent
    let messages: AsyncThrowingStream<WebSocketMessage, any Error>
    let dialect: RealtimeDialect

    public struct AsyncIterator: AsyncIteratorProtocol {
        var messages: AsyncThrowingStream<WebSocketMessage, any Error>.AsyncIterator
        var decoder: RealtimeDecoder
        var pending: [RealtimeEvent] = []

        public mutating func next() async throws -> RealtimeEvent? {
            while true {
                if !pending.isEmpty { return pending.removeFirst() }
                guard let message = try await messages.next() else { return nil }
                guard case .text(let text) = message else { continue }
                pending = try decoder.decode(Array(text.utf8))
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(messages: messages.makeAsyncIterator(), decoder: RealtimeDecoder(dialect: dialect))
    }
}

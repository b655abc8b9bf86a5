import LLMKitCore

/// From event-stream messages to translator events, and from exception frames to `LLMError`.
enum AWSEventStreamEvents {
    /// Hands an `event` message to `consume(eventType, payload)`; throws the `LLMError` an
    /// `exception` or `error` message stands for.
    static func deliver(
        _ m: AWSEventStreamMessage, provider: String,
        _ consume: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let type = m.string(":message-type") ?? "event"
        guard type == "event" else {
            let name = m.string(":exception-type") ?? m.string(":error-code") ?? "unknown"
            var message = String(decoding: m.payload.prefix(500), as: UTF8.self)
            if let v = try? JSONValue(parsing: m.payload),
                let text = v["message"]?.stringValue ?? v["Message"]?.stringValue
            {
                message = text
            }
            throw LLMError(
                kind(of: name), "\(provider) reported \(name) mid-stream: \(message)", provider: provider,
                providerType: name)
        }
        let event = m.string(":event-type") ?? ""
        var e = event
        try e.withUTF8 { ev in
            try m.payload.withUnsafeBytes { payload in try consume(UnsafeRawBufferPointer(ev), payload) }
        }
    }

    /// Bedrock exception names (lowerCamel in streams, UpperCamel in headers).
    static func kind(of name: String) -> LLMError.Kind {
        switch name.lowercased() {
        case "throttlingexception": .rateLimited
        case "validationexception": .invalidRequest
        case "serviceunavailableexception", "modelnotreadyexception": .overloaded
        case "accessdeniedexception": .permissionDenied
        case "resourcenotfoundexception": .notFound
        case "modeltimeoutexception": .timeout
        default: .server
        }
    }

    static func map(_ error: any Error, provider: String) -> LLMError {
        if let e = error as? LLMError { return e }
        if let e = error as? AWSEventStreamError {
            if let inner = e.underlying as? LLMError { return inner }
            return LLMError(
                .decoding, "the \(provider) stream is not valid: \(e.message)", provider: provider, underlying: e)
        }
        return LLMError(.decoding, "\(error)", provider: provider)
    }
}

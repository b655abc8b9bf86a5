@_spi(LLMKitInternal) import LLMKitCore

extension LLMKit {
    /// The speech models `provider` offers the account: ElevenLabs `GET /v1/models` (text to speech and voice
    /// conversion models, with languages and per-request character limits). Other providers have no listing
    /// endpoint for speech models and throw `unsupported`.
    public func speechModels(provider: String) async throws(LLMError) -> [SpeechModelInfo] {
        let endpoint = try endpoint(provider)
        guard Self.speechWire(endpoint) == .elevenLabs else {
            throw unsupported(endpoint, "speech model listing", use: "elevenlabs")
        }
        let call = plainCall(
            endpoint, model: "", path: "/v1/models", method: .GET, body: [], errors: ElevenLabsErrors.dialect)
        return try await retry.run { () async throws(LLMError) -> [SpeechModelInfo] in
            let t = try await send(call)
            guard t.kind(t.root) == .array else {
                throw LLMError(.decoding, "\(provider) answered the model list without an array", provider: provider)
            }
            var models: [SpeechModelInfo] = []
            t.forEachElement(t.root) { m in
                var languages: [SpeechModelInfo.Language] = []
                if let list = t.member(m, "languages") {
                    t.forEachElement(list) { l in
                        languages.append(
                            SpeechModelInfo.Language(
                                id: t.member(l, "language_id").flatMap(t.string) ?? "",
                                name: t.member(l, "name").flatMap(t.string) ?? ""))
                    }
                }
                models.append(
                    SpeechModelInfo(
                        id: t.member(m, "model_id").flatMap(t.string) ?? "",
                        name: t.member(m, "name").flatMap(t.string) ?? "",
                        description: t.member(m, "description").flatMap(t.string),
                        textToSpeech: t.member(m, "can_do_text_to_speech").flatMap(t.bool) ?? false,
                        voiceConversion: t.member(m, "can_do_voice_conversion").flatMap(t.bool) ?? false,
                        languages: languages,
                        maxCharacters: (t.member(m, "maximum_text_length_per_request")
                            ?? t.member(m, "max_characters_request_subscribed_user")).flatMap(t.int),
                        costFactor: t.member(m, "token_cost_factor").flatMap(t.double)))
            }
            return models
        }
    }
}

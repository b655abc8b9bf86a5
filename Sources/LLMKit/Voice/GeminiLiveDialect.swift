import LLMKitCore
import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Gemini Live (`BidiGenerateContent` over WebSocket, Gemini Developer API). Messages carry no `type`: each
/// is an object keyed by what it is (`setup`, `client_content`, `realtime_input`, `tool_response` from the
/// client; `setupComplete`, `serverContent`, `toolCall`, `toolCallCancellation`, `usageMetadata`, `goAway`,
/// `sessionResumptionUpdate` from the server), JSON in text or binary frames. The envelope keys are spelled
/// as google-genai sends them (snake_case; the inner keys camelCase). There is no error event: the server
/// closes the socket with a code (1007, 1008, 1011) and a reason. Sources: https://ai.google.dev/api/live
/// (2026-11-25), googleapis/python-genai v2.18.0 `live.py`, and the recordings in
/// Tests/LLMKitTests/Fixtures/voice/realtime (SOURCE.md).
enum GeminiLive {
    /// Under the Gemini base URL (the host); the key goes in `x-goog-api-key`, as google-genai sends it.
    static let path = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
    /// Gemini's native input rate; it answers at `outputRate` whatever the input.
    static let inputRate = 16_000
    static let outputRate = 24_000

    /// What Gemini Live cannot do with `config`, as an error naming the fix.
    static func check(_ config: RealtimeConfig, provider: String) throws(LLMError) {
        func refuse(_ m: String) -> LLMError { LLMError(.unsupported, m, provider: provider) }
        if config.outputModalities.count != 1 {
            throw refuse("Gemini Live answers with one modality per session; use outputModalities [.audio] or [.text]")
        }
        switch config.turnDetection {
        case .manual: break
        case .serverVAD(let threshold, _, _, let create, _):
            if threshold != nil {
                throw refuse(
                    "Gemini Live's voice activity detection has no numeric threshold; leave threshold nil "
                        + "(prefixPaddingMs, silenceDurationMs and interruptResponse are mapped)")
            }
            if !create {
                throw refuse(
                    "Gemini Live always answers when its activity detection ends a turn; use .manual turns "
                        + "to decide when a turn ends")
            }
        case .semanticVAD:
            throw refuse("Gemini Live has no semantic VAD; use .serverVAD() (its automatic detection) or .manual turns")
        }
    }

    /// The first client message: the whole configuration (Gemini cannot change it later).
    static func setup(_ config: RealtimeConfig, model: String, provider: String) throws(LLMError) -> JSONValue {
        var s: [(key: String, value: JSONValue)] = [
            ("model", .string(model.hasPrefix("models/") ? model : "models/" + model))
        ]
        var generation: JSONValue = [
            "responseModalities": .array(config.outputModalities.map { .string($0.rawValue.uppercased()) })
        ]
        if let v = config.voice {
            generation = generation.setting(
                "speechConfig", ["voiceConfig": ["prebuiltVoiceConfig": ["voiceName": .string(v)]]])
        }
        s.append(("generationConfig", generation))
        if let i = config.instructions {
            s.append(("systemInstruction", ["parts": [["text": .string(i)]], "role": "user"]))
        }
        if !config.tools.isEmpty {
            var decls: [JSONValue] = []
            for t in config.tools {
                var d: [(key: String, value: JSONValue)] = []
                if let desc = t.description { d.append(("description", .string(desc))) }
                d.append(("name", .string(t.name)))
                // Live ignores `parametersJsonSchema` (calls arrive with empty arguments: python-genai #1147),
                // so the JSON Schema is converted to Gemini's `parameters` schema.
                d.append(("parameters", try schema(t.parameters, tool: t.name, provider: provider)))
                decls.append(.object(d))
            }
            s.append(("tools", [["functionDeclarations": .array(decls)]]))
        }
        if config.inputTranscriptionModel != nil { s.append(("inputAudioTranscription", [:])) }
        if config.outputModalities == [.audio] { s.append(("outputAudioTranscription", [:])) }
        if let r = realtimeInput(config.turnDetection) { s.append(("realtimeInputConfig", r)) }
        return ["setup": .object(s)]
    }

    private static func realtimeInput(_ t: RealtimeTurnDetection) -> JSONValue? {
        switch t {
        case .manual:
            return ["automaticActivityDetection": ["disabled": true]]
        case .serverVAD(_, let padding, let silence, _, let interrupt):
            var r: [(key: String, value: JSONValue)] = []
            var detection: [(key: String, value: JSONValue)] = []
            if let padding { detection.append(("prefixPaddingMs", .int(padding))) }
            if let silence { detection.append(("silenceDurationMs", .int(silence))) }
            if !detection.isEmpty { r.append(("automaticActivityDetection", .object(detection))) }
            if !interrupt { r.append(("activityHandling", "NO_INTERRUPTION")) }
            return r.isEmpty ? nil : .object(r)
        case .semanticVAD:
            return nil
        }
    }

    /// A JSON Schema as Gemini's OpenAPI-subset `Schema`: upper-case types, `nullable` for a `null` member of
    /// `type` or `anyOf`, no `additionalProperties` or `$schema` (Gemini's schema has no such field).
    static func schema(_ v: JSONValue, tool: String, provider: String) throws(LLMError) -> JSONValue {
        guard case .object(let pairs) = v else { return v }
        var out: [(key: String, value: JSONValue)] = []
        var nullable = false
        for (k, x) in pairs {
            switch k {
            case "type":
                if let t = x.stringValue {
                    out.append(("type", .string(t.uppercased())))
                } else if case .array(let types) = x {
                    let named = types.compactMap(\.stringValue).filter { $0 != "null" }
                    nullable = nullable || named.count < types.count
                    guard named.count == 1 else {
                        throw LLMError(
                            .unsupported,
                            "tool \(tool): Gemini Live schemas take one type per value (plus null); use anyOf",
                            provider: provider)
                    }
                    out.append(("type", .string(named[0].uppercased())))
                }
            case "properties":
                guard case .object(let props) = x else { out.append((k, x)); continue }
                var converted: [(key: String, value: JSONValue)] = []
                for (name, p) in props { converted.append((name, try schema(p, tool: tool, provider: provider))) }
                out.append((k, .object(converted)))
            case "items":
                out.append((k, try schema(x, tool: tool, provider: provider)))
            case "anyOf":
                guard case .array(let members) = x else { out.append((k, x)); continue }
                let kept = members.filter { $0["type"]?.stringValue != "null" }
                nullable = nullable || kept.count < members.count
                if kept.count == 1, case .object(let only) = try schema(kept[0], tool: tool, provider: provider) {
                    out.append(contentsOf: only)
                } else {
                    var converted: [JSONValue] = []
                    for m in kept { converted.append(try schema(m, tool: tool, provider: provider)) }
                    out.append((k, .array(converted)))
                }
            case "$ref", "$defs", "definitions", "oneOf", "allOf":
                throw LLMError(
                    .unsupported, "tool \(tool): Gemini Live schemas have no \(k); inline the definitions",
                    provider: provider)
            case "additionalProperties", "$schema", "strict":
                continue
            default:
                out.append((k, x))
            }
        }
        if nullable && !out.contains(where: { $0.key == "nullable" }) { out.append(("nullable", true)) }
        return .object(out)
    }

    static func audio(_ pcm: some Collection<UInt8>, rate: Int) -> JSONValue {
        [
            "realtime_input": [
                "audio": ["data": .string(Base64.encode(pcm)), "mimeType": .string("audio/pcm;rate=\(rate)")]
            ]
        ]
    }

    static func text(_ text: String, turnComplete: Bool) -> JSONValue {
        [
            "client_content": [
                "turns": [["parts": [["text": .string(text)]], "role": "user"]], "turnComplete": .bool(turnComplete),
            ]
        ]
    }

    static func toolResponse(id: String, name: String, output: String) -> JSONValue {
        [
            "tool_response": [
                "functionResponses": [
                    ["id": .string(id), "name": .string(name), "response": ["output": .string(output)]]
                ]
            ]
        ]
    }

    /// A close with a code and reason (Gemini's only way to report an error) as the matching `LLMError`.
    static func mapClose(_ e: LLMError, model: String, keyVariable: String?) -> LLMError {
        guard e.kind == .network, let code = e.providerCode.flatMap({ Int($0) }) else { return e }
        let reason = e.body ?? ""
        let lowered = reason.lowercased()
        let said = reason.isEmpty ? "Gemini closed the session with code \(code)" : reason
        let kind: LLMError.Kind
        var message = said
        if lowered.contains("api key") || lowered.contains("unregistered callers") {
            kind = .authentication
            message += keyVariable.map { " (check \($0))" } ?? ""
        } else if lowered.contains("location") || lowered.contains("permission") || lowered.contains("leaked") {
            kind = .permissionDenied
        } else if lowered.contains("not found") || lowered.contains("is not supported") {
            kind = .notFound
            message +=
                " (check the model name '\(model)': Live needs a model that supports bidiGenerateContent, "
                + "e.g. gemini-2.5-flash-native-audio-preview-09-2025)"
        } else if lowered.contains("quota") || lowered.contains("resource_exhausted")
            || lowered.contains("resource exhausted")
        {
            kind = .rateLimited
        } else if code == 1013 || lowered.contains("unavailable") || lowered.contains("overload") {
            kind = .overloaded
        } else if code == 1011 {
            kind = .server
        } else if code == 1007 || code == 1008 {
            kind = .invalidRequest
        } else {
            return e
        }
        return LLMError(kind, message, provider: e.provider, providerCode: e.providerCode, body: e.body)
    }

    /// `"1.5s"` (protobuf JSON duration) as a `Duration`.
    static func duration(_ s: String?) -> Duration? {
        guard let s, s.hasSuffix("s"), let seconds = Double(s.dropLast()) else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

/// What a Gemini session's sending side and its event decoder share: the names of the calls the server
/// made (a tool response must repeat the name) and whether a manual activity is open.
final class GeminiLiveState: @unchecked Sendable {
    private let lock = NIOLock()
    private var names: [String: String] = [:]
    private var activityOpen = false

    func remember(call id: String, name: String) { lock.withLock { names[id] = name } }
    func name(of id: String) -> String? { lock.withLock { names[id] } }

    /// Marks the manual activity open; true when it was closed (so `activityStart` must be sent).
    func openActivity() -> Bool {
        lock.withLock {
            defer { activityOpen = true }; return !activityOpen
        }
    }
    /// Marks it closed; true when it was open.
    func closeActivity() -> Bool {
        lock.withLock {
            defer { activityOpen = false }; return activityOpen
        }
    }
}

/// Gemini server messages as `RealtimeEvent`s.
struct GeminiLiveDecoder: Sendable {
    let state: GeminiLiveState
    private var inputTranscript = ""
    private var interrupted = false
    private var usage: RealtimeUsage?

    init(state: GeminiLiveState) { self.state = state }

    mutating func decode(_ e: JSONValue) throws(LLMError) -> [RealtimeEvent] {
        var out: [RealtimeEvent] = []
        if e["setupComplete"] != nil { out.append(.sessionCreated(id: "")) }
        if let u = Self.usage(e["usageMetadata"]) { usage = u }
        if let c = e["serverContent"] {
            if let t = c["inputTranscription"] {
                if let text = t["text"]?.stringValue, !text.isEmpty {
                    inputTranscript += text
                    out.append(.inputTranscriptDelta(itemID: "", text: text))
                }
                if t["finished"]?.boolValue == true { flushInput(&out) }
            }
            if case .array(let parts) = c["modelTurn"]?["parts"] {
                for p in parts {
                    if let blob = p["inlineData"], blob["mimeType"]?.stringValue?.hasPrefix("audio/") ?? true {
                        guard let audio = blob["data"]?.stringValue.flatMap(Base64.decode) else {
                            throw LLMError(.decoding, "Gemini sent audio that is not base64", provider: "gemini")
                        }
                        out.append(.audioDelta(itemID: nil, audio: audio))
                    } else if let text = p["text"]?.stringValue, p["thought"]?.boolValue != true {
                        out.append(.textDelta(itemID: nil, text: text))
                    }
                }
            }
            if let text = c["outputTranscription"]?["text"]?.stringValue, !text.isEmpty {
                out.append(.audioTranscriptDelta(itemID: nil, text: text))
            }
            if c["interrupted"]?.boolValue == true {
                interrupted = true
                out.append(.interrupted)
            }
            if c["turnComplete"]?.boolValue == true {
                flushInput(&out)
                out.append(.responseDone(id: "", status: interrupted ? "cancelled" : "completed", usage: usage))
                interrupted = false
                usage = nil
            }
        }
        if case .array(let calls) = e["toolCall"]?["functionCalls"] {
            for c in calls {
                let id = c["id"]?.stringValue ?? ""
                let name = c["name"]?.stringValue ?? ""
                state.remember(call: id, name: name)
                let args = String(decoding: JSONWriter.bytes(c["args"] ?? [:]), as: UTF8.self)
                out.append(.toolCall(RealtimeToolCall(callID: id, name: name, arguments: args)))
            }
        }
        if case .array(let ids) = e["toolCallCancellation"]?["ids"] {
            out.append(.toolCallsCancelled(callIDs: ids.compactMap(\.stringValue)))
        }
        if let g = e["goAway"] { out.append(.goingAway(timeLeft: GeminiLive.duration(g["timeLeft"]?.stringValue))) }
        return out
    }

    private mutating func flushInput(_ out: inout [RealtimeEvent]) {
        guard !inputTranscript.isEmpty else { return }
        out.append(.inputTranscriptCompleted(itemID: "", text: inputTranscript))
        inputTranscript = ""
    }

    /// `usageMetadata`: output includes thinking tokens, as on Gemini chat.
    static func usage(_ u: JSONValue?) -> RealtimeUsage? {
        guard let u, u["promptTokenCount"] != nil || u["responseTokenCount"] != nil else { return nil }
        func modality(_ list: JSONValue?, _ m: String) -> Int? {
            guard case .array(let items) = list else { return nil }
            return items.first { $0["modality"]?.stringValue == m }.map { $0["tokenCount"]?.intValue ?? 0 }
        }
        let thoughts = u["thoughtsTokenCount"]?.intValue
        return RealtimeUsage(
            inputTokens: u["promptTokenCount"]?.intValue ?? 0,
            outputTokens: (u["responseTokenCount"]?.intValue ?? 0) + (thoughts ?? 0),
            inputAudioTokens: modality(u["promptTokensDetails"], "AUDIO"),
            inputTextTokens: modality(u["promptTokensDetails"], "TEXT"),
            outputAudioTokens: modality(u["responseTokensDetails"], "AUDIO"),
            outputTextTokens: modality(u["responseTokensDetails"], "TEXT"),
            cachedTokens: u["cachedContentTokenCount"]?.intValue, reasoningTokens: thoughts)
    }
}

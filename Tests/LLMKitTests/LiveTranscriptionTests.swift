import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Deepgram live transcription through the loopback WebSocket server, with the `Results` frames
/// deepgram-python-sdk recorded from the live API (Fixtures/voice/deepgram, see SOURCE.md).
@Suite("Live transcription (Deepgram streaming)")
struct LiveTranscriptionTests {
    static func frame(_ name: String) -> LoopbackWebSocketServer.Step {
        .send(.text(String(decoding: Fixture.bytes("voice/deepgram/\(name).json"), as: UTF8.self)))
    }

    static func llm(_ server: LoopbackWebSocketServer) -> LLMKit {
        let base = server.baseURL.replacingOccurrences(of: "ws://", with: "http://")
        return LLMKit(providers: ["deepgram": ProviderSettings(apiKey: "dg-key", baseURL: base)], environment: [:])
    }

    @Test(arguments: [UInt64(0), 21, 22])
    func audioInResultsOutAndACleanFinish(seed: UInt64) async throws {
        let chunks: [[UInt8]] = [Array(repeating: 0x7f, count: 3200), Array(0..<200), [0xff, 0x00, 0xfe]]
        let script: [LoopbackWebSocketServer.Step] = [
            .expect(3), Self.frame("live-speech-started"), Self.frame("live-results-final"), .expect(1),
            Self.frame("live-results-final-2"), Self.frame("live-utterance-end"), .expect(1),
            Self.frame("live-results-empty"), Self.frame("live-metadata"), .close(code: 1000, reason: ""),
        ]
        let delivery: CannedResponse.Delivery = seed == 0 ? .whole : .randomSplits(seed: seed)
        try await LoopbackWebSocketServer.with(script, delivery: delivery) { server in
            let live = try await Self.llm(server).liveTranscription(
                .init(
                    model: "deepgram/nova-3", encoding: "mulaw", sampleRate: 8000, channels: 1, language: "en-US",
                    utteranceEndMs: 1000, vadEvents: true, keyterms: ["Deepgram", "nova 3"], pingInterval: nil))
            for c in chunks { try await live.send(audio: c) }
            var results: [LiveTranscriptResult] = []
            var others: [LiveTranscriptEvent] = []
            for try await event in live.events {
                guard case .result(let r) = event else {
                    others.append(event)
                    continue
                }
                results.append(r)
                if results.count == 1 { try await live.keepAlive() }
                if results.count == 2 { try await live.finish() }
            }
            #expect(
                server.requestURI
                    == "/v1/listen?model=nova-3&encoding=mulaw&sample_rate=8000&channels=1&language=en-US&interim_results=true&smart_format=true&utterance_end_ms=1000&vad_events=true&keyterm=Deepgram&keyterm=nova%203",
                "seed \(seed)")
            #expect(server.header("authorization") == "Token dg-key")
            #expect(
                server.received
                    == chunks.map { .binary($0) } + [
                        .text(#"{"type":"KeepAlive"}"#), .text(#"{"type":"CloseStream"}"#),
                    ])
            try #require(results.count == 3)
            let first = results[0]
            #expect(first.transcript == "Testing. 123. Testing. 123.")
            #expect(first.confidence == 0.987885)
            #expect(first.start == 0.74 && first.duration == 3.08)
            #expect(first.isFinal && first.speechFinal && !first.fromFinalize)
            #expect(first.channel == 0)
            #expect(
                first.words == [
                    .init(word: "testing", punctuated: "Testing.", start: 1.22, end: 1.62, confidence: 0.483064),
                    .init(word: "123", punctuated: "123.", start: 1.62, end: 2.12, confidence: 0.93632686),
                    .init(
                        word: "testing", punctuated: "Testing.", start: 2.1799998, end: 2.6799998, confidence: 0.987885),
                    .init(word: "123", punctuated: "123.", start: 3.1399999, end: 3.6399999, confidence: 0.99418044),
                ])
            #expect(results[1].transcript == "For the United States of America.")
            #expect(results[1].start == 17.0)
            #expect(results[2].transcript == "" && results[2].words.isEmpty && results[2].confidence == 0)
            // Deepgram's documented examples (SOURCE.md): channel arrives as [index, total].
            #expect(
                others == [
                    .speechStarted(timestamp: 9.54, channel: 0), .utteranceEnd(lastWordEnd: 2.395, channel: 0),
                    .metadata(requestID: "8c8ebea9-dbec-45fa-a035-e4632cb05b5f", duration: 0),
                ])
        }
    }

    @Test func aDroppedStreamIsANetworkError() async throws {
        try await LoopbackWebSocketServer.with([.expect(1), Self.frame("live-results-final"), .expect(1), .drop]) {
            server in
            let live = try await Self.llm(server).liveTranscription(.init(model: "deepgram/nova-3", pingInterval: nil))
            try await live.send(audio: [1, 2, 3])
            var finals = 0
            let e = try #require(
                await llmError {
                    for try await event in live.events {
                        if case .result = event {
                            finals += 1
                            try await live.send(audio: [4])
                        }
                    }
                })
            #expect(finals == 1)
            #expect(e.kind == .network)
        }
    }

    @Test func onlyDeepgramStreams() async throws {
        let llm = LLMKit(providers: ["openai": ProviderSettings(apiKey: "k")], environment: [:])
        let e = try #require(await llmError { _ = try await llm.liveTranscription(.init(model: "openai/whisper-1")) })
        #expect(e.kind == .unsupported)
        #expect(e.message.contains("deepgram/nova-3"))
    }
}

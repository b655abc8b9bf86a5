import Foundation
import LLMKit
import LLMKitCore
import LLMKitTesting
import Testing

/// Replays every recorded fixture that has an `expected.json` through the
/// public API and the loopback server, whole and split into 1-7 byte writes.
@Suite("Fixture replay")
struct ReplayTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["LLMKIT_SEED"].flatMap(UInt64.init) ?? 20_261_125

    @Test("stream fixtures, whole", arguments: Cases.streams)
    func streamWhole(_ path: String) async throws {
        try await replayStream(path, delivery: .whole)
    }

    @Test("stream fixtures, random 1-7 byte writes", arguments: Cases.streams)
    func streamSplit(_ path: String) async throws {
        try await replayStream(path, delivery: .randomSplits(seed: Self.seed))
    }

    @Test("stream fixtures, parser fed 1-7 byte slices", arguments: Cases.streams)
    func streamSplitInProcess(_ path: String) throws {
        let (folder, name) = split(path)
        let p = FixtureProvider.named(folder)
        let kit = LLMKit(
            providers: [p.provider: ProviderSettings(apiKey: FixtureProvider.key, baseURL: "http://127.0.0.1:9")],
            environment: ["GOOGLE_CLOUD_PROJECT": "proj"])
        let bytes = Fixture.bytes("\(folder)/\(name).sse")
        let expected = Expected(Fixture.json("\(folder)/\(name).expected.json"))
        for round in 0..<3 {
            let seed = Self.seed &+ UInt64(round)
            let call = try kit.prepare(p.request(), stream: true)
            let translator = call.dialect.makeTranslator(context: call.context)
            var parser = SSEParser()
            var events: [StreamEvent] = []
            var rng = SplitMix64(seed: seed)
            var i = 0
            while i < bytes.count {
                let n = min(bytes.count - i, Int(rng.next() % 7) + 1)
                try bytes[i..<(i + n)].withUnsafeBytes { buf in
                    try parser.feed(buf) { e, d in try translator.consume(event: e, data: d, into: &events) }
                }
                i += n
            }
            try parser.finish { e, d in try translator.consume(event: e, data: d, into: &events) }
            let r = try translator.finish(into: &events)
            expected.check(r, "\(path) split with seed \(seed) (rerun with LLMKIT_SEED=\(Self.seed))")
            #expect(events.compactMap(\.text).joined() == r.text, "text deltas of \(path), seed \(seed)")
        }
    }

    @Test("non-stream fixtures", arguments: Cases.bodies)
    func body(_ path: String) async throws {
        let (folder, name) = split(path)
        let p = FixtureProvider.named(folder)
        let expected = Expected(Fixture.json("\(folder)/\(name).expected.json"))
        try await LoopbackServer.with([Fixture.response(folder, name, ext: "json")]) { server in
            let r = try await p.client(server).complete(p.request())
            expected.check(r, path)
            #expect(r.provider == p.provider)
            #expect(server.requests.count == 1)
        }
    }

    private func split(_ path: String) -> (String, String) {
        let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
        return (parts[0], parts[1])
    }

    private func replayStream(_ path: String, delivery: CannedResponse.Delivery) async throws {
        let (folder, name) = split(path)
        let p = FixtureProvider.named(folder)
        let expected = Expected(Fixture.json("\(folder)/\(name).expected.json"))
        try await LoopbackServer.with([Fixture.response(folder, name, ext: "sse", delivery: delivery)]) { server in
            var events: [StreamEvent] = []
            var final: ChatResponse?
            for try await e in p.client(server).stream(p.request()) {
                events.append(e)
                if case .finished(let r) = e { final = r }
            }
            let r = try #require(final, "no final event for \(path)")
            expected.check(r, "\(path) (\(delivery), seed \(Self.seed))")
            #expect(events.compactMap(\.text).joined() == r.text)
            #expect(events.compactMap(\.reasoningText).joined() == (r.reasoning ?? ""))
            // Every completed call is announced, and the finished event is last.
            let completed = events.compactMap { if case .toolCallCompleted(_, let c) = $0 { c } else { nil } }
            #expect(completed == r.toolCalls)
            if case .finished = events.last {} else { Issue.record("last event of \(path) is not .finished") }
        }
    }
}

// llmkit-bench: LLMKit's client for the side-by-side client-overhead benchmark
// (../shared/bench, README "Client protocol"; DESIGN.md section 9).
//
//   llmkit-bench --startup                       touch the client type, exit 0
//   llmkit-bench [--api openai|anthropic] MODE    MODE: plain | stream | concurrent | drip
//   llmkit-bench --sync ... MODE                  same, but from a synchronous main that
//                                                 blocks on a semaphore (for valgrind)
//
// Environment (set by run_all.sh): BENCH_BASE_URL, BENCH_N, BENCH_CONCURRENCY,
// BENCH_WARMUP, BENCH_WARMUP_BASE_URL. Prints exactly one JSON line on stdout.

import Dispatch
import LLMKit
import LLMKitCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - configuration

struct Config: Sendable {
    var api = "openai"
    var mode = "plain"
    var startup = false
    var sync = false
    var baseURL: String
    var warmupBaseURL: String
    var n: Int
    var concurrency: Int
    var warmup: Int

    static func parse() -> Config {
        let env = ProcessInfo.processInfo.environment
        func trimmed(_ s: String) -> String {
            var s = s
            while s.hasSuffix("/") { s.removeLast() }
            return s
        }
        var c = Config(
            baseURL: trimmed(env["BENCH_BASE_URL"] ?? "http://127.0.0.1:8080/plain"),
            warmupBaseURL: trimmed(env["BENCH_WARMUP_BASE_URL"] ?? ""),
            n: Int(env["BENCH_N"] ?? "") ?? 100,
            concurrency: Int(env["BENCH_CONCURRENCY"] ?? "") ?? 100,
            warmup: Int(env["BENCH_WARMUP"] ?? "") ?? 5)
        var args = CommandLine.arguments.dropFirst()[...]
        while let a = args.popFirst() {
            switch a {
            case "--startup", "--version": c.startup = true
            case "--sync": c.sync = true
            case "--api": c.api = args.popFirst() ?? c.api
            default: c.mode = a
            }
        }
        return c
    }

    var clientName: String { "llmkit-swift-\(api)" }
}

// MARK: - output

/// Minimal JSON line writer (no Foundation encoders on the output path).
struct Line {
    private var parts: [String] = []

    mutating func set(_ key: String, _ value: String) { parts.append("\"\(key)\":\(Self.quote(value))") }
    mutating func set(_ key: String, _ value: Int) { parts.append("\"\(key)\":\(value)") }
    mutating func set(_ key: String, _ value: Double) {
        parts.append("\"\(key)\":\(value.isFinite ? String(value) : "null")")
    }
    mutating func set(_ key: String, _ value: Double?) {
        if let value { set(key, value) } else { parts.append("\"\(key)\":null") }
    }

    var text: String { "{" + parts.joined(separator: ",") + "}" }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

func emit(_ line: Line) {
    let s = line.text + "\n"
    let bytes = Array(s.utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

func cpuSeconds() -> Double {
    var u = rusage()
    #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    #else
        getrusage(RUSAGE_SELF, &u)
    #endif
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
        + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

extension Duration {
    var seconds: Double {
        let (s, a) = components
        return Double(s) + Double(a) / 1e18
    }
}

// MARK: - the client

struct Tally: Sendable {
    var ok = 0
    var errors = 0
    var chunks = 0
    var textBytes = 0
    var firstError: String?

    mutating func fail(_ e: any Error) {
        errors += 1
        if firstError == nil { firstError = String(String(describing: e).prefix(500)) }
    }

    mutating func merge(_ o: Tally) {
        ok += o.ok
        errors += o.errors
        chunks += o.chunks
        textBytes += o.textBytes
        if firstError == nil { firstError = o.firstError }
    }
}

struct Bench: Sendable {
    let llm: LLMKit
    let request: ChatRequest

    init(api: String, baseURL: String) {
        if api == "anthropic" {
            llm = LLMKit(
                providers: ["anthropic": ProviderSettings(apiKey: "bench", baseURL: baseURL)],
                environment: [:], retry: .none)
            request = ChatRequest(
                model: "anthropic/claude-sonnet-4-5", messages: [.user("hi")], maxOutputTokens: 256)
        } else {
            llm = LLMKit(
                providers: ["openai": ProviderSettings(apiKey: "bench", baseURL: baseURL + "/v1")],
                environment: [:], retry: .none)
            request = ChatRequest(
                model: "openai/gpt-4o-mini", messages: [.user("hi")], maxOutputTokens: 256, api: .chatCompletions)
        }
    }

    func plainOne(_ t: inout Tally) async {
        do {
            let r = try await llm.complete(request)
            t.textBytes += r.text.utf8.count
            t.ok += 1
        } catch {
            t.fail(error)
        }
    }

    func streamOne(_ t: inout Tally) async {
        do {
            for try await e in llm.stream(request) {
                if case .textDelta(let s) = e, !s.isEmpty {
                    t.chunks += 1
                    t.textBytes += s.utf8.count
                }
            }
            t.ok += 1
        } catch {
            t.fail(error)
        }
    }
}

// MARK: - modes

func run(_ c: Config) async -> Int32 {
    var out = Line()
    out.set("client", c.clientName)
    out.set("api", c.api)
    out.set("mode", c.mode)
    out.set("base_url", c.baseURL)
    let clock = ContinuousClock()

    switch c.mode {
    case "plain", "stream":
        let b = Bench(api: c.api, baseURL: c.baseURL)
        let plain = c.mode == "plain"
        var w = Tally()
        for _ in 0..<c.warmup {
            if plain { await b.plainOne(&w) } else { await b.streamOne(&w) }
        }
        if let e = w.firstError { out.set("warmup_error", e) }
        var t = Tally()
        let cpu0 = cpuSeconds()
        let t0 = clock.now
        if plain {
            for _ in 0..<c.n { await b.plainOne(&t) }
        } else {
            for _ in 0..<c.n { await b.streamOne(&t) }
        }
        let wall = (clock.now - t0).seconds
        let cpu = cpuSeconds() - cpu0
        out.set("wall_s", wall)
        out.set("cpu_s", cpu)
        out.set("n", c.n)
        add(t, to: &out)

    case "concurrent":
        let b = Bench(api: c.api, baseURL: c.baseURL)
        var w = Tally()
        for _ in 0..<c.warmup { await b.streamOne(&w) }
        if let e = w.firstError { out.set("warmup_error", e) }
        let workers = max(1, min(c.concurrency, c.n))
        let n = c.n
        let cpu0 = cpuSeconds()
        let t0 = clock.now
        let t = await withTaskGroup(of: Tally.self, returning: Tally.self) { g in
            for i in 0..<workers {
                g.addTask {
                    var mine = Tally()
                    var k = i
                    while k < n {
                        await b.streamOne(&mine)
                        k += workers
                    }
                    return mine
                }
            }
            var all = Tally()
            for await part in g { all.merge(part) }
            return all
        }
        let wall = (clock.now - t0).seconds
        let cpu = cpuSeconds() - cpu0
        out.set("wall_s", wall)
        out.set("cpu_s", cpu)
        out.set("n", n)
        out.set("concurrency", c.concurrency)
        out.set("concurrency_model", "swift-task-group")
        add(t, to: &out)

    case "drip":
        if c.warmup > 0, !c.warmupBaseURL.isEmpty {
            let wb = Bench(api: c.api, baseURL: c.warmupBaseURL)
            var w = Tally()
            for _ in 0..<c.warmup { await wb.streamOne(&w) }
        }
        let b = Bench(api: c.api, baseURL: c.baseURL)
        var times: [Double] = []
        times.reserveCapacity(256)
        var bytes = 0
        let t0 = clock.now
        do {
            for try await e in b.llm.stream(b.request) {
                if case .textDelta(let s) = e, !s.isEmpty {
                    times.append((clock.now - t0).seconds)
                    bytes += s.utf8.count
                }
            }
        } catch {
            out.set("first_error", String(String(describing: error).prefix(500)))
        }
        let total = (clock.now - t0).seconds
        out.set("first_text_s", times.first)
        out.set("last_text_s", times.last)
        out.set("total_s", total)
        out.set("chunks", times.count)
        out.set("text_bytes", bytes)
        out.set("arrival_slots_10ms", Set(times.map { Int($0 * 100) }).count)

    default:
        out.set("fatal", "unknown mode \(c.mode)")
        emit(out)
        return 2
    }
    emit(out)
    return 0
}

func add(_ t: Tally, to out: inout Line) {
    out.set("ok", t.ok)
    out.set("errors", t.errors)
    out.set("chunks", t.chunks)
    out.set("text_bytes", t.textBytes)
    if let e = t.firstError { out.set("first_error", e) }
}

/// Result box for the synchronous entry point.
final class ExitBox: @unchecked Sendable {
    var code: Int32 = 0
}

@main
struct LLMKitBench {
    static func main() async {
        let c = Config.parse()
        if c.startup {
            // Touch the client type (and the shared HTTP client) so its metadata and
            // the library's initialisers are loaded, then exit.
            let b = Bench(api: c.api, baseURL: "http://127.0.0.1:9")
            _ = b.request.model
            let line = Array("llmkit \(LLMKitVersion.string)\n".utf8)
            _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            exit(0)
        }
        if c.sync {
            // Hidden: block this thread on a semaphore while the work runs in a
            // detached task (for valgrind, which dislikes the async main's executor).
            let box = ExitBox()
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                box.code = await run(c)
                done.signal()
            }
            done.wait()
            exit(box.code)
        }
        exit(await run(c))
    }
}

import LLMKitCore
import NIOHTTP1

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Retries with exponential backoff and full jitter, honouring the server's
/// `retry-after-ms`, `retry-after` and rate-limit reset headers.
///
/// Attempts at the server are exactly `1 + maxRetries`. A stream is retried
/// only before its first event; after that a failure ends the stream.
public struct RetryPolicy: Sendable {
    public var maxRetries: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    /// A server-requested wait longer than this is not slept through: the call
    /// fails at once with `rateLimited` and `retryAfter` set.
    public var maxRetryAfter: Duration
    /// How to wait (injected in tests).
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Random source for jitter in [0, 1).
    public var random: @Sendable () -> Double

    public init(
        maxRetries: Int = 2, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(60),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxRetries = maxRetries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        self.sleep = sleep
        self.random = random
    }

    public static let `default` = RetryPolicy()
    public static let none = RetryPolicy(maxRetries: 0)

    /// Whether `status` may succeed when retried.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 409 || status == 429 || status >= 500
    }

    /// The backoff before retry number `attempt` (0-based), with full jitter.
    public func backoff(attempt: Int) -> Duration {
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        let exponential: Double = seconds(initialBackoff) * Double(1 << min(attempt, 30))
        let cap: Double = min(seconds(maxBackoff), exponential)
        return .milliseconds(Int64(cap * random() * 1000))
    }

    /// Runs `operation`, retrying retryable `LLMError`s.
    package func run<T: Sendable>(_ operation: () async throws(LLMError) -> T) async throws(LLMError) -> T {
        var attempt = 0
        while true {
            do {
                return try await operation()
            } catch {
                guard error.kind.isRetryable, attempt < maxRetries else { throw error }
                let wait: Duration
                if let asked = error.retryAfter {
                    if asked > maxRetryAfter { throw error }
                    wait = asked
                } else {
                    wait = backoff(attempt: attempt)
                }
                do {
                    try await sleep(wait)
                } catch {
                    throw LLMError(.cancelled, "the call was cancelled while waiting to retry")
                }
                attempt += 1
            }
        }
    }
}

/// Reads how long the server asks us to wait.
package enum RetryAfter {
    /// `retry-after-ms`, then `retry-after` (seconds or an HTTP date), then the
    /// OpenAI (`x-ratelimit-reset-*`, e.g. "6m0s") and Anthropic
    /// (`anthropic-ratelimit-*-reset`, RFC 3339) reset headers.
    package static func parse(_ headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        if let ms = headers.first(name: "retry-after-ms").flatMap({ Double($0.trimmedWhitespace) }),
            ms >= 0
        {
            return .milliseconds(Int64(ms))
        }
        if let v = headers.first(name: "retry-after")?.trimmedWhitespace {
            if let s = Double(v), s >= 0 { return .milliseconds(Int64(s * 1000)) }
            if let date = httpDate(v) {
                return .milliseconds(max(0, Int64(date.timeIntervalSince(now) * 1000)))
            }
        }
        var longest: Duration?
        for name in ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"] {
            if let v = headers.first(name: name), let d = goDuration(v) { longest = max(longest ?? d, d) }
        }
        if longest != nil { return longest }
        for name in [
            "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-reset",
            "anthropic-ratelimit-input-tokens-reset", "anthropic-ratelimit-output-tokens-reset",
        ] {
            if let v = headers.first(name: name), let date = try? Date(v, strategy: .iso8601) {
                let d = Duration.milliseconds(max(0, Int64(date.timeIntervalSince(now) * 1000)))
                longest = max(longest ?? d, d)
            }
        }
        return longest
    }

    /// Parses an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`), the form RFC 9110 requires.
    package static func httpDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]) else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = months.firstIndex(of: String(parts[2])).map({ $0 + 1 }) else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3, (1...31).contains(day), hms[0] < 24, hms[1] < 60, hms[2] < 61 else { return nil }
        // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2]))
    }

    /// Parses a Go-style duration: "1s", "6m0s", "20ms", "1h2m3.5s", "37s" (Google's retryDelay).
    package static func goDuration(_ text: String) -> Duration? {
        var total = 0.0
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard let n = Double(number) else { return false }
            switch unit {
            case "h": total += n * 3600
            case "m": total += n * 60
            case "s": total += n
            case "ms": total += n / 1000
            case "us", "µs": total += n / 1_000_000
            case "ns": total += n / 1_000_000_000
            default: return false
            }
            number = ""
            unit = ""
            sawAny = true
            return true
        }
        for c in text.trimmedWhitespace {
            if c.isNumber || c == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(c)
            } else {
                unit.append(c)
            }
        }
        if !number.isEmpty || !unit.isEmpty { guard flush() else { return nil } }
        return sawAny ? .milliseconds(Int64(total * 1000)) : nil
    }
}

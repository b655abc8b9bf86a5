import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Unbuffered writes to the standard streams: every call reaches the file
/// descriptor at once, so each NDJSON line and text delta is flushed as it is produced.
enum Output {
    /// Writes `text` to standard output.
    static func out(_ text: String) { write(text, to: STDOUT_FILENO) }

    /// Writes `text` to standard error.
    static func err(_ text: String) { write(text, to: STDERR_FILENO) }

    /// Writes one line (a newline is appended) to standard output.
    static func outLine(_ text: String) { out(text + "\n") }

    /// Writes one line (a newline is appended) to standard error.
    static func errLine(_ text: String) { err(text + "\n") }

    /// Whether standard output is a terminal.
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Whether standard input is a terminal.
    static var stdinIsTTY: Bool { isatty(STDIN_FILENO) == 1 }

    private static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while offset < buffer.count {
                #if canImport(Glibc)
                    let n = Glibc.write(fd, base + offset, buffer.count - offset)
                #else
                    let n = Darwin.write(fd, base + offset, buffer.count - offset)
                #endif
                if n > 0 {
                    offset += n
                } else if n < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}

/// The JSON shapes the command prints. Built as `JSONValue`s so absent values are
/// explicit `null`s, and written with `JSONWriter` (compact, key order kept).
enum OutputJSON {
    /// The `--json` object: `{model, provider, text, reasoning, toolCalls, finishReason,
    /// usage, cost, warnings, message}`.
    static func response(_ r: ChatResponse) -> JSONValue {
        .object(responseFields(r))
    }

    /// The fields of `response(_:)`, for prefixing with `"type": "final"`.
    static func responseFields(_ r: ChatResponse) -> [(key: String, value: JSONValue)] {
        [
            ("model", .string(r.model)),
            ("provider", .string(r.provider)),
            ("text", .string(r.text)),
            ("reasoning", r.reasoning.map(JSONValue.string) ?? .null),
            ("toolCalls", .array(r.toolCalls.map(toolCall))),
            ("finishReason", .string(r.finishReason.description)),
            ("usage", .object(usageFields(r.usage))),
            ("cost", r.cost.map(JSONValue.double) ?? .null),
            ("warnings", .array(r.warnings.map { .string($0.message) })),
            ("message", message(r.message)),
        ]
    }

    /// `{id, name, arguments}` with `arguments` the parsed JSON.
    static func toolCall(_ c: ToolCall) -> JSONValue {
        ["id": .string(c.id), "name": .string(c.name), "arguments": c.arguments]
    }

    /// The five usage counters; all `null` when the provider reported no usage.
    static func usageFields(_ u: Usage?) -> [(key: String, value: JSONValue)] {
        func int(_ n: Int?) -> JSONValue { n.map(JSONValue.int) ?? .null }
        return [
            ("inputTokens", int(u?.inputTokens)),
            ("outputTokens", int(u?.outputTokens)),
            ("reasoningTokens", int(u?.reasoningTokens)),
            ("cacheReadTokens", int(u?.cacheReadTokens)),
            ("cacheWriteTokens", int(u?.cacheWriteTokens)),
        ]
    }

    /// A message in LLMKit's own `Codable` form (what `--messages` reads back).
    static func message(_ m: Message) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(m), let value = try? JSONValue(parsing: [UInt8](data)) else {
            return .null
        }
        return value
    }

    /// One `--stream --json` line for `event`.
    static func event(_ event: StreamEvent) -> JSONValue {
        switch event {
        case .textDelta(let s):
            return ["type": "textDelta", "text": .string(s)]
        case .reasoningDelta(let s):
            return ["type": "reasoningDelta", "text": .string(s)]
        case .toolCallStarted(let index, let id, let name):
            return ["type": "toolCallStarted", "index": .int(index), "id": .string(id), "name": .string(name)]
        case .toolCallArgumentsDelta(let index, let delta):
            return ["type": "toolCallArgumentsDelta", "index": .int(index), "delta": .string(delta)]
        case .toolCallCompleted(let index, let call):
            return [
                "type": "toolCallCompleted", "index": .int(index), "id": .string(call.id), "name": .string(call.name),
                "arguments": call.arguments,
            ]
        case .usage(let u):
            return .object([("type", "usage")] + usageFields(u))
        case .finished(let r):
            return .object([("type", "final")] + responseFields(r))
        }
    }

    /// `{"error": {kind, message, provider, statusCode}}`.
    static func error(_ e: LLMError) -> JSONValue {
        [
            "error": [
                "kind": .string(e.kind.description),
                "message": .string(e.message),
                "provider": e.provider.map(JSONValue.string) ?? .null,
                "statusCode": e.statusCode.map(JSONValue.int) ?? .null,
            ]
        ]
    }
}

/// Reports failures the way DESIGN.md section 8 asks: one JSON line on stderr, exit code 1.
enum ErrorReporter {
    /// Prints `error` (with every key from `environment` masked) and returns the exit code to throw.
    static func report(_ error: LLMError, environment: [String: String]) -> ExitCode {
        var e = error
        for secret in secrets(in: environment) {
            e.message = e.message.replacingOccurrences(of: secret, with: LLMError.redact(secret))
        }
        Output.errLine(JSONWriter.string(OutputJSON.error(e)))
        return ExitCode(1)
    }

    /// Values of the providers' key variables, longest first, that are long enough to mask safely.
    static func secrets(in environment: [String: String]) -> [String] {
        let names = ProviderInfo.builtIn.flatMap(\.keyVariables)
        return names.compactMap { environment[$0] }.filter { $0.count >= 6 }.sorted { $0.count > $1.count }
    }
}

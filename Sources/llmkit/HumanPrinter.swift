import LLMKit
import LLMKitCore

/// Prints an answer for people: text on stdout as it arrives, reasoning dimmed on a
/// terminal (else as `[reasoning] ...` lines on stderr), tool calls as `→ name(arguments)`,
/// and usage and warnings on stderr at the end.
final class HumanPrinter {
    private let tty: Bool
    /// Whether the dim escape is open on stdout.
    private var dimOpen = false
    /// Whether stdout is at the start of a line.
    private var atLineStart = true
    /// Reasoning not yet printed to stderr because its line is not complete.
    private var reasoningLine = ""

    init(tty: Bool) { self.tty = tty }

    /// Prints a whole response (from `complete`).
    func show(_ response: ChatResponse) {
        if let reasoning = response.reasoning { self.reasoning(reasoning) }
        text(response.text)
        for call in response.toolCalls { toolCall(call) }
        finish(response)
    }

    /// Prints one stream event.
    func handle(_ event: StreamEvent) {
        switch event {
        case .textDelta(let s): text(s)
        case .reasoningDelta(let s): reasoning(s)
        case .toolCallCompleted(_, let call): toolCall(call)
        case .finished(let response): finish(response)
        case .toolCallStarted, .toolCallArgumentsDelta, .usage: break
        }
    }

    /// Ends the output cleanly after a failure part-way.
    func interrupt() {
        endReasoning()
        endLine()
    }

    private func reasoning(_ s: String) {
        guard !s.isEmpty else { return }
        if tty {
            if !dimOpen {
                Output.out("\u{1B}[2m")
                dimOpen = true
            }
            emit(s)
            return
        }
        reasoningLine += s
        while let newline = reasoningLine.firstIndex(of: "\n") {
            Output.errLine("[reasoning] " + reasoningLine[..<newline])
            reasoningLine = String(reasoningLine[reasoningLine.index(after: newline)...])
        }
    }

    private func text(_ s: String) {
        guard !s.isEmpty else { return }
        endReasoning()
        emit(s)
    }

    private func toolCall(_ call: ToolCall) {
        endReasoning()
        endLine()
        let arguments = call.arguments.stringValue ?? JSONWriter.string(call.arguments)
        emit("→ \(call.name)(\(arguments))\n")
    }

    private func finish(_ response: ChatResponse) {
        endReasoning()
        endLine()
        if let u = response.usage {
            var line = "[usage] in=\(u.inputTokens) out=\(u.outputTokens) reasoning=\(u.reasoningTokens ?? 0)"
            line += " cached=\(u.cacheReadTokens ?? 0)"
            if let cost = response.cost { line += " cost=$\(cost)" }
            Output.errLine(line)
        } else {
            Output.errLine("[usage] not reported")
        }
        switch response.finishReason {
        case .stop, .toolCalls: break
        default: Output.errLine("[finish] \(response.finishReason)")
        }
        for warning in response.warnings { Output.errLine("[warning] \(warning.message)") }
    }

    private func endReasoning() {
        if dimOpen {
            Output.out("\u{1B}[0m")
            dimOpen = false
            endLine()
        }
        if !reasoningLine.isEmpty {
            Output.errLine("[reasoning] " + reasoningLine)
            reasoningLine = ""
        }
    }

    private func endLine() {
        if !atLineStart { emit("\n") }
    }

    private func emit(_ s: String) {
        Output.out(s)
        if let last = s.last { atLineStart = last == "\n" }
    }
}

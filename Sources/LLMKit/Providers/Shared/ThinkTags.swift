/// Splits content that carries reasoning between `<think>` and `</think>` (DeepSeek-R1 and
/// Qwen distills served raw) into reasoning and text, across any chunk boundaries.
///
/// Only a `<think>` before any visible text opens a reasoning block, so an answer that
/// talks about the tag is left alone. Newlines right after `</think>` are dropped.
package struct ThinkTagSplitter: Sendable {
    private var state = State.start
    private var pending = ""

    private enum State { case start, thinking, answering, afterClose }

    package init() {}

    /// Feeds `s`; calls `emit(isReasoning, text)` for each piece that is certain.
    package mutating func feed(_ s: String, _ emit: (Bool, String) -> Void) {
        var rest = pending + s
        pending = ""
        while !rest.isEmpty {
            switch state {
            case .answering:
                emit(false, rest)
                return
            case .afterClose:
                let trimmed = rest.drop { $0 == "\n" || $0 == "\r" }
                if trimmed.isEmpty { return }
                state = .answering
                rest = String(trimmed)
            case .start:
                let visible = rest.drop { $0.isWhitespace }
                if visible.isEmpty {
                    pending = rest
                    return
                }
                if visible.hasPrefix("<think>") {
                    state = .thinking
                    rest = String(visible.dropFirst(7))
                } else if "<think>".hasPrefix(visible) {
                    pending = rest
                    return
                } else {
                    state = .answering
                }
            case .thinking:
                if let r = rest.firstRange(of: "</think>") {
                    if r.lowerBound > rest.startIndex { emit(true, String(rest[..<r.lowerBound])) }
                    rest = String(rest[r.upperBound...])
                    state = .afterClose
                } else {
                    let keep = Self.partialSuffix(rest, of: "</think>")
                    let cut = rest.index(rest.endIndex, offsetBy: -keep)
                    if cut > rest.startIndex { emit(true, String(rest[..<cut])) }
                    pending = String(rest[cut...])
                    return
                }
            }
        }
    }

    /// The stream ended: whatever is held back is emitted as what it was.
    package mutating func finish(_ emit: (Bool, String) -> Void) {
        guard !pending.isEmpty else { return }
        emit(state == .thinking, pending)
        pending = ""
    }

    /// Length of the longest proper prefix of `tag` that `s` ends with.
    private static func partialSuffix(_ s: String, of tag: String) -> Int {
        var n = min(tag.count - 1, s.count)
        while n > 0 {
            if s.hasSuffix(tag.prefix(n)) { return n }
            n -= 1
        }
        return 0
    }
}

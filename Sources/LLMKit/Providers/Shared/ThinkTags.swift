/// Splits content that carries reasoning between tags (`<think>` and `</think>` from DeepSeek-R1
/// and Qwen served raw; Gemma's `<unused94>thought` and `<unused95>`) into reasoning and text,
/// across any chunk boundaries.
///
/// Only a `<think>` before any visible text opens a reasoning block, so an answer that
/// talks about the tag is left alone. Newlines right after `</think>` are dropped.
package struct ThinkTagSplitter: Sendable {
    private var state = State.start
    private var pending = ""
    /// (open, close) pairs; the first that opens the content decides the close tag.
    private let pairs: [(open: String, close: String)]
    private var close = "</think>"

    private enum State { case start, thinking, answering, afterClose }

    /// `<think>…</think>` (DeepSeek-R1, Qwen), and Gemma's `<unused94>thought\n…<unused95>` (MedGemma 27B).
    package static let defaultPairs: [(open: String, close: String)] = [
        ("<think>", "</think>"), ("<unused94>thought\n", "<unused95>"),
    ]

    package init(pairs: [(open: String, close: String)] = ThinkTagSplitter.defaultPairs) { self.pairs = pairs }

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
                if let pair = pairs.first(where: { visible.hasPrefix($0.open) }) {
                    state = .thinking
                    close = pair.close
                    rest = String(visible.dropFirst(pair.open.count))
                } else if pairs.contains(where: { $0.open.hasPrefix(visible) }) {
                    pending = rest
                    return
                } else {
                    state = .answering
                }
            case .thinking:
                if let r = rest.firstRange(of: close) {
                    if r.lowerBound > rest.startIndex { emit(true, String(rest[..<r.lowerBound])) }
                    rest = String(rest[r.upperBound...])
                    state = .afterClose
                } else {
                    let keep = Self.partialSuffix(rest, of: close)
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

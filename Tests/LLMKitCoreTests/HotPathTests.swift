@_spi(LLMKitInternal) import LLMKitCore
import Testing

/// The per-request fast paths give exactly the answers of the plain code they replace.
@Suite("JSON hot paths")
struct HotPathTests {
    /// The byte-at-a-time writer the run-copying one replaced.
    static func referenceString(_ s: String) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [0x22]
        for c in s.utf8 {
            switch c {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xF)]]
            default: out.append(c)
            }
        }
        return out + [0x22]
    }

    /// Streams queue and copy events by value: the large payloads are boxed, so an event stays
    /// the size of its largest inline case (an index and two strings).
    @Test func streamEventsStaySmall() {
        #expect(MemoryLayout<StreamEvent>.size <= 41, "\(MemoryLayout<StreamEvent>.size) bytes")
        let usage = StreamEvent.usage(Usage(inputTokens: 3, outputTokens: 5))
        #expect(usage == .usage(Usage(inputTokens: 3, outputTokens: 5)))
        guard case .usage(let u) = usage else { Issue.record("not usage"); return }
        #expect(u.outputTokens == 5)
    }

    @Test func writerEscapesLikeTheReference() throws {
        var samples = ["", "hi", "\"", "\\", "a\"b\\c\nd\re\tf\u{0}g\u{1f}h\u{7f}", "é中😊 plain", "\n\n", "end\""]
        samples.append(String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self))
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let scalars = (0..<Int.random(in: 0...40, using: &rng)).map { _ in
                Unicode.Scalar(UInt8.random(in: 0...0x7F, using: &rng))
            }
            samples.append(String(String.UnicodeScalarView(scalars)))
        }
        for s in samples {
            var out: [UInt8] = []
            JSONWriter.writeString(s, into: &out)
            #expect(out == Self.referenceString(s), "\(s.debugDescription)")
            #expect(try JSONValue(parsing: out) == .string(s))
        }
    }

    @Test func shortKeysAtTheEndOfTheBufferStillMatch() throws {
        // Strings shorter than four bytes whose first bytes sit within four bytes of the end.
        var tape = JSONTape()
        for text in [#"{"a":"b"}"#, #"{"ab":"c"}"#, #"["x"]"#, #""a""#, #""""#, #"{"abc":1,"abcd":"abcde"}"#] {
            try tape.parse(Array(text.utf8))
            let value = try tape.value(tape.root)
            #expect(try JSONValue(parsing: text) == value)
        }
        try tape.parse(Array(#"{"a":"b","ab":1,"abc":2,"abcd":3,"abcde":4}"#.utf8))
        #expect(tape.member(tape.root, "a").flatMap(tape.string) == "b")
        #expect(tape.member(tape.root, "ab").flatMap(tape.int) == 1)
        #expect(tape.member(tape.root, "abc").flatMap(tape.int) == 2)
        #expect(tape.member(tape.root, "abcd").flatMap(tape.int) == 3)
        #expect(tape.member(tape.root, "abcde").flatMap(tape.int) == 4)
        #expect(tape.member(tape.root, "abx") == nil)
        let adopted = try JSONTape(parsing: Array(#"{"x":"y"}"#.utf8))
        #expect(adopted.member(adopted.root, "x").flatMap(adopted.string) == "y")
    }
}

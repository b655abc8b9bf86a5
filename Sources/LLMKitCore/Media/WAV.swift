/// 16-bit PCM in a RIFF/WAVE file: enough to feed a realtime session from a recording and to save
/// its answer. Other sample formats (8-bit, float, compressed) are rejected with a clear error.
public struct WAVAudio: Sendable, Hashable {
    public var sampleRate: Int
    public var channels: Int
    /// Little-endian signed 16-bit samples, interleaved.
    public var pcm16: [UInt8]

    public init(sampleRate: Int, channels: Int = 1, pcm16: [UInt8]) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.pcm16 = pcm16
    }

    public struct FormatError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads a WAV file's `fmt ` and `data` chunks.
    public init(parsing bytes: [UInt8]) throws(FormatError) {
        func u32(_ i: Int) -> Int {
            Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24
        }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8)
        else { throw FormatError(description: "not a WAV file (no RIFF/WAVE header)") }
        var i = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        while i + 8 <= bytes.count {
            let id = String(decoding: bytes[i..<(i + 4)], as: UTF8.self)
            let size = u32(i + 4)
            let body = i + 8
            if id == "fmt ", body + 16 <= bytes.count {
                format = (u16(body), u16(body + 2), u32(body + 4), u16(body + 14))
            } else if id == "data" {
                guard let f = format else { throw FormatError(description: "WAV data before its fmt chunk") }
                let tag = f.tag == 0xFFFE ? 1 : f.tag  // WAVE_FORMAT_EXTENSIBLE, assumed PCM
                guard tag == 1, f.bits == 16 else {
                    throw FormatError(
                        description: "the WAV is not 16-bit PCM (format \(f.tag), \(f.bits) bits); convert it first, "
                            + "e.g. ffmpeg -i in.wav -ac 1 -ar 24000 -sample_fmt s16 out.wav")
                }
                let end = min(bytes.count, body + size)
                self.init(sampleRate: f.rate, channels: f.channels, pcm16: Array(bytes[body..<end]))
                return
            }
            i = body + size + (size & 1)
        }
        throw FormatError(description: "the WAV file has no data chunk")
    }

    /// The file's bytes (a 44-byte header and the samples).
    public var fileBytes: [UInt8] {
        func le32(_ v: Int) -> [UInt8] {
            [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24 & 0xff)]
        }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8 & 0xff)] }
        var out = Array("RIFF".utf8) + le32(36 + pcm16.count) + Array("WAVEfmt ".utf8) + le32(16)
        out += le16(1) + le16(channels) + le32(sampleRate) + le32(sampleRate * channels * 2) + le16(channels * 2)
        out += le16(16) + Array("data".utf8) + le32(pcm16.count)
        return out + pcm16
    }

    /// Mono at `rate` Hz: channels averaged, then resampled linearly (fine for speech).
    public func mono(at rate: Int) -> WAVAudio {
        let frames = pcm16.count / (2 * max(channels, 1))
        var samples = [Int16](repeating: 0, count: frames)
        for f in 0..<frames {
            var sum = 0
            for c in 0..<channels {
                let i = (f * channels + c) * 2
                sum += Int(Int16(bitPattern: UInt16(pcm16[i]) | UInt16(pcm16[i + 1]) << 8))
            }
            samples[f] = Int16(sum / max(channels, 1))
        }
        if rate != sampleRate, frames > 1 {
            let count = Int((Double(frames) * Double(rate) / Double(sampleRate)).rounded())
            let step = Double(sampleRate) / Double(rate)
            samples = (0..<count).map { k in
                let x = Double(k) * step
                let a = min(Int(x), frames - 1)
                let b = min(a + 1, frames - 1)
                let t = x - Double(a)
                return Int16((Double(samples[a]) * (1 - t) + Double(samples[b]) * t).rounded())
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(samples.count * 2)
        for s in samples {
            let u = UInt16(bitPattern: s)
            out.append(UInt8(u & 0xff))
            out.append(UInt8(u >> 8))
        }
        return WAVAudio(sampleRate: rate, channels: 1, pcm16: out)
    }
}

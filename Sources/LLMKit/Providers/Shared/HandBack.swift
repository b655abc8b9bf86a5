import LLMKitCore

/// Rules for sending a history that holds reasoning back to a provider.
package enum HandBack {
    /// Removes reasoning parts and call signatures that `family` cannot accept
    /// because another provider produced them, adding one warning per source.
    package static func strip(_ messages: [Message], for family: String, warnings: inout [Warning]) -> [Message] {
        var dropped: [String: Int] = [:]
        var out = messages
        for m in out.indices where out[m].role == .assistant {
            var parts: [Part] = []
            parts.reserveCapacity(out[m].parts.count)
            for p in out[m].parts {
                switch p {
                case .reasoning(let r):
                    if let source = r.provider, source != family {
                        dropped[source, default: 0] += 1
                    } else {
                        parts.append(p)
                    }
                case .toolCall(var c):
                    if let source = c.provider, source != family {
                        c.signature = nil
                        c.itemID = nil
                        c.provider = nil
                        dropped[source, default: 0] += 1
                        parts.append(.toolCall(c))
                    } else {
                        parts.append(p)
                    }
                default:
                    parts.append(p)
                }
            }
            out[m].parts = parts
        }
        for (source, count) in dropped.sorted(by: { $0.key < $1.key }) {
            warnings.append(
                Warning(
                    code: "reasoning_dropped",
                    message:
                        "dropped \(count) reasoning item(s) produced by \(source): \(family) cannot verify another provider's reasoning"
                ))
        }
        return out
    }
}

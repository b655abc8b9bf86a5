import Foundation
import LLMKit
import LLMKitCore

/// Reads the files and stdin that `llmkit chat` takes its input from. Every failure
/// is an `LLMError` of kind `invalidRequest` naming the option and the file.
enum InputFiles {
    /// `--messages FILE`: a JSON array of messages in LLMKit's `Codable` form.
    static func messages(at path: String) throws(LLMError) -> [Message] {
        let data = Data(try read(path, option: "--messages"))
        do {
            return try JSONDecoder().decode([Message].self, from: data)
        } catch let error as DecodingError {
            throw invalid("--messages", path, "not an array of LLMKit messages: \(describe(error))")
        } catch {
            throw invalid("--messages", path, "not an array of LLMKit messages: \(error)")
        }
    }

    /// `--tools FILE`: a JSON array of `{"name", "description", "parameters"}`. The OpenAI
    /// form `{"type": "function", "function": {...}}` is accepted too.
    static func tools(at path: String) throws(LLMError) -> [ToolDefinition] {
        let json = try parse(path, option: "--tools")
        guard case .array(let items) = json else {
            throw invalid("--tools", path, "expected a JSON array of {\"name\", \"description\", \"parameters\"}")
        }
        var tools: [ToolDefinition] = []
        for (index, item) in items.enumerated() {
            let tool = item["name"] == nil ? (item["function"] ?? item) : item
            guard let name = tool["name"]?.stringValue, !name.isEmpty else {
                throw invalid("--tools", path, "tool \(index) has no \"name\" string")
            }
            let parameters = tool["parameters"] ?? ["type": "object", "properties": [:]]
            guard case .object = parameters else {
                throw invalid("--tools", path, "the \"parameters\" of tool '\(name)' must be a JSON Schema object")
            }
            tools.append(
                ToolDefinition(
                    name: name, description: tool["description"]?.stringValue, parameters: parameters,
                    strict: tool["strict"]?.boolValue))
        }
        return tools
    }

    /// `--schema FILE`: one JSON Schema object.
    static func schema(at path: String) throws(LLMError) -> JSONValue {
        let json = try parse(path, option: "--schema")
        guard case .object = json else { throw invalid("--schema", path, "expected one JSON Schema object") }
        return json
    }

    /// The prompt piped on stdin; nil when stdin is a terminal or holds only whitespace.
    static func promptFromStdin() -> String? {
        guard !Output.stdinIsTTY else { return nil }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        let text = String(decoding: data, as: UTF8.self)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        var trimmed = Substring(text)
        while let last = trimmed.last, last.isNewline { trimmed.removeLast() }
        return String(trimmed)
    }

    private static func read(_ path: String, option: String) throws(LLMError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw invalid(option, path, "cannot read the file")
        }
        return [UInt8](data)
    }

    private static func parse(_ path: String, option: String) throws(LLMError) -> JSONValue {
        let bytes = try read(path, option: option)
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw invalid(option, path, "not valid JSON (\(error))")
        }
    }

    private static func invalid(_ option: String, _ path: String, _ reason: String) -> LLMError {
        LLMError(.invalidRequest, "\(option) \(path): \(reason)")
    }

    /// A one-line account of a decoding failure: where, and what.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\"\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return context.debugDescription + path(context)
        @unknown default:
            return "\(error)"
        }
    }
}

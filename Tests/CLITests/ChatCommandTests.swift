import Foundation
import LLMKitCore
import LLMKitTesting
import Testing

/// The documented keys of the `--json` object (DESIGN.md section 8), in order.
let responseKeys = [
    "model", "provider", "text", "reasoning", "toolCalls", "finishReason", "usage", "cost", "warnings", "message",
]
let usageKeys = ["inputTokens", "outputTokens", "reasoningTokens", "cacheReadTokens", "cacheWriteTokens"]

@Suite("llmkit chat")
struct ChatCommandTests {
    let openAIEnv = CLI.environment(["OPENAI_API_KEY": CLI.secret])

    @Test("--json prints one object with exactly the documented keys, nulls included")
    func jsonObject() async throws {
        let expected = try Fixture.json("openai-chat/text.expected.json")
        try await LoopbackServer.with([try Fixture.response("openai-chat/text.json")]) { server in
            let r = try await CLI.run(
                ["chat", "--model", "openai/gpt-4o", "--base-url", server.baseURL + "/v1", "--json", "hi"],
                environment: openAIEnv)
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(r.stderr.isEmpty)
            #expect(r.stdout.hasSuffix("}\n") && r.stdout.split(separator: "\n").count == 1)
            let out = try r.json()
            #expect(out.keys == responseKeys)
            #expect(out["text"] == expected["text"])
            #expect(out["provider"] == "openai")
            #expect(out["model"] == "gpt-4.1-nano-2025-04-14")
            #expect(out["finishReason"] == "stop")
            #expect(out["reasoning"] == .null)
            // gpt-4o at $2.50 / $10 per million (registry): 16 in, 363 out.
            #expect(abs((out["cost"]?.doubleValue ?? 0) - (16 * 2.5 + 363 * 10) / 1e6) < 1e-12)
            #expect(out["toolCalls"] == [])
            #expect(out["warnings"] == [])
            let usage = try #require(out["usage"])
            #expect(usage.keys == usageKeys)
            #expect(usage == expected["usage"])
            #expect(usage["cacheWriteTokens"] == .null)
            let message = try #require(out["message"])
            #expect(message["role"] == "assistant")
            #expect(message["parts"]?.arrayValue?.first?["text"] == expected["text"])

            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == "POST")
            #expect(request.uri == "/v1/chat/completions")
            #expect(request.header("authorization") == "Bearer \(CLI.secret)")
            let body = try #require(request.json)
            #expect(body["model"] == "gpt-4o")
            #expect(body["messages"] == [["role": "user", "content": "hi"]])
        }
    }

    @Test("--stream --json prints one event per line, ending in a final object")
    func streamJSON() async throws {
        let expected = try Fixture.json("openai-chat/text-stream.expected.json")
        try await LoopbackServer.with([try Fixture.sse("openai-chat/text-stream.sse")]) { server in
            let r = try await CLI.run(
                ["chat", "--model", "openai/gpt-4o", "--base-url", server.baseURL + "/v1", "--stream", "--json", "hi"],
                environment: openAIEnv)
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let lines = try r.stdout.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
            let last = try #require(lines.last)
            #expect(last["type"] == "final")
            #expect(last.keys == ["type"] + responseKeys)
            #expect(lines.dropLast().allSatisfy { $0["type"] != "final" })
            let deltas = lines.filter { $0["type"] == "textDelta" }.compactMap { $0["text"]?.stringValue }
            #expect(deltas.count > 1)
            #expect(deltas.joined() == last["text"]?.stringValue)
            #expect(last["text"] == expected["text"])
            #expect(last["usage"] == expected["usage"])
            let usageLine = try #require(lines.first { $0["type"] == "usage" })
            #expect(usageLine.keys == ["type"] + usageKeys)
            #expect(usageLine["inputTokens"] == 14)
            let body = try #require(server.requests.first?.json)
            #expect(body["stream"] == true)
        }
    }

    @Test("--stream --json reports tool calls as started / argument deltas / completed events")
    func streamToolEvents() async throws {
        try await LoopbackServer.with([try Fixture.sse("openai-chat/tools-stream.sse")]) { server in
            let r = try await CLI.run(
                ["chat", "--model", "openai/gpt-4o", "--base-url", server.baseURL + "/v1", "--stream", "--json", "hi"],
                environment: openAIEnv)
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let lines = try r.stdout.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
            let started = try #require(lines.first { $0["type"] == "toolCallStarted" })
            #expect(started.keys == ["type", "index", "id", "name"])
            #expect(started["name"] == "get_weather")
            #expect(lines.contains { $0["type"] == "toolCallArgumentsDelta" && $0.keys == ["type", "index", "delta"] })
            let completed = lines.filter { $0["type"] == "toolCallCompleted" }
            #expect(completed.count == 2)
            #expect(completed.first?.keys == ["type", "index", "id", "name", "arguments"])
            #expect(completed.first?["arguments"] == ["city": "Mexico City"])
            let final = try #require(lines.last)
            #expect(final["finishReason"] == "toolCalls")
            #expect(
                final["toolCalls"]?.arrayValue?.map(\.keys) == [
                    ["id", "name", "arguments"], ["id", "name", "arguments"],
                ])
            #expect(final["toolCalls"]?.arrayValue?.first?["arguments"] == ["city": "Mexico City"])
        }
    }

    @Test("human output: text on stdout, usage on stderr, no escapes when not a terminal")
    func humanOutput() async throws {
        let expected = try #require(try Fixture.json("openai-chat/text.expected.json")["text"]?.stringValue)
        try await LoopbackServer.with([try Fixture.response("openai-chat/text.json")]) { server in
            let r = try await CLI.run(
                ["chat", "--model", "openai/gpt-4o", "--base-url", server.baseURL + "/v1", "--no-stream", "hi"],
                environment: openAIEnv)
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(r.stdout == expected + "\n")
            #expect(server.requests.first?.json?["stream"] == nil)
            #expect(r.stderr == "[usage] in=16 out=363 reasoning=0 cached=0 cost=$0.00367\n")
        }
    }

    @Test("human output streams by default and prints tool calls as → name(arguments)")
    func humanStream() async throws {
        try await LoopbackServer.with([
            try Fixture.sse("openai-chat/text-stream.sse"), try Fixture.sse("openai-chat/tools-stream.sse"),
        ]) { server in
            let base = ["chat", "--model", "openai/gpt-4o", "--base-url", server.baseURL + "/v1"]
            let text = try await CLI.run(base + ["hi"], environment: openAIEnv)
            #expect(server.requests.first?.json?["stream"] == true)
            #expect(text.status == 0, "stderr: \(text.stderr)")
            #expect(text.stdout == "The capital of Mexico is Mexico City.\n")
            #expect(text.stderr.contains("[usage] in=14 out=8 reasoning=0 cached=0"))
            #expect(!text.stdout.contains("\u{1B}"))

            let tools = try await CLI.run(base + ["weather?"], environment: openAIEnv)
            #expect(tools.status == 0, "stderr: \(tools.stderr)")
            #expect(tools.stdout == "→ get_weather({\"city\":\"Mexico City\"})\n→ get_product_name({})\n")
        }
    }

    @Test("a provider error is one JSON line on stderr, exit 1, and never shows the key")
    func providerError() async throws {
        try await LoopbackServer.with([try Fixture.response("openai-chat/error-400.json", status: 400)]) { server in
            let r = try await CLI.run(
                ["chat", "--model", "openai/gpt-4o", "--base-url", server.baseURL + "/v1", "--json", "hi"],
                environment: openAIEnv)
            #expect(r.status == 1)
            #expect(r.stdout.isEmpty)
            let error = try r.error()
            #expect(error.keys == ["kind", "message", "provider", "statusCode"])
            #expect(error["kind"] == "invalidRequest")
            #expect(error["statusCode"] == 400)
            #expect(error["provider"] == "openai")
            #expect(error["message"]?.stringValue?.contains("does not support 'system'") == true)
            #expect(!r.stderr.contains("SECRET1234"))
            #expect(!r.stderr.contains(CLI.secret))
        }
    }

    @Test("a missing key is notConfigured and names the variable")
    func missingKey() async throws {
        let r = try await CLI.run(["chat", "--model", "openai/gpt-4o", "hi"])
        #expect(r.status == 1)
        let error = try r.error()
        #expect(error["kind"] == "notConfigured")
        #expect(error["provider"] == "openai")
        #expect(error["statusCode"] == .null)
        #expect(error["message"]?.stringValue?.contains("OPENAI_API_KEY") == true)
    }

    @Test("an unknown provider is a clear error listing the known ones")
    func unknownProvider() async throws {
        let r = try await CLI.run(["chat", "--model", "nope/x", "hi"])
        #expect(r.status == 1)
        let error = try r.error()
        #expect(error["kind"] == "notConfigured")
        let message = try #require(error["message"]?.stringValue)
        #expect(message.contains("unknown provider 'nope'"))
        #expect(message.contains("openai") && message.contains("anthropic"))
    }

    @Test("no --model and no keys uses local/smollm2; a refused connection says how to start it")
    func localDefaultNotRunning() async throws {
        // A port that was just free: start a server, note its port, shut it down.
        let server = try await LoopbackServer.start([])
        let closed = server.baseURL
        try await server.shutdown()
        let r = try await CLI.run(["chat", "hi"], environment: CLI.environment(["LOCAL_BASE_URL": closed + "/v1"]))
        #expect(r.status == 1)
        let error = try r.error()
        #expect(error["kind"] == "network")
        #expect(error["provider"] == "local")
        let message = try #require(error["message"]?.stringValue)
        #expect(message.contains("scripts/local-model start"))
        #expect(message.contains("local/smollm2"))
    }

    @Test("no --model uses the first provider with a key, in the documented order")
    func defaultHostedModel() async throws {
        try await LoopbackServer.with([
            try Fixture.response("anthropic/text.json"), try Fixture.response("openai-chat/text.json"),
        ]) { server in
            let anthropicOnly = CLI.environment([
                "ANTHROPIC_API_KEY": CLI.secret, "ANTHROPIC_BASE_URL": server.baseURL,
                "DEEPSEEK_API_KEY": CLI.secret, "DEEPSEEK_BASE_URL": server.baseURL,
            ])
            let first = try await CLI.run(["chat", "--json", "hi"], environment: anthropicOnly)
            #expect(first.status == 0, "stderr: \(first.stderr)")
            #expect(server.requests.first?.uri == "/v1/messages")
            #expect(server.requests.first?.json?["model"] == "claude-haiku-4-5")

            let both = anthropicOnly.merging(["OPENAI_API_KEY": CLI.secret, "OPENAI_BASE_URL": server.baseURL + "/v1"])
            {
                $1
            }
            let second = try await CLI.run(["chat", "--json", "hi"], environment: both)
            #expect(second.status == 0, "stderr: \(second.stderr)")
            #expect(server.requests.last?.uri == "/v1/chat/completions")
            #expect(server.requests.last?.json?["model"] == "gpt-4o-mini")
        }
    }

    @Test("the message printed by --json can be fed back with --messages")
    func messagesRoundTrip() async throws {
        let dir = try TempDir()
        try await LoopbackServer.with([
            try Fixture.response("anthropic/text.json"), try Fixture.response("anthropic/text.json"),
        ]) { server in
            let env = CLI.environment(["ANTHROPIC_API_KEY": CLI.secret])
            let model = ["--model", "anthropic/claude-sonnet-4-0", "--base-url", server.baseURL]
            let first = try await CLI.run(["chat"] + model + ["--json", "What is 4200 + 42?"], environment: env)
            #expect(first.status == 0, "stderr: \(first.stderr)")
            let answer = try first.json()
            #expect(answer["text"] == "4200 + 42 = 4242")
            #expect(answer["usage"]?["inputTokens"] == 17)
            let message = try #require(answer["message"])

            let history: JSONValue = [
                ["role": "user", "parts": [["type": "text", "text": "What is 4200 + 42?"]]], message,
            ]
            let file = try dir.write("history.json", JSONWriter.pretty(history))
            let second = try await CLI.run(
                ["chat"] + model + ["--messages", file, "--json", "And times two?"], environment: env)
            #expect(second.status == 0, "stderr: \(second.stderr)")

            #expect(server.requests.count == 2)
            let request = try #require(server.requests.last)
            #expect(request.uri == "/v1/messages")
            #expect(request.header("x-api-key") == CLI.secret)
            let messages = try #require(request.json?["messages"]?.arrayValue)
            #expect(messages.count == 3)
            #expect(messages[1]["role"] == "assistant")
            #expect(JSONWriter.string(messages[1]).contains("4200 + 42 = 4242"))
            #expect(messages[2]["role"] == "user")
            #expect(JSONWriter.string(messages[2]).contains("And times two?"))
        }
    }

    @Test("--system, --tools, --schema, --max-tokens and --temperature reach the request")
    func requestOptions() async throws {
        let dir = try TempDir()
        let tools = try dir.write(
            "tools.json",
            """
            [{"name": "get_weather", "description": "Weather for a city",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
            """)
        let schema = try dir.write(
            "schema.json",
            #"{"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": false}"#
        )
        try await LoopbackServer.with([try Fixture.response("openai-chat/text.json")]) { server in
            let r = try await CLI.run(
                [
                    "chat", "--model", "openai/gpt-4o", "--base-url", server.baseURL + "/v1", "--system", "Be brief.",
                    "--tools", tools, "--schema", schema, "--max-tokens", "100", "--temperature", "0.5", "--json", "hi",
                ], environment: openAIEnv)
            #expect(r.status == 0, "stderr: \(r.stderr)")
            let body = try #require(server.requests.first?.json)
            #expect(body["messages"]?.arrayValue?.first == ["role": "system", "content": "Be brief."])
            #expect(body["tools"]?.arrayValue?.first?["function"]?["name"] == "get_weather")
            #expect(body["response_format"]?["type"] == "json_schema")
            #expect(body["response_format"]?["json_schema"]?["name"] == "output")
            #expect(body["response_format"]?["json_schema"]?["strict"] == true)
            #expect(body["max_completion_tokens"] == 100)
            #expect(body["temperature"] == 0.5)
        }
    }

    @Test("the prompt is read from stdin when not given")
    func promptFromStdin() async throws {
        try await LoopbackServer.with([try Fixture.response("openai-chat/text.json")]) { server in
            let r = try await CLI.run(
                ["chat", "--model", "openai/gpt-4o", "--base-url", server.baseURL + "/v1", "--json"],
                environment: openAIEnv, stdin: "from stdin\n")
            #expect(r.status == 0, "stderr: \(r.stderr)")
            #expect(server.requests.first?.json?["messages"] == [["role": "user", "content": "from stdin"]])
        }
    }

    @Test("--api responses sends to the Responses API")
    func forcedResponsesAPI() async throws {
        try await LoopbackServer.with([try Fixture.response("openai-chat/error-400.json", status: 400)]) { server in
            let r = try await CLI.run(
                ["chat", "--model", "openai/gpt-4o", "--base-url", server.baseURL + "/v1", "--api", "responses", "hi"],
                environment: openAIEnv)
            #expect(r.status == 1)
            #expect(server.requests.first?.uri == "/v1/responses")
        }
    }

    @Test(
        "usage errors keep ArgumentParser's exit code 64",
        arguments: [
            ["chat", "--reasoning", "lots", "hi"], ["chat", "--api", "soap", "hi"],
            ["chat", "--max-tokens", "0", "hi"],
            ["chat"], ["models", "--provider", "bogus"],
        ])
    func usageErrors(arguments: [String]) async throws {
        let r = try await CLI.run(arguments)
        #expect(r.status == 64, "stderr: \(r.stderr)")
    }

    @Test("unreadable or malformed input files are reported as invalidRequest")
    func badFiles() async throws {
        let dir = try TempDir()
        let notArray = try dir.write("tools.json", #"{"name": "x"}"#)
        let badMessages = try dir.write("messages.json", #"[{"role": "user", "parts": [{"type": "nope"}]}]"#)
        for arguments in [
            ["--tools", notArray], ["--messages", badMessages], ["--schema", dir.url.path + "/missing.json"],
        ] {
            let r = try await CLI.run(
                ["chat", "--model", "openai/gpt-4o"] + arguments + ["hi"], environment: openAIEnv)
            #expect(r.status == 1)
            #expect(try r.error()["kind"] == "invalidRequest")
        }
    }
}

import ArgumentParser
import Foundation
import LLMKit
import LLMKitCore
import LLMKitGoogleAuth

/// `llmkit chat`: sends one chat request and prints the answer (DESIGN.md section 8).
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Send a chat request and print the answer.",
        discussion: """
            Without --model, llmkit uses the first provider whose key is set (openai/gpt-4o-mini, \
            anthropic/claude-haiku-4-5, gemini/gemini-2.5-flash, deepseek/deepseek-chat), and \
            local/smollm2 when none is (start it with `scripts/local-model start`).
            Errors are printed to stderr as {"error":{"kind","message","provider","statusCode"}} \
            with exit code 1.
            """
    )

    /// The OpenAI API flavour accepted by `--api`.
    enum APIChoice: String, ExpressibleByArgument, CaseIterable {
        case chat, responses

        var flavour: APIFlavour { self == .chat ? .chatCompletions : .responses }
    }

    @Option(help: ArgumentHelp("The model to use, e.g. openai/gpt-4o-mini.", valueName: "provider/model"))
    var model: String?

    @Option(help: "A system message, sent first.")
    var system: String?

    @Flag(
        inversion: .prefixedNo,
        help: "Stream the answer as it arrives (the default for human output; with --json, one event per line).")
    var stream: Bool?

    @Flag(help: "Print JSON: one object, or with --stream one event per line ending in a \"final\" object.")
    var json = false

    @Option(
        help: ArgumentHelp("Reasoning effort, or a thinking-token budget.", valueName: "off|low|medium|high|TOKENS"),
        transform: { text in
            guard let config = ReasoningConfig(parsing: text) else {
                throw ValidationError(
                    "--reasoning must be off, minimal, low, medium, high or a token count, not '\(text)'")
            }
            return config
        })
    var reasoning: ReasoningConfig?

    @Option(name: .customLong("max-tokens"), help: "The most tokens the answer may have.")
    var maxTokens: Int?

    @Option(help: "Sampling temperature.")
    var temperature: Double?

    @Option(
        help: ArgumentHelp("A JSON array of tools: {\"name\", \"description\", \"parameters\"}.", valueName: "file"),
        completion: .file())
    var tools: String?

    @Option(help: ArgumentHelp("One JSON Schema object the answer must match.", valueName: "file"), completion: .file())
    var schema: String?

    @Option(
        help: ArgumentHelp(
            "A JSON array of earlier messages in LLMKit's form (the `message` of --json).", valueName: "file"),
        completion: .file())
    var messages: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("Overrides the provider's base URL.", valueName: "url"))
    var baseURL: String?

    @Option(help: "Force the OpenAI API: chat (Chat Completions) or responses.")
    var api: APIChoice?

    @Argument(help: "The user message; read from stdin when omitted and stdin is not a terminal.")
    var prompt: String?

    mutating func validate() throws {
        if prompt == nil { prompt = InputFiles.promptFromStdin() }
        if prompt == nil, messages == nil {
            throw ValidationError("nothing to send: give a PROMPT, pipe one on stdin, or pass --messages FILE")
        }
        if let maxTokens, maxTokens <= 0 { throw ValidationError("--max-tokens must be positive") }
        if let temperature, !(temperature >= 0) { throw ValidationError("--temperature must be 0 or more") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let modelID = model ?? DefaultModel.choose(environment: environment)
        let provider = modelID.split(separator: "/", maxSplits: 1).first.map(String.init) ?? modelID
        let history: [Message]
        do {
            history = try conversation()
        } catch {
            throw ErrorReporter.report(error, environment: environment)
        }
        guard history.contains(where: { $0.role != .system }) else {
            throw ValidationError("nothing to send: --messages holds only system messages and no PROMPT was given")
        }
        do {
            let request = try makeRequest(model: modelID, messages: history)
            var settings: [String: ProviderSettings] = [:]
            if let baseURL { settings[provider] = ProviderSettings(baseURL: baseURL) }
            let llm = LLMKit(
                providers: settings, registry: try ModelsCommand.load(nil), environment: environment,
                serviceAccountSigner: RS256Signer())
            try await ChatRunner(llm: llm, request: request, json: json, stream: stream ?? !json).run()
        } catch {
            var e = error
            if provider == DefaultModel.localProvider {
                e = DefaultModel.addLocalHint(to: e, defaulted: model == nil)
            }
            throw ErrorReporter.report(e, environment: environment)
        }
    }

    /// The messages to send: `--system`, then `--messages`, then the prompt (argument or, via
    /// `validate()`, stdin).
    private func conversation() throws(LLMError) -> [Message] {
        var history: [Message] = []
        if let system { history.append(.system(system)) }
        if let messages { history += try InputFiles.messages(at: messages) }
        if let prompt { history.append(.user(prompt)) }
        return history
    }

    /// Builds the request from the options and files.
    private func makeRequest(model: String, messages: [Message]) throws(LLMError) -> ChatRequest {
        var format = OutputFormat.text
        if let schema { format = .jsonSchema(name: "output", schema: try InputFiles.schema(at: schema), strict: true) }
        return ChatRequest(
            model: model,
            messages: messages,
            tools: try tools.map(InputFiles.tools(at:)) ?? [],
            reasoning: reasoning,
            maxOutputTokens: maxTokens,
            temperature: temperature,
            outputFormat: format,
            api: api?.flavour
        )
    }
}

/// Sends the request and prints the answer in the chosen form.
struct ChatRunner {
    let llm: LLMKit
    let request: ChatRequest
    let json: Bool
    let stream: Bool

    func run() async throws(LLMError) {
        if stream {
            try await runStreaming()
            return
        }
        let response = try await llm.complete(request)
        if json {
            Output.outLine(JSONWriter.string(OutputJSON.response(response)))
        } else {
            HumanPrinter(tty: Output.stdoutIsTTY).show(response)
        }
    }

    private func runStreaming() async throws(LLMError) {
        let printer = json ? nil : HumanPrinter(tty: Output.stdoutIsTTY)
        do {
            for try await event in llm.stream(request) {
                if let printer {
                    printer.handle(event)
                } else {
                    Output.outLine(JSONWriter.string(OutputJSON.event(event)))
                }
            }
        } catch {
            printer?.interrupt()
            throw error
        }
    }
}

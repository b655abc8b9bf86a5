// The `llmkit` command (DESIGN.md section 8).

import ArgumentParser
import LLMKit

/// The root of the `llmkit` command: `llmkit chat ...`, `llmkit models ...`, `llmkit --version`.
@main
struct LLMKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llmkit",
        abstract: "Talk to LLM providers through LLMKit.",
        discussion: """
            Keys and base URLs come from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, \
            GEMINI_API_KEY, DEEPSEEK_API_KEY, LOCAL_BASE_URL, ...). Run `llmkit providers` to see \
            which providers are configured.
            """,
        version: LLMKitVersion.string,
        subcommands: [ChatCommand.self, EmbedCommand.self, ImageCommand.self, JobCommand.self, ModelsCommand.self, ProvidersCommand.self, RealtimeCommand.self, SearchCommand.self, SpeakCommand.self, TranscribeCommand.self, VideoCommand.self, VoicesCommand.self]
    )
}

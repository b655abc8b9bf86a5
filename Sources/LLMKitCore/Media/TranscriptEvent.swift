/// One event of a streamed transcription (`LLMKit.transcribeStream`).
public enum TranscriptEvent: Sendable, Hashable {
    /// More text, in order (OpenAI `transcript.text.delta`).
    case textDelta(String)
    /// A finished segment with its speaker (OpenAI's diarizing model, `transcript.text.segment`).
    case segment(Transcript.Paragraph)
    /// The whole transcript; always the last event.
    case done(Transcript)
}

import LLMKit

#!/usr/bin/env python3
"""Compute <case>.expected.json from Cohere v2 /v2/chat fixture bytes. Re-runnable: python3 make_expected.py
Rules:
- content blocks: {"type":"text","text"} -> text; {"type":"thinking","thinking"} -> reasoning.
  In streams the block type is only in `content-start` (by `index`); `content-delta` carries
  delta.message.content.text OR .thinking.
- `tool_plan` (non-stream message.tool_plan / stream tool-plan-delta) counts as reasoning (LLMKit keeps it as a
  reasoning part and sends it back as `tool_plan`; vercel/ai drops it). Streams: in arrival order; non-stream: after
  the thinking blocks of `content`. See SOURCE.md.
- tool calls: stream tool-call-start (id, name, arguments "") + tool-call-delta argument fragments, keyed by `index`.
  arguments "" and the string "null" (sent for no-argument tools, see tools-null-args) -> {} (vercel/ai does the same).
- finish: COMPLETE/STOP_SEQUENCE->stop, MAX_TOKENS->length, TOOL_CALL->toolCalls, ERROR/TIMEOUT->error, else other:<raw>.
- usage: from usage.tokens (input/output_tokens) like vercel/ai; falls back to billed_units; cacheReadTokens = usage.cached_tokens.
  reasoningTokens = null (not reported separately).
Embed/rerank files and error-*.json bodies are skipped (error-in-stream.sse is included)."""
import json, glob, os
HERE = os.path.dirname(os.path.abspath(__file__))
FR = {"COMPLETE": "stop", "STOP_SEQUENCE": "stop", "MAX_TOKENS": "length", "TOOL_CALL": "toolCalls", "ERROR": "error", "TIMEOUT": "error"}

def usage_of(u):
    u = u or {}
    t = u.get("tokens") or u.get("billed_units") or {}
    return {"inputTokens": t.get("input_tokens"), "outputTokens": t.get("output_tokens"), "reasoningTokens": None,
            "cacheReadTokens": u.get("cached_tokens"), "cacheWriteTokens": None}

def args(s):
    return {} if s in ("", "null") else json.loads(s)

def result(text, reasoning, calls, finish, usage):
    return {"text": "".join(text), "reasoning": "".join(reasoning) if reasoning else None, "reasoningSignatures": [],
            "toolCalls": [{"id": c["id"], "name": c["name"], "arguments": args(c["args"])} for c in calls],
            "finishReason": None if finish is None else FR.get(finish, "other:" + finish), "usage": usage_of(usage)}

def from_sse(raw):
    text, reasoning, calls, kinds = [], [], {}, {}
    finish = usage = None
    for line in raw.decode("utf-8").split("\n"):
        if not line.startswith("data: "): continue
        p = line[6:]
        if p == "[DONE]": continue
        ev = json.loads(p); t = ev["type"]; d = ev.get("delta") or {}; m = d.get("message") or {}
        if t == "content-start":
            kinds[ev["index"]] = m["content"]["type"]
            c = m["content"]; (reasoning if c["type"] == "thinking" else text).append(c.get(c["type"], ""))
        elif t == "content-delta":
            c = m["content"]
            if "thinking" in c: reasoning.append(c["thinking"])
            if "text" in c: text.append(c["text"])
        elif t == "tool-plan-delta":
            reasoning.append(m.get("tool_plan") or "")
        elif t == "tool-call-start":
            tc = m["tool_calls"]; calls[ev["index"]] = {"id": tc["id"], "name": tc["function"]["name"], "args": tc["function"].get("arguments", "")}
        elif t == "tool-call-delta":
            calls[ev["index"]]["args"] += m["tool_calls"]["function"].get("arguments", "")
        elif t == "message-end":
            finish = d.get("finish_reason"); usage = d.get("usage")
    return result(text, reasoning, [calls[k] for k in sorted(calls)], finish, usage)

def from_json(obj):
    m = obj["message"]; text, reasoning = [], []
    for c in m.get("content") or []:
        if c["type"] == "text": text.append(c["text"])
        elif c["type"] == "thinking": reasoning.append(c["thinking"])
        else: raise ValueError(c["type"])
    if m.get("tool_plan"): reasoning.append(m["tool_plan"])
    calls = [{"id": tc["id"], "name": tc["function"]["name"], "args": tc["function"]["arguments"]} for tc in m.get("tool_calls") or []]
    return result(text, reasoning, calls, obj.get("finish_reason"), obj.get("usage"))

for path in sorted(glob.glob(os.path.join(HERE, "*.sse")) + glob.glob(os.path.join(HERE, "*.json"))):
    base = os.path.basename(path)
    if base.startswith(("embed-", "rerank-")) or (base.startswith("error-") and base.endswith(".json")) or base.endswith((".request.json", ".expected.json", ".headers.json")): continue
    case = base.rsplit(".", 1)[0]
    raw = open(path, "rb").read()
    exp = from_sse(raw) if path.endswith(".sse") else from_json(json.loads(raw))
    with open(os.path.join(HERE, case + ".expected.json"), "w") as f:
        json.dump(exp, f, indent=2, ensure_ascii=False); f.write("\n")
    print(case, exp["finishReason"], len(exp["text"]), None if exp["reasoning"] is None else len(exp["reasoning"]), [(c["name"], c["arguments"]) for c in exp["toolCalls"]], exp["usage"])

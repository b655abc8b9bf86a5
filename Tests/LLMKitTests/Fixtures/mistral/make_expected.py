#!/usr/bin/env python3
"""Compute <case>.expected.json from Mistral fixture bytes. Re-runnable: python3 make_expected.py
Rules (Mistral native /v1/chat/completions):
- content may be a string, null, or an ARRAY of chunks: {"type":"text","text":..} -> text,
  {"type":"thinking","thinking":[{"type":"text","text":..}], "signature"?, "closed"?} -> reasoning.
- tool calls: stream deltas merged by `index` when present, else by position in the delta list;
  first non-empty id/name wins, arguments are concatenated.
- usage: inputTokens=prompt_tokens, outputTokens=completion_tokens, reasoningTokens=null (never reported),
  cacheReadTokens=prompt_tokens_details.cached_tokens or num_cached_tokens (older field), else null.
Embeddings / error files are skipped."""
import json, glob, os
HERE = os.path.dirname(os.path.abspath(__file__))
FR = {"stop": "stop", "length": "length", "model_length": "length", "tool_calls": "toolCalls", "error": "error"}

def usage_of(u):
    if not u: return {"inputTokens": None, "outputTokens": None, "reasoningTokens": None, "cacheReadTokens": None, "cacheWriteTokens": None}
    cached = (u.get("prompt_tokens_details") or {}).get("cached_tokens")
    if cached is None: cached = u.get("num_cached_tokens")
    return {"inputTokens": u.get("prompt_tokens"), "outputTokens": u.get("completion_tokens"), "reasoningTokens": None,
            "cacheReadTokens": cached, "cacheWriteTokens": None}

class Acc:
    def __init__(s): s.text=[]; s.reasoning=[]; s.sigs=[]; s.calls={}; s.order=[]
    def content(s, c):
        if c is None: return
        if isinstance(c, str): s.text.append(c); return
        for ch in c:
            t = ch.get("type")
            if t == "text": s.text.append(ch.get("text", ""))
            elif t == "thinking":
                for th in ch.get("thinking", []):
                    if th.get("type") == "text": s.reasoning.append(th.get("text", ""))
                if ch.get("signature"): s.sigs.append(ch["signature"])
            else: raise ValueError("unknown chunk type %r" % t)
    def tools(s, tcs):
        for pos, tc in enumerate(tcs or []):
            key = tc.get("index", pos)
            if key not in s.calls: s.calls[key] = {"id": None, "name": None, "args": ""}; s.order.append(key)
            c = s.calls[key]; f = tc.get("function") or {}
            if tc.get("id") and not c["id"]: c["id"] = tc["id"]
            if f.get("name") and not c["name"]: c["name"] = f["name"]
            if f.get("arguments"): c["args"] += f["arguments"] if isinstance(f["arguments"], str) else json.dumps(f["arguments"])
    def result(s, finish, usage):
        calls = [{"id": s.calls[k]["id"], "name": s.calls[k]["name"], "arguments": json.loads(s.calls[k]["args"] or "{}")} for k in s.order]
        return {"text": "".join(s.text), "reasoning": "".join(s.reasoning) if s.reasoning else None, "reasoningSignatures": s.sigs,
                "toolCalls": calls, "finishReason": None if finish is None else FR.get(finish, "other:" + finish), "usage": usage_of(usage)}

def from_sse(raw):
    a = Acc(); finish = None; usage = None
    for line in raw.decode("utf-8").split("\n"):
        if not line.startswith("data: "): continue
        p = line[6:]
        if p == "[DONE]": continue
        ch = json.loads(p)
        if ch.get("usage"): usage = ch["usage"]
        for c in ch.get("choices", []):
            d = c.get("delta") or {}
            a.content(d.get("content")); a.tools(d.get("tool_calls"))
            if c.get("finish_reason"): finish = c["finish_reason"]
    return a.result(finish, usage)

def from_json(obj):
    a = Acc(); c = obj["choices"][0]; m = c["message"]
    a.content(m.get("content")); a.tools(m.get("tool_calls"))
    return a.result(c.get("finish_reason"), obj.get("usage"))

for path in sorted(glob.glob(os.path.join(HERE, "*.sse")) + glob.glob(os.path.join(HERE, "*.json"))):
    base = os.path.basename(path)
    if base.startswith(("embed-", "error-")) or base.endswith((".request.json", ".expected.json", ".headers.json")): continue
    case = base.rsplit(".", 1)[0]
    raw = open(path, "rb").read()
    exp = from_sse(raw) if path.endswith(".sse") else from_json(json.loads(raw))
    with open(os.path.join(HERE, case + ".expected.json"), "w") as f:
        json.dump(exp, f, indent=2, ensure_ascii=False); f.write("\n")
    print(case, exp["finishReason"], len(exp["text"]), None if exp["reasoning"] is None else len(exp["reasoning"]), len(exp["toolCalls"]), exp["usage"])

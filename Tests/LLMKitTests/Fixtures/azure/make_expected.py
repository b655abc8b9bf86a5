#!/usr/bin/env python3
"""Compute <case>.expected.json from the fixture bytes in this folder (re-runnable).

Chat Completions (.json with "choices" / .sse with chat.completion.chunk):
  text = concat of message.content / delta.content (choice index 0), tool calls grouped by
  delta.tool_calls[].index, finishReason from the last non-null finish_reason, usage from the
  body / the usage chunk (choices: []). Azure annotation chunks (id "", choices [] with
  prompt_filter_results, or choices[] without delta) contribute nothing.
Responses (.json with "object": "response" / .sse with response.* events):
  text = output_text parts / response.output_text.delta, tool calls from function_call items
  (id = call_id), finishReason from status + incomplete_details.reason, usage from response.usage.
"""
import json, os, glob

HERE = os.path.dirname(os.path.abspath(__file__))
CHAT_FINISH = {"stop": "stop", "length": "length", "tool_calls": "toolCalls",
               "content_filter": "contentFilter", "function_call": "toolCalls"}

def sse_events(raw):
    events = []
    for block in raw.replace('\r\n', '\n').split('\n\n'):
        data = [l[5:].lstrip(' ') if l.startswith('data:') else None for l in block.split('\n')]
        data = [d for d in data if d is not None]
        if not data:
            continue
        payload = '\n'.join(data).rstrip(' ')
        if payload == '[DONE]':
            continue
        events.append(json.loads(payload))
    return events

def chat_usage(u):
    if not u:
        return {"inputTokens": None, "outputTokens": None, "reasoningTokens": None,
                "cacheReadTokens": None, "cacheWriteTokens": None}
    ctd = u.get("completion_tokens_details") or {}
    ptd = u.get("prompt_tokens_details") or {}
    return {"inputTokens": u.get("prompt_tokens"), "outputTokens": u.get("completion_tokens"),
            "reasoningTokens": ctd.get("reasoning_tokens"), "cacheReadTokens": ptd.get("cached_tokens"),
            "cacheWriteTokens": ptd.get("cache_write_tokens")}

def resp_usage(u):
    if not u:
        return chat_usage(None)
    return {"inputTokens": u.get("input_tokens"), "outputTokens": u.get("output_tokens"),
            "reasoningTokens": (u.get("output_tokens_details") or {}).get("reasoning_tokens"),
            "cacheReadTokens": (u.get("input_tokens_details") or {}).get("cached_tokens"),
            "cacheWriteTokens": None}

def finish_chat(fr):
    if fr is None:
        return None
    return CHAT_FINISH.get(fr, "other:" + fr)

def resp_finish(resp, has_tools):
    st = resp.get("status")
    if st == "completed":
        return "toolCalls" if has_tools else "stop"
    if st == "incomplete":
        r = (resp.get("incomplete_details") or {}).get("reason")
        return {"max_output_tokens": "length", "content_filter": "contentFilter"}.get(r, "other:" + str(r))
    if st == "failed":
        return "error"
    return "other:" + str(st)

def resp_from_output(resp):
    text, reasoning, sigs, tools = "", None, [], []
    for item in resp.get("output") or []:
        t = item.get("type")
        if t == "message":
            for p in item.get("content") or []:
                if p.get("type") == "output_text":
                    text += p.get("text", "")
        elif t == "reasoning":
            s = "".join(x.get("text", "") for x in item.get("summary") or [])
            if s:
                reasoning = (reasoning or "") + s
            if item.get("encrypted_content"):
                sigs.append(item["encrypted_content"])
        elif t == "function_call":
            tools.append({"id": item["call_id"], "name": item["name"], "arguments": json.loads(item["arguments"])})
    return text, reasoning, sigs, tools

def chat_json(d):
    ch = d["choices"][0]
    msg = ch["message"]
    tools = [{"id": tc["id"], "name": tc["function"]["name"], "arguments": json.loads(tc["function"]["arguments"])}
             for tc in msg.get("tool_calls") or []]
    return {"text": msg.get("content") or "", "reasoning": msg.get("reasoning_content"), "reasoningSignatures": [],
            "toolCalls": tools, "finishReason": finish_chat(ch.get("finish_reason")), "usage": chat_usage(d.get("usage"))}

def chat_sse(events):
    text, reasoning, finish, usage = "", None, None, None
    calls = {}
    for e in events:
        if e.get("usage"):
            usage = e["usage"]
        for ch in e.get("choices") or []:
            if ch.get("index", 0) != 0:
                continue
            if ch.get("finish_reason"):
                finish = ch["finish_reason"]
            delta = ch.get("delta") or {}
            if delta.get("content"):
                text += delta["content"]
            if delta.get("reasoning_content"):
                reasoning = (reasoning or "") + delta["reasoning_content"]
            for tc in delta.get("tool_calls") or []:
                c = calls.setdefault(tc["index"], {"id": None, "name": None, "arguments": ""})
                if tc.get("id"):
                    c["id"] = tc["id"]
                fn = tc.get("function") or {}
                if fn.get("name"):
                    c["name"] = fn["name"]
                c["arguments"] += fn.get("arguments") or ""
    tools = [{"id": c["id"], "name": c["name"], "arguments": json.loads(c["arguments"])} for _, c in sorted(calls.items())]
    return {"text": text, "reasoning": reasoning, "reasoningSignatures": [], "toolCalls": tools,
            "finishReason": finish_chat(finish), "usage": chat_usage(usage)}

def resp_sse(events):
    text, final = "", None
    for e in events:
        t = e.get("type", "")
        if t == "response.output_text.delta":
            text += e["delta"]
        if t in ("response.completed", "response.incomplete", "response.failed"):
            final = e["response"]
    _, reasoning, sigs, tools = resp_from_output(final)
    return {"text": text, "reasoning": reasoning, "reasoningSignatures": sigs, "toolCalls": tools,
            "finishReason": resp_finish(final, bool(tools)), "usage": resp_usage(final.get("usage"))}

def main():
    for path in sorted(glob.glob(os.path.join(HERE, "*.json")) + glob.glob(os.path.join(HERE, "*.sse"))):
        name = os.path.basename(path)
        if name.startswith("error-") or name.startswith("responses-error-") or \
           any(name.endswith(s) for s in (".request.json", ".headers.json", ".expected.json")):
            continue
        raw = open(path, encoding="utf-8").read()
        if name.endswith(".sse"):
            ev = sse_events(raw)
            out = resp_sse(ev) if any(str(e.get("type", "")).startswith("response.") for e in ev) else chat_sse(ev)
        else:
            d = json.loads(raw)
            if d.get("object") == "response":
                text, reasoning, sigs, tools = resp_from_output(d)
                out = {"text": text, "reasoning": reasoning, "reasoningSignatures": sigs, "toolCalls": tools,
                       "finishReason": resp_finish(d, bool(tools)), "usage": resp_usage(d.get("usage"))}
            else:
                out = chat_json(d)
        case = name.rsplit(".", 1)[0]
        with open(os.path.join(HERE, case + ".expected.json"), "w", encoding="utf-8") as f:
            json.dump(out, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print(case, out["finishReason"], repr(out["text"][:60]), out["usage"])

if __name__ == "__main__":
    main()

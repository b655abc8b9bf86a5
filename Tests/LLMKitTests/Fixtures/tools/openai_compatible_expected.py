#!/usr/bin/env python3
"""Compute <case>.expected.json from the fixture bytes of one OpenAI-compatible provider folder.
Usage: python3 tools/openai_compatible_expected.py FOLDER   (writes next to the fixtures)
Generic OpenAI-compatible chat parser with the per-provider rules documented in each SOURCE.md."""
import json, os, re, glob
import sys
HERE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.getcwd()
PROVIDER = os.path.basename(HERE)
# Files whose answer text carries <think>...</think> that the provider did not split out.
THINK_TAG_FILES = {'think-tags.json', 'vllm/tools-stream.sse', 'vllm/tools.json'}  # bare names: any folder

def finish(raw):
    if raw is None: return None
    return {'stop': 'stop', 'length': 'length', 'tool_calls': 'toolCalls', 'function_call': 'toolCalls',
            'content_filter': 'contentFilter'}.get(raw, 'other:' + raw)

def usage_of(u):
    if not u: return {'inputTokens': None, 'outputTokens': None, 'reasoningTokens': None,
                      'cacheReadTokens': None, 'cacheWriteTokens': None}
    ctd = u.get('completion_tokens_details') or {}
    ptd = u.get('prompt_tokens_details') or {}
    reasoning = ctd.get('reasoning_tokens')
    out = u.get('completion_tokens')
    if PROVIDER == 'xai' and out is not None and reasoning:
        # xAI: completion_tokens EXCLUDES reasoning (total = prompt + completion + reasoning)
        out = out + reasoning
    cached = ptd.get('cached_tokens')
    if cached is None and 'cached_tokens' in u:  # Together puts cached_tokens at the top of usage
        cached = u.get('cached_tokens')
    return {'inputTokens': u.get('prompt_tokens'), 'outputTokens': out, 'reasoningTokens': reasoning,
            'cacheReadTokens': cached, 'cacheWriteTokens': ptd.get('cache_write_tokens')}

def split_think(text):
    m = re.match(r'\s*<think>(.*?)</think>\s*(.*)\Z', text, re.S)
    return (m.group(2), m.group(1)) if m else (text, None)

def sigs_of(details):
    out = []
    for d in details or []:
        if d.get('type') == 'reasoning.encrypted' and d.get('data'): out.append(d['data'])
        elif d.get('signature'): out.append(d['signature'])
    return out

def result(text, reasoning, sigs, calls, fin, usage):
    return {'text': text, 'reasoning': reasoning if reasoning else None, 'reasoningSignatures': sigs,
            'toolCalls': calls, 'finishReason': fin, 'usage': usage_of(usage)}

def parse_args(s):
    return json.loads(s) if s not in (None, '') else {}

def from_json(obj):
    ch = obj['choices'][0]; msg = ch.get('message') or {}
    text = msg.get('content') or ''
    reasoning = msg.get('reasoning_content') or msg.get('reasoning') or ''
    calls = [{'id': t.get('id'), 'name': t['function']['name'], 'arguments': parse_args(t['function'].get('arguments'))}
             for t in msg.get('tool_calls') or []]
    return text, reasoning, sigs_of(msg.get('reasoning_details')), calls, finish(ch.get('finish_reason')), obj.get('usage')

def sse_events(raw):
    """Yield (event, data) per SSE spec: blank line ends an event, ':' lines are comments."""
    ev, data = None, []
    for line in raw.replace('\r\n', '\n').split('\n') + ['']:
        if line == '':
            if data: yield ev, '\n'.join(data)
            ev, data = None, []
        elif line.startswith(':'):
            continue
        elif line.startswith('data:'):
            data.append(line[5:][1:] if line[5:6] == ' ' else line[5:])
        elif line.startswith('event:'):
            ev = line[6:].strip()

def from_sse(raw):
    text, reasoning, sigs, calls, fin, usage, err = '', '', [], {}, None, None, False
    order = []
    for ev, data in sse_events(raw):
        if data == '[DONE]': continue
        obj = json.loads(data)
        if ev == 'error' or obj.get('error'): err = True
        if obj.get('usage'): usage = obj['usage']
        elif (obj.get('x_groq') or {}).get('usage'): usage = obj['x_groq']['usage']
        for ch in obj.get('choices') or []:
            if ch.get('index', 0) != 0: continue
            d = ch.get('delta') or {}
            text += d.get('content') or ''
            reasoning += d.get('reasoning_content') or d.get('reasoning') or ''
            sigs += sigs_of(d.get('reasoning_details'))
            for i, t in enumerate(d.get('tool_calls') or []):
                key = t.get('index', i) if t.get('index') is not None else i
                if key not in calls:
                    calls[key] = {'id': None, 'name': '', 'args': ''}; order.append(key)
                c = calls[key]
                if t.get('id'): c['id'] = t['id']
                f = t.get('function') or {}
                if f.get('name'): c['name'] += f['name']
                c['args'] += f.get('arguments') or ''
            if ch.get('finish_reason'): fin = finish(ch['finish_reason'])
    if err: fin = 'error'
    out_calls = [{'id': calls[k]['id'], 'name': calls[k]['name'], 'arguments': parse_args(calls[k]['args'])} for k in order]
    return text, reasoning, sigs, out_calls, fin, usage

def main():
    for path in sorted(glob.glob(os.path.join(HERE, '*'))):
        name = os.path.basename(path)
        if name.startswith('error-') or name.endswith(('.request.json', '.headers.json', '.expected.json')): continue
        if name.endswith('.sse'):
            parts = from_sse(open(path, encoding='utf-8').read())
        elif name.endswith('.json'):
            parts = from_json(json.load(open(path, encoding='utf-8')))
        else:
            continue
        text, reasoning, sigs, calls, fin, usage = parts
        if name in THINK_TAG_FILES or os.path.basename(HERE) + '/' + name in THINK_TAG_FILES:
            text, think = split_think(text)
            reasoning = (reasoning or '') + (think or '')
        case = name.rsplit('.', 1)[0]
        with open(os.path.join(HERE, case + '.expected.json'), 'w', encoding='utf-8') as f:
            json.dump(result(text, reasoning, sigs, calls, fin, usage), f, indent=2, ensure_ascii=False)
            f.write('\n')
        print('wrote', case + '.expected.json')

if __name__ == '__main__':
    main()

"""Compute <case>.expected.json for the Anthropic-on-Vertex fixtures (Anthropic Messages format).
Run: python3 make_expected.py   (no third-party packages)."""
import json, os, glob
HERE = os.path.dirname(os.path.abspath(__file__))
STOP = {'end_turn': 'stop', 'stop_sequence': 'stop', 'max_tokens': 'length', 'tool_use': 'toolCalls', 'refusal': 'refusal'}

def fin(raw): return None if raw is None else STOP.get(raw, 'other:' + raw)
def usage(mu):
    cr, cw = mu.get('cache_read_input_tokens'), mu.get('cache_creation_input_tokens')
    return {'inputTokens': mu['input_tokens'] + (cr or 0) + (cw or 0), 'outputTokens': mu.get('output_tokens'),
            'reasoningTokens': None, 'cacheReadTokens': cr, 'cacheWriteTokens': cw}
def res(text, reasoning, sigs, tools, f, u):
    return {'text': text, 'reasoning': reasoning or None, 'reasoningSignatures': sigs, 'toolCalls': tools, 'finishReason': f, 'usage': u}

def from_sse(raw):
    text, reasoning, sigs, blocks, order, f, u = '', '', [], {}, [], None, None
    for frame in raw.replace('\r\n', '\n').split('\n\n'):
        data = [l[5:].lstrip() for l in frame.split('\n') if l.startswith('data:')]
        if not data: continue
        e = json.loads('\n'.join(data)); t = e['type']
        if t == 'message_start': u = usage(e['message']['usage'])
        elif t == 'content_block_start':
            cb = e['content_block']
            if cb['type'] == 'tool_use': blocks[e['index']] = {'id': cb['id'], 'name': cb['name'], 'args': ''}; order.append(e['index'])
            elif cb['type'] == 'redacted_thinking': sigs.append(cb['data'])
        elif t == 'content_block_delta':
            d = e['delta']
            if d['type'] == 'text_delta': text += d['text']
            elif d['type'] == 'thinking_delta': reasoning += d['thinking']
            elif d['type'] == 'signature_delta': sigs.append(d['signature'])
            elif d['type'] == 'input_json_delta': blocks[e['index']]['args'] += d['partial_json']
        elif t == 'message_delta':
            f = fin(e['delta'].get('stop_reason'))
            if u is not None and 'output_tokens' in e.get('usage', {}): u['outputTokens'] = e['usage']['output_tokens']
        elif t == 'error': f = 'error'
    tools = [{'id': blocks[i]['id'], 'name': blocks[i]['name'], 'arguments': json.loads(blocks[i]['args']) if blocks[i]['args'].strip() else {}} for i in order]
    return res(text, reasoning, sigs, tools, f, u)

def from_json(d):
    text, reasoning, sigs, tools = '', '', [], []
    for c in d['content']:
        if c['type'] == 'text': text += c['text']
        elif c['type'] == 'thinking': reasoning += c['thinking']; sigs.append(c['signature'])
        elif c['type'] == 'redacted_thinking': sigs.append(c['data'])
        elif c['type'] == 'tool_use': tools.append({'id': c['id'], 'name': c['name'], 'arguments': c['input']})
    return res(text, reasoning, sigs, tools, fin(d['stop_reason']), usage(d['usage']))

for path in sorted(glob.glob(os.path.join(HERE, '*'))):
    n = os.path.basename(path)
    if n.endswith(('.request.json', '.headers.json', '.expected.json')) or n.startswith('error-'): continue
    if n.endswith('.sse'): case, r = n[:-4], from_sse(open(path, encoding='utf-8').read())
    elif n.endswith('.json'): case, r = n[:-5], from_json(json.load(open(path, encoding='utf-8')))
    else: continue
    with open(os.path.join(HERE, case + '.expected.json'), 'w', encoding='utf-8') as fh:
        json.dump(r, fh, indent=2, ensure_ascii=False); fh.write('\n')
    print('wrote', case + '.expected.json')

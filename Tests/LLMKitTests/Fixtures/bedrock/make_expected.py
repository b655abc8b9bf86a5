"""Compute <case>.expected.json from the Bedrock fixture bytes in this folder.
Run: python3 make_expected.py   (no third-party packages)."""
import json, os, struct, zlib, base64, glob

HERE = os.path.dirname(os.path.abspath(__file__))

def decode_frames(buf):
    """AWS event stream: [total_len u32][headers_len u32][prelude_crc u32][headers][payload][message_crc u32]."""
    out, i = [], 0
    while i < len(buf):
        total, hlen, pcrc = struct.unpack('>III', buf[i:i + 12])
        if zlib.crc32(buf[i:i + 8]) != pcrc: raise ValueError('prelude CRC mismatch')
        msg = buf[i:i + total]
        if zlib.crc32(msg[:-4]) != struct.unpack('>I', msg[-4:])[0]: raise ValueError('message CRC mismatch')
        h, j, headers = msg[12:12 + hlen], 0, {}
        while j < len(h):
            n = h[j]; name = h[j + 1:j + 1 + n].decode(); j += 1 + n
            t = h[j]; j += 1
            if t in (0, 1): v = (t == 0)
            elif t == 2: v = struct.unpack('>b', h[j:j + 1])[0]; j += 1
            elif t == 3: v = struct.unpack('>h', h[j:j + 2])[0]; j += 2
            elif t == 4: v = struct.unpack('>i', h[j:j + 4])[0]; j += 4
            elif t in (5, 8): v = struct.unpack('>q', h[j:j + 8])[0]; j += 8
            elif t in (6, 7):
                l = struct.unpack('>H', h[j:j + 2])[0]; v = h[j + 2:j + 2 + l]; j += 2 + l
                if t == 7: v = v.decode()
            elif t == 9: v = h[j:j + 16]; j += 16
            else: raise ValueError('bad header type %d' % t)
            headers[name] = v
        out.append((headers, msg[12 + hlen:-4]))
        i += total
    return out

CONVERSE_STOP = {'end_turn': 'stop', 'stop_sequence': 'stop', 'max_tokens': 'length', 'tool_use': 'toolCalls',
                 'guardrail_intervened': 'contentFilter', 'content_filtered': 'contentFilter'}
ANTHROPIC_STOP = {'end_turn': 'stop', 'stop_sequence': 'stop', 'max_tokens': 'length', 'tool_use': 'toolCalls',
                  'refusal': 'refusal'}

def finish(raw, table):
    if raw is None: return None
    return table.get(raw, 'other:' + raw)

def parse_args(s):
    return json.loads(s) if s.strip() else {}

def converse_usage(u):
    if u is None: return {'inputTokens': None, 'outputTokens': None, 'reasoningTokens': None, 'cacheReadTokens': None, 'cacheWriteTokens': None}
    cr, cw = u.get('cacheReadInputTokens'), u.get('cacheWriteInputTokens')
    # Bedrock inputTokens EXCLUDES cache reads/writes (totalTokens = input + output + cacheRead + cacheWrite).
    return {'inputTokens': u['inputTokens'] + (cr or 0) + (cw or 0), 'outputTokens': u['outputTokens'],
            'reasoningTokens': None, 'cacheReadTokens': cr, 'cacheWriteTokens': cw}

def result(text, reasoning, sigs, tools, fin, usage):
    return {'text': text, 'reasoning': reasoning if reasoning else None, 'reasoningSignatures': sigs,
            'toolCalls': tools, 'finishReason': fin, 'usage': usage}

def from_converse_events(events):
    """events: list of (event_type or None, exception_type or None, payload dict)."""
    text, reasoning, sigs, blocks, order, fin, usage = '', '', [], {}, [], None, None
    for et, ex, p in events:
        if ex is not None:
            fin = 'error'; continue
        if et == 'contentBlockStart' and 'toolUse' in p.get('start', {}):
            tu = p['start']['toolUse']; blocks[p['contentBlockIndex']] = {'id': tu['toolUseId'], 'name': tu['name'], 'args': ''}
            order.append(p['contentBlockIndex'])
        elif et == 'contentBlockDelta':
            d = p['delta']
            if 'text' in d: text += d['text']
            if 'reasoningContent' in d:
                rc = d['reasoningContent']
                if 'text' in rc: reasoning += rc['text']
                if 'signature' in rc: sigs.append(rc['signature'])
                if 'redactedContent' in rc: sigs.append(rc['redactedContent'])
            if 'toolUse' in d: blocks[p['contentBlockIndex']]['args'] += d['toolUse']['input']
        elif et == 'messageStop':
            fin = finish(p['stopReason'], CONVERSE_STOP)
        elif et == 'metadata':
            usage = p.get('usage')
    tools = [{'id': blocks[i]['id'], 'name': blocks[i]['name'], 'arguments': parse_args(blocks[i]['args'])} for i in order]
    return result(text, reasoning, sigs, tools, fin, converse_usage(usage))

def from_converse_json(d):
    text, reasoning, sigs, tools = '', '', [], []
    for c in d['output']['message']['content']:
        if 'text' in c: text += c['text']
        if 'reasoningContent' in c:
            rc = c['reasoningContent']
            if 'reasoningText' in rc:
                reasoning += rc['reasoningText'].get('text', '')
                if 'signature' in rc['reasoningText']: sigs.append(rc['reasoningText']['signature'])
            if 'redactedContent' in rc: sigs.append(rc['redactedContent'])
        if 'toolUse' in c:
            tools.append({'id': c['toolUse']['toolUseId'], 'name': c['toolUse']['name'], 'arguments': c['toolUse']['input']})
    return result(text, reasoning, sigs, tools, finish(d['stopReason'], CONVERSE_STOP), converse_usage(d.get('usage')))

def from_anthropic_events(evs):
    text, reasoning, sigs, blocks, order, fin = '', '', [], {}, [], None
    u = {'inputTokens': None, 'outputTokens': None, 'reasoningTokens': None, 'cacheReadTokens': None, 'cacheWriteTokens': None}
    for e in evs:
        t = e['type']
        if t == 'message_start':
            mu = e['message']['usage']
            cr, cw = mu.get('cache_read_input_tokens'), mu.get('cache_creation_input_tokens')
            u.update(inputTokens=mu['input_tokens'] + (cr or 0) + (cw or 0), outputTokens=mu.get('output_tokens'), cacheReadTokens=cr, cacheWriteTokens=cw)
        elif t == 'content_block_start':
            cb = e['content_block']
            if cb['type'] == 'tool_use':
                blocks[e['index']] = {'id': cb['id'], 'name': cb['name'], 'args': ''}; order.append(e['index'])
            elif cb['type'] == 'redacted_thinking': sigs.append(cb['data'])
        elif t == 'content_block_delta':
            d = e['delta']
            if d['type'] == 'text_delta': text += d['text']
            elif d['type'] == 'thinking_delta': reasoning += d['thinking']
            elif d['type'] == 'signature_delta': sigs.append(d['signature'])
            elif d['type'] == 'input_json_delta': blocks[e['index']]['args'] += d['partial_json']
        elif t == 'message_delta':
            fin = finish(e['delta'].get('stop_reason'), ANTHROPIC_STOP)
            if 'usage' in e and 'output_tokens' in e['usage']: u['outputTokens'] = e['usage']['output_tokens']
        elif t == 'error': fin = 'error'
    tools = [{'id': blocks[i]['id'], 'name': blocks[i]['name'], 'arguments': parse_args(blocks[i]['args'])} for i in order]
    return result(text, reasoning, sigs, tools, fin, u)

def main():
    for path in sorted(glob.glob(os.path.join(HERE, '*'))):
        name = os.path.basename(path)
        if name.endswith('.request.json') or name.endswith('.headers.json') or name.endswith('.expected.json'): continue
        case = None
        if name.endswith('.eventstream'):
            case = name[:-len('.eventstream')]
            frames = decode_frames(open(path, 'rb').read())
            if name.startswith('invoke-anthropic'):
                evs = [json.loads(base64.b64decode(json.loads(p)['bytes'])) for h, p in frames if h.get(':event-type') == 'chunk']
                res = from_anthropic_events(evs)
            else:
                evs = [(h.get(':event-type'), h.get(':exception-type'), json.loads(p)) for h, p in frames]
                res = from_converse_events(evs)
        elif name.endswith('.events.jsonl'):
            case = name[:-len('.events.jsonl')]
            evs = []
            for line in open(path, encoding='utf-8'):
                if line.strip():
                    (k, v), = json.loads(line).items(); evs.append((k, None, v))
            res = from_converse_events(evs)
        elif name.endswith('.json') and not name.startswith('error-'):
            case = name[:-len('.json')]
            res = from_converse_json(json.load(open(path, encoding='utf-8')))
        if case:
            with open(os.path.join(HERE, case + '.expected.json'), 'w', encoding='utf-8') as f:
                json.dump(res, f, indent=2, ensure_ascii=False); f.write('\n')
            print('wrote', case + '.expected.json')

if __name__ == '__main__':
    main()

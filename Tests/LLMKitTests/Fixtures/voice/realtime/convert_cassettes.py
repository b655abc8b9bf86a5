"""Convert pydantic-ai realtime WebSocket cassettes (YAML, `interactions: [{kind, direction, data}]`)
into JSONL: <case>.jsonl = server->client events ("received"), in order, one JSON object per line;
<case>.client.jsonl = client->server messages ("sent"), in order;
<case>.session.jsonl = every interaction in the ORIGINAL cassette order, one per line:
  {"dir":"in","data":<server frame>}   for kind=message, direction=received
  {"dir":"out","data":<client frame>}  for kind=message, direction=sent
  {"dir":"close","code":<int>,"reason":<str>,"ok":<bool>}  for kind=close (a WebSocket close observed
  while receiving; only test_xai_ws/test_session_resumption_after_drop has one). Close entries are NOT
  written to <case>.jsonl / <case>.client.jsonl.
Payloads are re-serialized from the YAML (json.dumps, ensure_ascii=False, compact separators);
keys and values are unchanged. Usage: python3 convert_cassettes.py <cassette.yaml> <out_prefix>"""
import json, sys, yaml


def dump(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(',', ':'))


src, out = sys.argv[1], sys.argv[2]
d = yaml.safe_load(open(src, encoding='utf-8'))
with open(out + '.jsonl', 'w', encoding='utf-8') as rx, open(out + '.client.jsonl', 'w', encoding='utf-8') as tx, \
        open(out + '.session.jsonl', 'w', encoding='utf-8') as ses:
    for it in d['interactions']:
        if it['kind'] == 'close':
            ses.write(dump({'dir': 'close', 'code': it['code'], 'reason': it.get('reason', ''), 'ok': it['ok']}) + '\n')
            continue
        assert it['kind'] == 'message', it
        assert it['direction'] in ('received', 'sent'), it
        line = dump(it['data']) + '\n'
        (rx if it['direction'] == 'received' else tx).write(line)
        ses.write(dump({'dir': 'in' if it['direction'] == 'received' else 'out', 'data': it['data']}) + '\n')

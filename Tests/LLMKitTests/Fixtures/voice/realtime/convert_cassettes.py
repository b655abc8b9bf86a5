"""Convert pydantic-ai realtime WebSocket cassettes (YAML, `interactions: [{kind, direction, data}]`)
into JSONL: <case>.jsonl = server->client events ("received"), in order, one JSON object per line;
<case>.client.jsonl = client->server messages ("sent"), in order.
Payloads are re-serialized from the YAML (json.dumps, ensure_ascii=False, compact separators);
keys and values are unchanged. Usage: python3 convert_cassettes.py <cassette.yaml> <out_prefix>"""
import json, sys, yaml

src, out = sys.argv[1], sys.argv[2]
d = yaml.safe_load(open(src, encoding='utf-8'))
with open(out + '.jsonl', 'w', encoding='utf-8') as rx, open(out + '.client.jsonl', 'w', encoding='utf-8') as tx:
    for it in d['interactions']:
        assert it['kind'] == 'message', it
        line = json.dumps(it['data'], ensure_ascii=False, separators=(',', ':')) + '\n'
        (rx if it['direction'] == 'received' else tx).write(line)

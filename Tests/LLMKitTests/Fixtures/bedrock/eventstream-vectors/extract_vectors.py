"""Extract the hand-made event-stream test vectors from botocore's tests/unit/test_eventstream.py
(boto/botocore @ 0e6e2404b85dc336dd2889814e089bde7d1a4c55) into <name>.eventstream (raw bytes)
plus vectors.json (expected decode result or expected error), using ast only (nothing is executed).
Usage: python3 extract_vectors.py path/to/test_eventstream.py"""
import ast, json, sys, os
src = open(sys.argv[1]).read(); tree = ast.parse(src)
out = os.path.dirname(os.path.abspath(__file__)); vec = {}
def lit(n):
    return ast.literal_eval(n)
def kw(call, name):
    for k in call.keywords:
        if k.arg == name: return k.value
for node in tree.body:
    if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2): continue
    name = node.targets[0].id
    enc, exp = node.value.elts
    try: data = lit(enc)
    except Exception: continue            # INVALID_PAYLOAD_LENGTH (24 MiB expression) is skipped
    if not isinstance(data, bytes): continue
    fn = name.lower().replace('_', '-') + '.eventstream'
    open(os.path.join(out, fn), 'wb').write(data)
    if isinstance(exp, ast.Name):
        vec[fn] = {'source_name': name, 'expect_error': exp.id}
    else:
        pre = kw(exp, 'prelude')
        hdrs = lit(kw(exp, 'headers'))
        vec[fn] = {'source_name': name,
                   'total_length': lit(kw(pre, 'total_length')), 'headers_length': lit(kw(pre, 'headers_length')),
                   'prelude_crc': lit(kw(pre, 'crc')),
                   'headers': {k: (v.hex() if isinstance(v, bytes) else v) for k, v in hdrs.items()},
                   'bytes_headers_hex_encoded': [k for k, v in hdrs.items() if isinstance(v, bytes)],
                   'payload_utf8': lit(kw(exp, 'payload')).decode(), 'message_crc': lit(kw(exp, 'crc'))}
json.dump(vec, open(os.path.join(out, 'vectors.json'), 'w'), indent=2); print(len(vec), 'vectors')

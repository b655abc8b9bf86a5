"""Re-derive header-string-to-sign hash and header-signature.txt for every case here (sanity check of the vectors).
Run: python3 verify_signatures.py"""
import hmac, hashlib, json, os
HERE = os.path.dirname(os.path.abspath(__file__))
def H(k, m): return hmac.new(k, m.encode(), hashlib.sha256).digest()
for c in sorted(os.listdir(HERE)):
    d = os.path.join(HERE, c)
    if not os.path.isdir(d): continue
    ctx = json.load(open(os.path.join(d, 'context.json')))
    cr = open(os.path.join(d, 'header-canonical-request.txt')).read()
    sts = open(os.path.join(d, 'header-string-to-sign.txt')).read()
    date = ctx['timestamp'][:10].replace('-', '')
    k = H(('AWS4' + ctx['credentials']['secret_access_key']).encode(), date)
    for part in (ctx['region'], ctx['service'], 'aws4_request'): k = H(k, part)
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    print(c, 'canonical-hash', sts.split('\n')[3] == hashlib.sha256(cr.encode()).hexdigest(),
          'signature', sig == open(os.path.join(d, 'header-signature.txt')).read().strip())

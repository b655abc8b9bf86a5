#!/usr/bin/env python3
"""Writes the bedrock-*.json fixtures from pydantic-ai's recorded cassettes (see SOURCE.md).

Usage: extract_bedrock.py CASSETTE_DIR   (the cassettes as read from pydantic/pydantic-ai at the commit in SOURCE.md)
Request bodies are the recorded strings, byte for byte; responses are the cassette's `parsed_body` re-serialized
with json.dumps(ensure_ascii=False); headers.json keeps status and the recorded response headers.
"""
import json, os, sys, yaml

SRC = sys.argv[1]
OUT = os.path.dirname(os.path.abspath(__file__))
CASES = {
    "TestBedrock.test_titan_v2_with_dimensions.yaml": ["bedrock-titan-v2-dimensions"],
    "TestBedrock.test_titan_v2_multiple_texts.yaml": ["bedrock-titan-v2-hello", "bedrock-titan-v2-world"],
    "TestBedrock.test_cohere_v4_with_dimensions.yaml": ["bedrock-cohere-v4-dimensions"],
    "TestBedrock.test_cohere_v3_minimal.yaml": ["bedrock-cohere-v3"],
    "TestBedrock.test_cohere_v4_batch_documents.yaml": ["bedrock-cohere-v4-documents"],
}
for cassette, names in CASES.items():
    with open(os.path.join(SRC, cassette)) as f:
        doc = yaml.safe_load(f)
    assert len(doc["interactions"]) == len(names), cassette
    for name, it in zip(names, doc["interactions"]):
        req, resp = it["request"], it["response"]
        with open(os.path.join(OUT, name + ".request.json"), "w") as f:
            f.write(req["body"])
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            f.write(json.dumps(resp["parsed_body"], ensure_ascii=False))
        headers = {k: v[0] for k, v in resp["headers"].items()}
        with open(os.path.join(OUT, name + ".headers.json"), "w") as f:
            json.dump({"status": resp["status"]["code"], "url": req["uri"], "headers": headers}, f, indent=2)
            f.write("\n")
        print(name, req["uri"], resp["status"]["code"], headers.get("x-amzn-bedrock-input-token-count"))

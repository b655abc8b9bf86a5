#!/usr/bin/env python3
"""Rebuild the ws-*.json(l) fixtures from the ElevenLabs AsyncAPI spec's x-fern-examples.

Source: elevenlabs/elevenlabs-docs @ 3557f0b1bec8ec0233e48d03cc496f03c4396dcb, fern/apis/api/asyncapi.yml
(the spec that renders https://elevenlabs.io/docs/api-reference/text-to-speech/v-1-text-to-speech-voice-id-stream-input).
Usage: git --git-dir=<mirror> show 3557f0b1...:fern/apis/api/asyncapi.yml > asyncapi.yml; python3 make_ws_fixtures.py asyncapi.yml
The spec stores the examples as YAML; they are re-serialized here as compact JSON, key order kept,
values unchanged. Each JSONL line = {"dir": "send"|"recv", "messageId": <spec messageId>, "frame": <message>}.
"""
import json, sys, yaml

spec = yaml.safe_load(open(sys.argv[1] if len(sys.argv) > 1 else "asyncapi.yml"))
def dump(o): return json.dumps(o, ensure_ascii=False, separators=(",", ":"))

for channel, out in [("/v1/text-to-speech/{voice_id}/stream-input", "ws-stream-input.reference-session.jsonl"),
                     ("/v1/text-to-speech/{voice_id}/multi-stream-input", "ws-multi-context.reference-session.jsonl")]:
    ex = spec["channels"][channel]["x-fern-examples"][0]
    with open(out, "w") as f:
        f.write(dump({"dir": "meta", "channel": channel, "query-parameters": ex.get("query-parameters")}) + "\n")
        for m in ex["messages"]:
            f.write(dump({"dir": "send" if m["type"] == "publish" else "recv",
                          "messageId": m["messageId"], "frame": m["value"]}) + "\n")

# single server frame, stream-input AudioOutput example
ex = spec["channels"]["/v1/text-to-speech/{voice_id}/stream-input"]["x-fern-examples"][0]
audio = [m["value"] for m in ex["messages"] if m["messageId"] == "AudioOutput"][0]
open("ws-stream-input-audio-output.reference.json", "w").write(dump(audio) + "\n")

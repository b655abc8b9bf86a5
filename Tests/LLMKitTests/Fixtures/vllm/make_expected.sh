#!/bin/sh
# Writes this folder's expected.json files with the shared OpenAI-compatible script.
exec python3 "$(dirname "$0")/../tools/openai_compatible_expected.py" "$(dirname "$0")"

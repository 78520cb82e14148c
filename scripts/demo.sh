#!/usr/bin/env bash
# One command for a new machine: set everything up, then analyse the embedded
# Dutch demo call and print its transcript.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/belcoach analyze --demo --events out/demo_events.jsonl "$@"

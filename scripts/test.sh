#!/usr/bin/env bash
# One command for a new machine: set everything up for testing, then run the
# checks and the whole test suite. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/lint-imports
.venv/bin/mypy -p belcoach.audio -p belcoach.wiring -p belcoach.models -p belcoach.core \
    -p belcoach.seeds -p belcoach.desktop -p belcoach.cli -p belcoach.demo
exec .venv/bin/pytest "$@"

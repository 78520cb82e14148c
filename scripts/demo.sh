#!/usr/bin/env bash
# One command for a new machine: set everything up, then play the embedded Dutch
# demo call through the engine in real time and show the live overlay.
#   With a display: the overlay (always on top; quit from its tray icon or Ctrl+C).
#   Without one (a fresh server): the live events are printed as the call plays,
#   and the overlay is drawn offscreen into out/overlay.png at 0:46.
# Extra arguments go to `belcoach demo` (e.g. --speed 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  exec .venv/bin/belcoach demo "$@"
fi
mkdir -p out
exec .venv/bin/belcoach demo --screenshot out/overlay.png --after 46 --quit-at-end "$@"

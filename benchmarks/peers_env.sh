#!/usr/bin/env bash
# Builds .peers-venv/: the open-source streaming tools benchmarks/peers.py
# compares belcoach with. They are NOT belcoach dependencies, so they live in
# their own git-ignored venv. Safe to run again.
#   Usage: benchmarks/peers_env.sh
# What goes in, and why this way:
# - RealtimeSTT and WhisperLive from PyPI with --no-deps, then the dependencies
#   their live (faster-whisper, CPU) paths import. Their full dependency lists
#   pull CUDA libraries, OpenVINO, openai-whisper and TensorRT helpers that a
#   CPU run never loads.
# - torch: the CPU build (no CUDA downloads) when a local wheel of it exists,
#   else PyPI's. Neither tool imports torchaudio on these paths.
# - faster-whisper pinned to belcoach's version, so every tool decodes with the
#   same library and the same model directory (WhisperLive asks for 1.2.0).
# - silero-vad: its bundled ONNX model is the offline copy of the VAD that
#   RealtimeSTT and WhisperLive would otherwise download (benchmarks/peers/ puts
#   it where they look).
# - ufal/whisper_streaming is not on PyPI (the "whisper-streaming" package
#   there is a third-party rewrite); peers.py takes a checkout of it via
#   --whisper-streaming DIR and needs only librosa + soundfile from here.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

# PyAudio (imported by both RealtimeSTT and WhisperLive's client) builds
# against PortAudio's headers.
if ! dpkg -s portaudio19-dev >/dev/null 2>&1; then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends portaudio19-dev >/dev/null
fi

venv=.peers-venv
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
pip=("$venv/bin/python" -m pip install -q)
"${pip[@]}" --upgrade "pip>=24"

torch_spec="torch"
cpu_wheel=$(ls /opt/wheels/torch-*+cpu-*.whl 2>/dev/null | head -n1 || true)
[[ -n $cpu_wheel ]] && torch_spec="$cpu_wheel"
"${pip[@]}" "$torch_spec"

fw=$(sed -n 's/.*"faster-whisper==\([0-9.]*\)".*/\1/p' pyproject.toml | head -n1)
"${pip[@]}" "faster-whisper==${fw}" numpy scipy soundfile librosa onnxruntime \
  silero-vad psutil websockets websocket-client av fastapi uvicorn tqdm \
  PyAudio webrtcvad-wheels halo colorama
"${pip[@]}" --no-deps "realtimestt==1.1.2" "whisper-live==0.10.0"
"$venv/bin/python" -c "import RealtimeSTT, whisper_live.server, faster_whisper, torch; print('peers venv ready: torch', torch.__version__, 'faster-whisper', faster_whisper.__version__)"

"""PyInstaller runtime hook: runs inside the packaged app before any belcoach code.

A windowed executable (``belcoach-app`` on Windows and macOS) starts with
``sys.stdout``/``sys.stderr`` set to None; the first ``print`` or progress bar
would then crash the app. Point them at the null device instead (the app logs
to its log file; STYLE P3).
"""

import os
import sys

for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

# Nothing may reach for the Hugging Face hub (no network, ever): faster-whisper
# gets a local directory, and these make any stray attempt fail at once.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

# ONNX Runtime (the voice-activity model) ships with Microsoft's 1DS telemetry
# on Linux and macOS since 1.2x: it writes a device id and an event queue to
# ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and uploads them to Microsoft
# when the PC is online. belcoach sends nothing anywhere: this switches it off
# completely (no uploader, no device id, no cache), before onnxruntime loads.
# Set, not defaulted: an agent's environment cannot switch it back on.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

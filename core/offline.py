"""Switch off what third-party libraries would phone home with, before they load.

belcoach promises that nothing leaves the PC. Some libraries it uses carry
their own telemetry or hub access in native code, where no Python-level guard
sees it: ONNX Runtime (the voice-activity model) writes a device id and an
event queue for Microsoft's collector under ``~/.cache/Microsoft`` unless
``ORT_DISABLE_TELEMETRY`` is set (measured on Linux with onnxruntime 1.32),
and huggingface_hub (imported by faster-whisper) would look for models on the
hub unless told it is offline. These variables are set as soon as the engine
or the model registry is imported, before either library loads; the packaged
build's runtime hook sets them too.
"""

from __future__ import annotations

import os

OPT_OUTS: dict[str, str] = {
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}


def opt_out() -> None:
    """Set every opt-out in this process's environment (children inherit them)."""
    os.environ.update(OPT_OUTS)

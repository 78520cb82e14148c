"""The belcoach engine: sources, VAD, streaming transcription, events. Never imports Qt."""

from belcoach.core.offline import opt_out

opt_out()  # before onnxruntime or faster-whisper load (see core/offline.py)

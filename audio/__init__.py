"""The belcoach engine: sources, VAD, streaming transcription, events. Never imports Qt."""

"""Streaming Silero VAD on one channel, using the ONNX model faster-whisper ships.

faster-whisper only runs Silero over a whole array at once; a live call needs
the same model fed block by block. The v6 model takes a sequence of 512-sample
windows, each prefixed by the last 64 samples of the window before, and
carries an LSTM state (h, c) between calls, so feeding it in pieces gives the
same probabilities as feeding it all at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from belcoach.audio.engine.blocks import SAMPLE_RATE
from belcoach.core.errors import ModelUnavailableError

WINDOW = 512
"""Samples per VAD decision (32 ms at 16 kHz)."""

CONTEXT = 64
"""Samples of the previous window the model sees before each window."""

WINDOW_SECONDS = WINDOW / SAMPLE_RATE


def silero_model_path() -> str:
    """Return the path of the Silero VAD ONNX file inside faster-whisper."""
    from faster_whisper.utils import get_assets_path

    return os.path.join(get_assets_path(), "silero_vad_v6.onnx")


class SileroSession:
    """The ONNX session, created once and shared by both channels' streams.

    ``InferenceSession.run`` is thread-safe and each stream keeps its own
    state, so one session serves any number of channels.
    """

    def __init__(self, path: str | None = None) -> None:
        import onnxruntime

        path = path or silero_model_path()
        if not os.path.isfile(path):
            raise ModelUnavailableError(
                f"{path}: Silero VAD model missing; reinstall faster-whisper"
            )
        opts = onnxruntime.SessionOptions()
        # One thread: VAD is cheap (~4 ms per audio second) and the cores
        # belong to Whisper and the softphone.
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        opts.enable_cpu_mem_arena = False
        opts.log_severity_level = 4
        self.session = onnxruntime.InferenceSession(
            path, providers=["CPUExecutionProvider"], sess_options=opts
        )


@dataclass(frozen=True, slots=True)
class VadFrames:
    """Speech probabilities for consecutive windows of one channel.

    Attributes:
        t: audio-clock time of the first window's start.
        probs: np.ndarray [shape=(n,), float32], one probability per 32 ms window.
        audio: np.ndarray [shape=(n * 512,), float32, 16 kHz], the windows' samples.
    """

    t: float
    probs: np.ndarray
    audio: np.ndarray


class StreamingVad:
    """Feeds one channel's audio through Silero in 32 ms windows, keeping state.

    Samples that don't fill a whole window wait for the next ``feed``.
    """

    def __init__(self, session: SileroSession) -> None:
        self._session = session.session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._t_next = 0.0  # audio-clock start of the first pending sample

    def feed(self, t: float, samples: np.ndarray) -> VadFrames:
        """Add samples starting at audio time ``t``; return the windows now complete.

        Args:
            t: audio-clock time of ``samples[0]``; only used when nothing is pending.
            samples: np.ndarray [shape=(n,), float32, 16 kHz mono].

        Returns:
            The completed windows (possibly none) with their probabilities.
        """
        if len(self._pending) == 0:
            self._t_next = t
        buf = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        n = len(buf) // WINDOW
        start_t = self._t_next
        if n == 0:
            self._pending = buf
            return VadFrames(start_t, np.zeros(0, np.float32), np.zeros(0, np.float32))
        windows = buf[: n * WINDOW].reshape(n, WINDOW)
        contexts = np.empty((n, CONTEXT), dtype=np.float32)
        contexts[0] = self._context
        if n > 1:
            contexts[1:] = windows[:-1, -CONTEXT:]
        batch = np.concatenate([contexts, windows], axis=1)
        probs, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        self._context = windows[-1, -CONTEXT:].copy()
        self._pending = buf[n * WINDOW :].copy()
        self._t_next = start_t + n * WINDOW_SECONDS
        return VadFrames(start_t, np.asarray(probs, dtype=np.float32).reshape(n), windows.ravel())

"""Loading a resolved model directory into faster-whisper (STYLE M3, M5).

Only directories are ever passed to ``WhisperModel``, always with
``local_files_only=True``: a bare name would make faster-whisper try the Hugging Face
hub, which this deployment cannot reach and policy forbids.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel

from belcoach.core.errors import ModelUnavailableError
from belcoach.models import files

logger = logging.getLogger(__name__)

_SAMPLE_RATE = 16_000


def load_whisper(
    path: Path,
    *,
    compute_type: str = "int8",
    cpu_threads: int = 2,
    num_workers: int = 1,
) -> WhisperModel:
    """Load a CTranslate2 Whisper directory on the CPU.

    The layout is checked first because faster-whisper silently downloads a tokenizer
    when ``tokenizer.json`` is missing. int8 is the default because it was measured
    fastest on 2-vCPU machines without a GPU (``shared/MEASURED.md``).

    Args:
        path: A directory from ``ModelStore.resolve``.
        compute_type: CTranslate2 compute type (``int8``, ``float32``, ...).
        cpu_threads: Intra-op threads; keep ≤ cores so the audio thread is not starved.
        num_workers: Parallel transcriptions the model may serve.

    Returns:
        The loaded model. Use it from one thread only (STYLE T4).

    Raises:
        ModelUnavailableError: The directory is incomplete or CTranslate2 cannot load it.
    """
    problems = files.layout_problems(path)
    if problems:
        raise ModelUnavailableError(
            f"{path} is not a usable Whisper model directory: {files.describe(problems)}."
        )
    started = time.perf_counter()
    try:
        model = WhisperModel(
            str(path),
            device="cpu",
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            num_workers=num_workers,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        # CTranslate2 reports a truncated or foreign model.bin as RuntimeError.
        raise ModelUnavailableError(
            f"Cannot load the Whisper model in {path}: {exc}".rstrip(".") + "."
        ) from exc
    logger.info("Loaded %s (%s) in %.2f s", path, compute_type, time.perf_counter() - started)
    return model


def warm_up(model: WhisperModel, *, language: str | None = None) -> float:
    """Transcribe one second of silence so the first real utterance is not slow.

    The first call allocates CTranslate2 buffers and initialises the decoder; doing it
    before "Ready" keeps that cost out of the first transcript (STYLE M5).

    Args:
        model: A model from ``load_whisper``.
        language: Skips language detection on multilingual models when given.

    Returns:
        Seconds the warm-up took, for logging.
    """
    silence = np.zeros(_SAMPLE_RATE, dtype=np.float32)
    if not model.model.is_multilingual:
        language = None
    started = time.perf_counter()
    segments, _info = model.transcribe(
        silence, language=language, beam_size=1, temperature=0.0, vad_filter=False
    )
    for _segment in segments:  # the generator does the work (STYLE T4)
        pass
    elapsed = time.perf_counter() - started
    logger.info("Warm-up took %.2f s", elapsed)
    return elapsed

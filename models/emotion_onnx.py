"""An optional speech-emotion model that IT can install: ONNX in, label probabilities out.

No speech-emotion model ships in a package belcoach can depend on (MEASURED.md), so none is
bundled. IT may place one in the model directory; when present, its output joins the
estimate (``belcoach.audio.analysis.emotion``). The contract:

- file: ``<model dir>/emotion/model.onnx`` (found through ``BELCOACH_MODEL_DIR``), or any
  path set in ``analysis.emotion.onnx_model``;
- input: the first graph input, float32 ``[1, n]`` — one utterance, 16 kHz mono, samples in
  -1..1, any length ``n`` (a model with a fixed length gets the utterance cut or zero-padded);
- output: the first graph output, float32 ``[1, L]`` logits (a softmax is applied here);
- labels: a sidecar text file next to the model, ``model.labels.txt`` (or ``labels.txt``),
  ``L`` lines, one label per line, in output order. Common English names (angry, fear,
  sad, happy, neutral, ...) and the seed ids (boos, angstig, ...) are understood.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from belcoach.core.errors import ModelUnavailableError

log = logging.getLogger(__name__)

DEFAULT_RELATIVE = Path("emotion") / "model.onnx"
"""Where IT puts the model inside a model directory."""

SAMPLE_RATE = 16_000


def find_emotion_model(setting: str) -> Path | None:
    """Resolve the ``onnx_model`` setting to a file, or None when there is no model.

    ``""`` disables the model; ``"auto"`` looks for ``emotion/model.onnx`` in
    ``BELCOACH_MODEL_DIR``; anything else is a path (relative ones against that directory).

    Raises:
        ModelUnavailableError: an explicitly configured model file does not exist.
    """
    if not setting:
        return None
    base = os.environ.get("BELCOACH_MODEL_DIR")
    if setting == "auto":
        if base and (Path(base) / DEFAULT_RELATIVE).is_file():
            return Path(base) / DEFAULT_RELATIVE
        return None
    path = Path(setting).expanduser()
    if not path.is_absolute() and base:
        path = Path(base) / path
    if not path.is_file():
        raise ModelUnavailableError(
            f"{path}: emotion model (analysis.emotion.onnx_model) not found"
        )
    return path


def _labels_file(model: Path) -> Path:
    for candidate in (model.with_suffix(".labels.txt"), model.parent / "labels.txt"):
        if candidate.is_file():
            return candidate
    raise ModelUnavailableError(
        f"{model}: no label list next to it ({model.with_suffix('.labels.txt').name} or labels.txt)"
    )


@dataclass(frozen=True, slots=True)
class OnnxSignature:
    """What the loaded graph looks like.

    Attributes:
        input_name: the graph input fed with samples.
        fixed_length: samples the input needs, or None for any length.
        labels: the model's own label names, in output order.
    """

    input_name: str
    fixed_length: int | None
    labels: tuple[str, ...]


class EmotionOnnxModel:
    """A loaded speech-emotion model; ``predict`` is thread-safe (onnxruntime sessions are).

    Args:
        path: the ``.onnx`` file; its label list must sit next to it.

    Raises:
        ModelUnavailableError: the file or its labels cannot be loaded, or they disagree.
    """

    def __init__(self, path: Path) -> None:
        import onnxruntime

        labels_path = _labels_file(path)
        labels = tuple(
            line.strip()
            for line in labels_path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        )
        opts = onnxruntime.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1  # the cores belong to Whisper and the softphone
        opts.log_severity_level = 4
        try:
            self._session = onnxruntime.InferenceSession(
                str(path), providers=["CPUExecutionProvider"], sess_options=opts
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelUnavailableError(f"{path}: not a loadable ONNX model ({exc})") from exc
        first = self._session.get_inputs()[0]
        shape = list(first.shape)
        fixed = shape[-1] if shape and isinstance(shape[-1], int) else None
        out_shape = self._session.get_outputs()[0].shape
        if out_shape and isinstance(out_shape[-1], int) and out_shape[-1] != len(labels):
            raise ModelUnavailableError(
                f"{path}: {out_shape[-1]} outputs but {len(labels)} labels in {labels_path.name}"
            )
        self.path = path
        self.signature = OnnxSignature(input_name=first.name, fixed_length=fixed, labels=labels)
        log.info("emotion model %s loaded (%d labels)", path, len(labels))

    def predict(self, audio: np.ndarray) -> Mapping[str, float]:
        """Label probabilities for one utterance.

        Args:
            audio: np.ndarray [shape=(n,), float32, 16 kHz mono].

        Returns:
            The model's own label names → probability (summing to 1).
        """
        x = np.asarray(audio, dtype=np.float32)
        fixed = self.signature.fixed_length
        if fixed is not None:
            x = x[:fixed] if len(x) >= fixed else np.pad(x, (0, fixed - len(x)))
        (logits, *_rest) = self._session.run(None, {self.signature.input_name: x[None, :]})
        z = np.asarray(logits, dtype=np.float64).reshape(-1)
        if len(z) != len(self.signature.labels):
            raise ModelUnavailableError(
                f"{self.path}: returned {len(z)} values for {len(self.signature.labels)} labels"
            )
        e = np.exp(z - z.max())
        p = e / e.sum()
        return {name: float(v) for name, v in zip(self.signature.labels, p, strict=True)}

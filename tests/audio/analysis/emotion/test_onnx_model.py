"""The pluggable acoustic model: a tiny ONNX graph built here runs the real loading path.

The graph maps an utterance's RMS level to three logits (angry, neutral, happy): loud audio
reads as angry. It stands in for a real speech-emotion model IT might install, with the
same contract: float32 [1, n] samples in, [1, L] logits out, labels in a sidecar file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from belcoach.audio.analysis.emotion import build_emotion_analyser
from belcoach.audio.events import Channel, EmotionEstimate, SpeechRegion, Transcript, Word
from belcoach.core.errors import ModelUnavailableError
from belcoach.models.emotion_onnx import EmotionOnnxModel, find_emotion_model
from support.emotion_replay import replay

onnx = pytest.importorskip("onnx")


def build_model(folder: Path, labels: tuple[str, ...] = ("angry", "neutral", "happy")) -> Path:
    from onnx import TensorProto, helper

    folder.mkdir(parents=True, exist_ok=True)
    weights = helper.make_tensor("W", TensorProto.FLOAT, [1, 3], [40.0, 0.0, -10.0])
    bias = helper.make_tensor("B", TensorProto.FLOAT, [3], [-2.0, 1.0, 0.0])
    nodes = [
        helper.make_node("Mul", ["audio", "audio"], ["sq"]),
        helper.make_node("ReduceMean", ["sq"], ["ms"], axes=[1], keepdims=1),
        helper.make_node("Sqrt", ["ms"], ["rms"]),
        helper.make_node("MatMul", ["rms", "W"], ["mm"]),
        helper.make_node("Add", ["mm", "B"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny-emotion",
        [helper.make_tensor_value_info("audio", TensorProto.FLOAT, [1, "n"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3])],
        initializer=[weights, bias],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = folder / "model.onnx"
    onnx.save(model, str(path))
    (folder / "model.labels.txt").write_text("\n".join(labels) + "\n", encoding="utf-8")
    return path


def test_model_loads_and_predicts(tmp_path: Path, rng: np.random.Generator) -> None:
    model = EmotionOnnxModel(build_model(tmp_path / "emotion"))
    assert model.signature.labels == ("angry", "neutral", "happy")
    loud = model.predict((0.3 * rng.standard_normal(16000)).astype(np.float32))
    quiet = model.predict((0.005 * rng.standard_normal(16000)).astype(np.float32))
    assert max(loud, key=loud.__getitem__) == "angry"
    assert max(quiet, key=quiet.__getitem__) == "neutral"
    np.testing.assert_allclose(sum(loud.values()), 1.0, rtol=1e-6)


def test_auto_finds_the_model_in_the_model_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find_emotion_model("auto") is None
    path = build_model(tmp_path / "emotion")
    monkeypatch.setenv("BELCOACH_MODEL_DIR", str(tmp_path))
    assert find_emotion_model("auto") == path
    assert find_emotion_model("") is None
    assert find_emotion_model("emotion/model.onnx") == path


def test_bad_model_settings_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="not found"):
        find_emotion_model(str(tmp_path / "missing.onnx"))
    path = build_model(tmp_path / "emotion", labels=("angry", "neutral"))
    with pytest.raises(ModelUnavailableError, match="3 outputs but 2 labels"):
        EmotionOnnxModel(path)


def test_model_output_joins_the_estimate(tmp_path: Path, rng: np.random.Generator) -> None:
    """Through the analyser: the model's probabilities show up in the fusion and evidence."""
    path = build_model(tmp_path / "emotion")
    analyser = build_emotion_analyser("nl", {"onnx_model": str(path)})
    assert analyser is not None
    sr = 16000
    audio = np.zeros((6 * sr, 2), np.float32)
    audio[sr : 4 * sr, 1] = 0.3 * rng.standard_normal(3 * sr)  # a loud customer turn
    call = tmp_path / "call.wav"
    import soundfile as sf

    sf.write(call, audio, sr)
    words = (Word("Ik", 1.1, 1.3, 0.9), Word("bel", 1.3, 1.6, 0.9), Word("even.", 1.6, 2.0, 0.9))
    events = [
        SpeechRegion(1.0, Channel.CUSTOMER, end=4.0),
        Transcript(1.1, Channel.CUSTOMER, words=words, final=True, utterance=1),
    ]
    out = [e for e in replay(analyser, call, events) if isinstance(e, EmotionEstimate)]
    assert len(out) == 1
    evidence = out[0].evidence
    assert "model" in evidence["sources"]
    assert evidence["model"]["boos"] > 0.9
    assert evidence["utterance_probs"]["boos"] > evidence["utterance_probs"]["tevreden"]

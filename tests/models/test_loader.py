"""load_whisper and warm_up on the real assembled models."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from belcoach.core.errors import ModelUnavailableError
from belcoach.models.loader import load_whisper, warm_up
from belcoach.models.store import ModelStore

Copy = Callable[[str, Path], Path]


def _transcribe(model, wav: Path) -> str:
    segments, _info = model.transcribe(str(wav), beam_size=1, temperature=0.0)
    return " ".join(s.text for s in segments).lower()


def test_base_loads_and_warms_up(shared_store: ModelStore) -> None:
    model = load_whisper(shared_store.resolve("base"))
    assert model.model.is_multilingual
    assert warm_up(model, language="nl") >= 0.0


def test_tiny_en_transcribes_jfk(shared_store: ModelStore, jfk_wav: Path) -> None:
    model = load_whisper(shared_store.resolve("tiny.en"))
    assert not model.model.is_multilingual
    warm_up(model, language="nl")  # ignored: an English-only model has no language choice
    assert "ask not what your country" in _transcribe(model, jfk_wav)


@pytest.mark.slow
def test_base_transcribes_jfk(shared_store: ModelStore, jfk_wav: Path) -> None:
    model = load_whisper(shared_store.resolve("base"))
    assert "ask not what your country" in _transcribe(model, jfk_wav)


def test_unloadable_model_bin_names_the_directory(tmp_path: Path, link_copy: Copy) -> None:
    directory = link_copy("tiny.en", tmp_path / "broken")
    os.unlink(directory / "model.bin")
    (directory / "model.bin").write_bytes(b"\0" * 4096)
    with pytest.raises(ModelUnavailableError) as excinfo:
        load_whisper(directory)
    assert f"Cannot load the Whisper model in {directory}: " in str(excinfo.value)


def test_missing_tokenizer_is_refused_before_faster_whisper_reaches_for_the_hub(
    tmp_path: Path, link_copy: Copy
) -> None:
    directory = link_copy("tiny.en", tmp_path / "no-tokenizer")
    os.unlink(directory / "tokenizer.json")
    with pytest.raises(ModelUnavailableError, match=r"tokenizer\.json: missing"):
        load_whisper(directory)

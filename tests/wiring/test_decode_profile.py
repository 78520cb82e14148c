"""Which decode profile a call gets: live calls always the live one, the others as set.

``model.offline_decoding`` (default ``whole``: each side decoded whole) applies to
imports and batch runs only; a ``--beam-size`` flag or a beam IT locked is kept
as it is.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.engine.transcriber import THOROUGH_BEAM, DecodeProfile
from belcoach.audio.jobs.run import ModelChoice
from belcoach.cli import batch_cmd
from belcoach.cli.main import main
from belcoach.core.settings import load_settings
from belcoach.wiring.batch import BatchFlags, plan_batch
from belcoach.wiring.call import CallPlan, plan_call
from belcoach.wiring.flags import CallFlags


def _write(kind: str, text: str) -> None:
    path = (
        Path(os.environ["BELCOACH_POLICY"])
        if kind == "policy"
        else Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _choice(*, offline: bool, flags: CallFlags | None = None) -> ModelChoice:
    return plan_call(load_settings(), flags, offline=offline).model


def test_by_default_live_calls_decode_live_and_recorded_ones_whole() -> None:
    live = _choice(offline=False)
    assert (live.profile, live.beam_size) == (DecodeProfile.LIVE, 1)
    offline = _choice(offline=True)
    assert (offline.profile, offline.beam_size) == (DecodeProfile.WHOLE, 1)


def test_whole_keeps_the_live_beam_and_the_batch_workers_get_it() -> None:
    _write("user", '[model]\nbeam_size = 2\noffline_decoding = "whole"\n')
    plan = plan_call(load_settings(), offline=True)
    assert (plan.model.profile, plan.model.beam_size) == (DecodeProfile.WHOLE, 2)
    config = plan_batch(plan, BatchFlags(), calls=2).config
    assert (DecodeProfile(config.profile), config.beam_size) == (DecodeProfile.WHOLE, 2)


def test_the_setting_sends_offline_calls_thorough_and_live_calls_stay_live() -> None:
    _write("user", '[model]\noffline_decoding = "thorough"\n')
    offline = _choice(offline=True)
    assert (offline.profile, offline.beam_size) == (DecodeProfile.THOROUGH, THOROUGH_BEAM)
    assert THOROUGH_BEAM > 1
    live = _choice(offline=False)
    assert (live.profile, live.beam_size) == (DecodeProfile.LIVE, 1)


def test_it_can_lock_offline_calls_to_the_live_profile() -> None:
    _write("policy", '[locked.model]\noffline_decoding = "live"\n')
    _write("user", '[model]\noffline_decoding = "thorough"\n')
    assert _choice(offline=True).profile is DecodeProfile.LIVE


def test_a_larger_beam_setting_is_kept_and_a_flag_wins() -> None:
    _write("user", '[model]\nbeam_size = 8\noffline_decoding = "thorough"\n')
    assert _choice(offline=True).beam_size == 8
    assert _choice(offline=False).beam_size == 8
    flagged = _choice(offline=True, flags=CallFlags(beam_size=2))
    assert (flagged.profile, flagged.beam_size) == (DecodeProfile.THOROUGH, 2)


def test_a_locked_beam_holds_for_the_thorough_profile_too() -> None:
    _write(
        "policy", '[locked.model]\nbeam_size = 1\n[defaults.model]\noffline_decoding = "thorough"\n'
    )
    choice = _choice(offline=True)
    assert (choice.profile, choice.beam_size) == (DecodeProfile.THOROUGH, 1)


def test_the_batch_workers_get_the_thorough_beam() -> None:
    _write("user", '[model]\noffline_decoding = "thorough"\n')
    plan = plan_batch(plan_call(load_settings(), offline=True), BatchFlags(), calls=2)
    assert plan.config.beam_size == THOROUGH_BEAM


class _Stop(Exception):
    """Raised where a command would load the model: the plan is known by then."""


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[ModelChoice]:
    """The model choices the commands asked for, before anything is decoded."""
    chosen: list[ModelChoice] = []

    def load(choice: ModelChoice, _language: str, **_kw: object) -> None:
        chosen.append(choice)
        raise _Stop

    def batch(_args: argparse.Namespace, plan: CallPlan, **_kw: object) -> int:
        chosen.append(plan.model)
        return 0

    monkeypatch.setattr("belcoach.audio.jobs.run.load_transcriber", load)
    monkeypatch.setattr(batch_cmd, "run", batch)
    return chosen


@pytest.fixture
def call_file(tmp_path: Path) -> Path:
    path = tmp_path / "calls" / "call.wav"
    path.parent.mkdir()
    sf.write(path, np.zeros((16000, 2), np.float32), 16000)
    return path


@pytest.mark.parametrize(
    ("argv", "profile"),
    [
        (["analyze", "{file}"], DecodeProfile.LIVE),
        (["analyze", "{file}", "--realtime"], DecodeProfile.LIVE),
        (["analyze", "{dir}"], DecodeProfile.THOROUGH),
        (["analyze", "{file}", "--jobs", "1"], DecodeProfile.THOROUGH),
        (["calls", "import", "{file}"], DecodeProfile.THOROUGH),
        (["calls", "import", "{file}", "--realtime"], DecodeProfile.LIVE),
    ],
)
def test_each_command_gets_its_profile(
    argv: list[str], profile: DecodeProfile, seen: list[ModelChoice], call_file: Path
) -> None:
    _write("user", '[model]\noffline_decoding = "thorough"\n')
    args = [a.format(file=call_file, dir=call_file.parent) for a in argv]
    with contextlib.suppress(_Stop):
        main([*args, "--quiet"])
    assert [c.profile for c in seen] == [profile]


def test_only_a_call_decoded_whole_on_two_threads_decodes_its_sides_at_once() -> None:
    """Live utterances need every thread for one decode; whole sides are two streams."""
    from belcoach.audio.jobs.run import side_workers

    offline = _choice(offline=True)
    assert side_workers(offline) == 2
    assert side_workers(_choice(offline=False)) == 1
    assert side_workers(ModelChoice(profile=DecodeProfile.WHOLE, cpu_threads=1)) == 1
    assert side_workers(ModelChoice(profile=DecodeProfile.THOROUGH, cpu_threads=2)) == 1

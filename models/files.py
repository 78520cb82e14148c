"""File-level work on model directories: layout checks, hashing, stamps and assembly.

Kept apart from ``store.py`` so the resolution policy (which directory wins) reads on
its own, and so these pieces can be tested and reused (the loader checks the layout
before handing a directory to faster-whisper).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from belcoach.core.errors import ModelUnavailableError
from belcoach.models.registry import ModelSource, ModelSpec, TargetFile

logger = logging.getLogger(__name__)

#: ``progress(done_bytes, total_bytes)``; may raise to cancel (the copy is then discarded).
ProgressCallback = Callable[[int, int], None]

#: Written into a model directory after every file was hashed; see ``stamp_matches``.
STAMP_NAME = ".belcoach-verified.json"
_STAMP_FORMAT = 1
_CHUNK = 1 << 20

#: What faster-whisper needs in a directory. Without ``tokenizer.json`` it would fetch
#: the tokenizer from the Hugging Face hub, which this machine cannot reach.
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.json", "vocabulary.txt")


@dataclass(frozen=True, slots=True)
class FileProblem:
    """What is wrong with one file.

    Attributes:
        path: The file at fault (in a model directory or an installed package).
        problem: Short text such as ``missing`` or ``sha256 mismatch``.
    """

    path: Path
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def describe(problems: Iterable[FileProblem]) -> str:
    """Join problems into one line for an error message."""
    return "; ".join(str(p) for p in problems)


def layout_problems(directory: Path) -> list[FileProblem]:
    """Check that ``directory`` looks like a CTranslate2 Whisper model, without hashing.

    Args:
        directory: The directory to inspect.

    Returns:
        One problem per missing file or unreadable ``config.json``; empty when it looks
        loadable.
    """
    if not directory.is_dir():
        return [FileProblem(directory, "not a directory")]
    problems = [
        FileProblem(directory / name, "missing")
        for name in REQUIRED_FILES
        if not (directory / name).is_file()
    ]
    if not any((directory / name).is_file() for name in VOCABULARY_FILES):
        problems.append(
            FileProblem(directory / VOCABULARY_FILES[0], "missing (nor vocabulary.txt)")
        )
    config = directory / "config.json"
    if config.is_file():
        try:
            parsed = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(FileProblem(config, f"not valid JSON ({exc})"))
        else:
            if not isinstance(parsed, dict):
                problems.append(FileProblem(config, "not a JSON object"))
    return problems


def sha256_file(path: Path, *, on_bytes: Callable[[int], None] | None = None) -> str:
    """Hash a file in chunks, so a 145 MB model never sits in memory twice.

    Args:
        path: File to hash.
        on_bytes: Called with the size of each chunk read, for progress.

    Returns:
        The hex digest.
    """
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
    return digest.hexdigest()


def size_problems(directory: Path, source: ModelSource) -> list[FileProblem]:
    """Compare file sizes with the manifest: cheap, catches truncated or missing files."""
    problems = []
    for target in source.files:
        problem = _size_problem(directory / target.name, target.size)
        if problem:
            problems.append(FileProblem(directory / target.name, problem))
    return problems


def hash_problems(
    directory: Path, source: ModelSource, *, progress: ProgressCallback | None = None
) -> list[FileProblem]:
    """Check every file of ``source`` in ``directory`` for presence, size and sha256.

    Args:
        directory: The assembled model directory.
        source: The manifest entry the directory was built from.
        progress: Called as bytes are hashed.

    Returns:
        One problem per bad file; empty when every digest matches.
    """
    total = source.total_size
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    problems = []
    for target in source.files:
        path = directory / target.name
        problem = _size_problem(path, target.size)
        if problem is None and sha256_file(path, on_bytes=advance) != target.sha256:
            problem = "sha256 mismatch"
        if problem is not None:
            problems.append(FileProblem(path, problem))
    return problems


def _size_problem(path: Path, expected: int) -> str | None:
    try:
        actual = path.stat().st_size
    except FileNotFoundError:
        return "missing"
    if actual != expected:
        return f"size {actual:,} B, expected {expected:,} B"
    return None


def identify_source(
    directory: Path, specs: Iterable[ModelSpec]
) -> tuple[ModelSpec, ModelSource] | None:
    """Find which registered source a directory was assembled from, if any.

    A stamp names it directly. Otherwise ``config.json`` (2 KB) is hashed and compared;
    sources that share a config are told apart by which other file names are present,
    so a directory with one file deleted or truncated is still recognised and its
    problems can be named precisely.

    Args:
        directory: A model directory.
        specs: The candidates (one spec when the name is known).

    Returns:
        The matching spec and source, or ``None`` for a model the manifest does not know.
    """
    specs = list(specs)
    stamp = read_stamp(directory)
    if stamp is not None:
        for spec in specs:
            for source in spec.sources:
                if stamp.get("model") == spec.name and stamp.get("source") == source.id:
                    return spec, source
    config = directory / "config.json"
    if not config.is_file():
        return None
    config_sha = sha256_file(config)
    best: tuple[int, ModelSpec, ModelSource] | None = None
    for spec in specs:
        for source in spec.sources:
            by_name = {t.name: t for t in source.files}
            if by_name.get("config.json") is None or by_name["config.json"].sha256 != config_sha:
                continue
            present = sum((directory / name).is_file() for name in by_name)
            if best is None or present > best[0]:
                best = (present, spec, source)
    return (best[1], best[2]) if best else None


def read_stamp(directory: Path) -> dict[str, Any] | None:
    """Return the parsed stamp of ``directory``, or ``None`` if absent or unreadable."""
    try:
        data = json.loads((directory / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("format") == _STAMP_FORMAT else None


def stamp_matches(directory: Path, spec: ModelSpec) -> ModelSource | None:
    """Decide from ``stat`` alone whether a fully verified copy is still untouched.

    The stamp records size and ``mtime_ns`` of each file right after all digests
    matched. Any rewrite changes the mtime, so normal start-up skips hashing 145 MB
    while an edited or replaced file still forces a full check. (A byte flipped with
    the mtime forged back is only caught by ``ModelStore.verify``.)

    Args:
        directory: The model directory.
        spec: The model it should contain.

    Returns:
        The source the stamp names if every file matches, else ``None``.
    """
    stamp = read_stamp(directory)
    if stamp is None or stamp.get("model") != spec.name:
        return None
    source = next((s for s in spec.sources if s.id == stamp.get("source")), None)
    recorded = stamp.get("files")
    if source is None or not isinstance(recorded, dict):
        return None
    for target in source.files:
        entry = recorded.get(target.name)
        if not isinstance(entry, dict) or entry.get("sha256") != target.sha256:
            return None
        try:
            st = (directory / target.name).stat()
        except OSError:
            return None
        if st.st_size != target.size or st.st_mtime_ns != entry.get("mtime_ns"):
            return None
    return source


def write_stamp(directory: Path, spec: ModelSpec, source: ModelSource) -> None:
    """Record that every file of ``directory`` was just hashed and matched ``source``.

    Raises:
        OSError: The directory is not writable (callers decide whether that matters).
    """
    files = {}
    for target in source.files:
        st = (directory / target.name).stat()
        files[target.name] = {
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "sha256": target.sha256,
        }
    stamp = {"format": _STAMP_FORMAT, "model": spec.name, "source": source.id, "files": files}
    tmp = directory / f"{STAMP_NAME}.tmp"
    tmp.write_text(json.dumps(stamp, indent=1), encoding="utf-8")
    os.replace(tmp, directory / STAMP_NAME)


def assemble(
    source: ModelSource,
    package_dirs: Mapping[str, Path],
    dest: Path,
    *,
    progress: ProgressCallback | None = None,
) -> None:
    """Build a model directory from installed package files, hashing while copying.

    Every part's size is checked before anything is copied, so a truncated wheel is
    reported by its own path at once. Each part and each assembled file is hashed from
    the same bytes that are written, so no second read is needed to trust the result.

    Args:
        source: Which package files make which target file.
        package_dirs: Import name -> installed package directory.
        dest: An empty, private directory (the caller renames it into place).
        progress: ``(done_bytes, total_bytes)``; an exception raised by it aborts.

    Raises:
        ModelUnavailableError: A package file is missing, has the wrong size or digest.
    """
    problems = []
    for target in source.files:
        for part in target.parts:
            path = package_dirs[part.module] / part.relpath
            problem = _size_problem(path, part.size)
            if problem:
                problems.append(FileProblem(path, problem))
    if problems:
        raise ModelUnavailableError(
            f"An installed model package is damaged: {describe(problems)}; "
            f"{_reinstall_hint(source)}."
        )
    total = source.total_size
    done = 0
    if progress is not None:
        progress(done, total)
    for target in source.files:
        done = _assemble_file(target, package_dirs, dest, done, total, progress, source)


def _assemble_file(
    target: TargetFile,
    package_dirs: Mapping[str, Path],
    dest: Path,
    done: int,
    total: int,
    progress: ProgressCallback | None,
    source: ModelSource,
) -> int:
    whole = hashlib.sha256()
    with (dest / target.name).open("wb") as out:
        for part in target.parts:
            path = package_dirs[part.module] / part.relpath
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
                    whole.update(chunk)
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
            if digest.hexdigest() != part.sha256:
                raise ModelUnavailableError(
                    f"An installed model package is damaged: {path}: sha256 mismatch; "
                    f"{_reinstall_hint(source)}."
                )
        out.flush()
        os.fsync(out.fileno())
    if whole.hexdigest() != target.sha256:  # parts matched, so only a bad write gets here
        raise ModelUnavailableError(
            f"Assembling {dest / target.name} produced a sha256 mismatch (disk full or failing?)."
        )
    return done


def _reinstall_hint(source: ModelSource) -> str:
    names = " ".join(p.distribution for p in source.packages)
    return f"reinstall it with pip install --force-reinstall {names}"

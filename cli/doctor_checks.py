"""The checks ``belcoach doctor`` runs, each adding lines, problems or warnings to a report.

Each check catches only the errors it expects (a missing model, a missing
PortAudio library) and turns them into one line for IT; anything else is a
bug and surfaces as one.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from belcoach.core.errors import AppError, ConfigError, ModelUnavailableError
from belcoach.core.settings import ResolvedSettings

if TYPE_CHECKING:
    from belcoach.wiring.call import CallPlan


@dataclass
class Report:
    """What doctor found: titled sections of ``(label, text)`` lines, problems, warnings.

    Attributes:
        sections: section title → lines, in the order they were added.
        data: extra machine-readable facts for ``--json``.
        problems: what is broken (doctor exits 1).
        warnings: what may matter but does not break the installation.
    """

    sections: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, section: str, label: str, text: str) -> None:
        """Add one line to a section (created on first use)."""
        self.sections.setdefault(section, []).append((label, text))


def version_of(distribution: str, module: str) -> str:
    """Return an installed package's version, or ``not installed``.

    The distribution metadata is asked first; a packaged build may not carry
    it for every package, so the module's ``__version__`` is the fallback.
    """
    try:
        return version(distribution)
    except PackageNotFoundError:
        pass
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return "not installed"
    except OSError as exc:  # e.g. sounddevice without the PortAudio library
        return f"installed, cannot load: {exc}"
    found = getattr(mod, "__version__", None)
    if found is None and module == "faster_whisper":
        found = getattr(importlib.import_module("faster_whisper.version"), "__version__", None)
    return str(found or "installed (version unknown)")


def call_plan(report: Report, settings: ResolvedSettings) -> CallPlan | None:
    """The plan a call would run with now (`belcoach.wiring`), or None with the problem."""
    from belcoach.wiring.call import plan_call

    try:
        return plan_call(settings)
    except ConfigError as exc:
        report.problems.append(f"settings: {exc}")
        return None


def model(report: Report, plan: CallPlan, *, quick: bool) -> None:
    """Find the Whisper model a call would load and verify it (sha256 unless ``quick``)."""
    from belcoach.models.registry import MODELS
    from belcoach.models.store import ModelStore

    wanted = plan.model
    store = ModelStore(admin_dir=wanted.admin_dir)
    section = "model"
    directory = str(wanted.admin_dir) if wanted.admin_dir else ""
    report.add(section, "setting", f"model.name = {wanted.name!r}, directory = {directory!r}")
    report.add(section, "searched", ", ".join(f"{o}: {d}" for o, d in store.search_dirs()) or "-")
    facts: dict[str, Any] = {"name": wanted.name, "ok": False}
    report.data["model"] = facts
    try:
        if quick:
            path = store.resolve(wanted.name)
            how = "layout and sizes checked (--quick: no sha256)"
        else:
            result = store.verify(wanted.name)
            path = result.path
            if not result.ok:
                report.add(section, "found", str(path))
                for problem in result.problems:
                    report.problems.append(f"model {wanted.name!r}: {problem}")
                return
            how = "sha256 verified" if result.hashed else "layout checked (not a registered model)"
            how += f", {len(result.files)} files"
    except ModelUnavailableError as exc:
        report.problems.append(f"model {wanted.name!r}: {exc}")
        report.add(section, "found", "NO")
        return
    origin = _origin(store, path)
    size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    report.add(section, "found", f"{path} [{origin}], {size / 1e6:.0f} MB")
    report.add(section, "verified", how)
    facts.update(path=str(path), origin=origin, ok=True, verified=how)
    spec = MODELS.get(wanted.name)
    language = plan.language
    if spec is not None and not spec.multilingual and language not in spec.languages:
        report.problems.append(
            f"model {wanted.name!r} only transcribes {spec.languages_label}, but call.language "
            f"is {language!r}"
        )


def _origin(store: Any, path: Path) -> str:
    for origin, root in store.search_dirs():
        if path.resolve().is_relative_to(Path(root).resolve()):
            return str(origin)
    return "a directory named in model.name"


def vad(report: Report) -> None:
    """Check that the Silero VAD model is present and onnxruntime can open it."""
    from belcoach.audio.engine.vad import SileroSession, silero_model_path

    path = silero_model_path()
    try:
        SileroSession(path)
    except AppError as exc:
        report.problems.append(f"voice activity model: {exc}")
        report.add("voice activity model", "found", "NO")
        return
    except Exception as exc:  # onnxruntime raises its own types for a corrupt file
        report.problems.append(f"voice activity model {path}: cannot be loaded: {exc}")
        return
    report.add("voice activity model", "found", f"{path} (loads in onnxruntime)")


def devices(report: Report, settings: ResolvedSettings) -> None:
    """List the audio devices PortAudio sees; never fails the check, only warns.

    A packaged build carries sounddevice; PortAudio itself is a system
    library on Linux (the .deb depends on libportaudio2), so it may be missing
    on a hand-copied tarball install: that is a warning naming the package.
    """
    section = "audio devices"
    try:
        import sounddevice as sd
    except ImportError:
        report.warnings.append("sounddevice is not installed: live capture is unavailable")
        report.add(section, "status", "sounddevice not installed")
        return
    except OSError as exc:
        report.warnings.append(
            f"the PortAudio library cannot be loaded ({exc}): live capture is unavailable; "
            "install it (Debian/Ubuntu: apt install libportaudio2)"
        )
        report.add(section, "status", "PortAudio missing")
        return
    try:
        found = list(sd.query_devices())
        apis = [api["name"] for api in sd.query_hostapis()]
    except Exception as exc:  # sd.PortAudioError, or a broken host API
        report.warnings.append(f"PortAudio cannot list devices: {exc}")
        return
    report.add(section, "PortAudio", str(sd.get_portaudio_version()[1]))
    rows = []
    for index, dev in enumerate(found):
        kinds = []
        if dev["max_input_channels"]:
            kinds.append(f"in {dev['max_input_channels']}")
        if dev["max_output_channels"]:
            kinds.append(f"out {dev['max_output_channels']}")
        api = apis[dev["hostapi"]] if dev["hostapi"] < len(apis) else "?"
        text = f"{dev['name']}  [{api}, {'/'.join(kinds)}, {dev['default_samplerate']:.0f} Hz]"
        report.add(section, f"#{index}", text)
        rows.append({"name": dev["name"], "hostapi": api, "inputs": dev["max_input_channels"]})
    report.data["devices"] = rows
    if not any(r["inputs"] for r in rows):
        report.warnings.append("no audio input device found: plug in a headset for live calls")
    names = {r["name"] for r in rows}
    for key in ("audio.agent_device", "audio.customer_device"):
        chosen = settings.get(key)
        if chosen and chosen not in names:
            report.warnings.append(f"{key} = {chosen!r} is not connected now")


def analysis(report: Report, plan: CallPlan) -> None:
    """Let the analysers validate the ``[analysis]`` table of the call plan."""
    from belcoach.audio.analysis.defaults import default_analysers

    try:
        built = default_analysers(plan.language, plan.analysis)
    except ConfigError as exc:
        report.problems.append(f"settings: {exc}")
        return
    names = ", ".join(type(a).__name__ for a in built) or "none yet"
    report.add("analysis", "analysers", names)


def privacy(report: Report, plan: CallPlan) -> None:
    """Redaction and encryption at rest: what is on, and where the recording key lives."""
    from belcoach.core.recording_key import describe_key_storage

    in_force = plan.privacy
    report.add("privacy", "redact", "on" if in_force.redact else "off")
    report.add("privacy", "encrypt recordings", "on" if in_force.encrypt else "off")
    if in_force.encrypt:
        report.add(
            "privacy",
            "encrypted at rest",
            "each call's audio, transcript and notes (call list figures stay readable)",
        )
    where, warning = describe_key_storage()
    report.add("privacy", "recording key", where)
    if warning and in_force.encrypt:
        report.warnings.append(warning)


def gui(report: Report) -> None:
    """Check that Qt can open a window here (in a child process; see ``qt_check_cmd``)."""
    import importlib.util

    from belcoach.cli import qt_check_cmd
    from belcoach.core import paths

    section = "desktop UI"
    if importlib.util.find_spec("PySide6") is None:
        report.add(section, "Qt", "PySide6 not installed: command line only")
        if paths.bundle_dir() is not None:
            report.problems.append("this packaged build has no Qt (PySide6): the UI cannot start")
        return
    if not qt_check_cmd.display_available():
        report.add(section, "Qt", "not checked: no display in this session")
        return
    ok, text = qt_check_cmd.probe()
    report.add(section, "Qt", text)
    report.data["gui"] = {"ok": ok, "detail": text}
    if not ok:
        report.problems.append(f"the desktop UI cannot start: {text}")

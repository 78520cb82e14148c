"""``belcoach doctor``: is this installation healthy, and which settings are in force?

IT runs it after an install or a policy roll-out, and a service desk asks an
agent to run it. It prints the versions, the model (found where, verified by
sha256), the voice activity model, the audio devices, the policy in force and
where every non-default setting comes from, then the problems. Exit code 0
when healthy, 1 when something is broken (a missing or damaged model, a bad
settings or policy file, a setting the analysers refuse), 2 for a bad option.
Warnings (no audio device right now, sounddevice missing) do not fail it: a
headset can be plugged in later, and a batch-analysis PC needs none. The call
library's checks (who can read it, the access log's hash chain) are in
`doctor_library`; ``--fix-permissions`` makes the library readable by its
owner only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

from belcoach.audio.calls.library import library_root
from belcoach.cli import doctor_checks as checks
from belcoach.cli import doctor_library
from belcoach.cli.common import load_cli_settings
from belcoach.cli.doctor_checks import Report
from belcoach.cli.settings_cmd import policy_line, settings_json
from belcoach.core import paths
from belcoach.core.settings import ResolvedSettings
from belcoach.wiring.flags import format_value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``doctor`` command."""
    p = sub.add_parser(
        "doctor",
        help="check the installation: versions, model, devices, policy, settings",
        description=(
            "Check this installation and show the settings in force with where each "
            "comes from. Exit code 0 = healthy, 1 = something is broken."
        ),
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--quick", action="store_true", help="check model files by size only (no sha256)"
    )
    p.add_argument(
        "--fix-permissions",
        action="store_true",
        help="make the call library readable by you only (folders 0700, files 0600)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``belcoach doctor``."""
    settings = load_cli_settings(warn=False)
    report = Report()
    _versions(report)
    plan = checks.call_plan(report, settings)  # what a call would run with, locks applied
    if plan is not None:
        checks.model(report, plan, quick=args.quick)
    checks.vad(report)
    checks.devices(report, settings)
    checks.gui(report)
    if plan is not None:
        checks.analysis(report, plan)
        checks.privacy(report, plan)
    _policy(report, settings)
    _paths(report, settings)
    doctor_library.library(report, settings, fix_permissions=args.fix_permissions)
    report.problems[:0] = list(settings.problems)
    if args.json:
        out = {
            **report.data,
            **settings_json(settings, [i for i in settings.info.values() if i.origin != "default"]),
            "paths": dict(report.sections.get("paths", [])),
            "problems": report.problems,
            "warnings": report.warnings,
            "ok": not report.problems,
        }
        json.dump(out, sys.stdout, indent=1, ensure_ascii=False, default=str)
        print()
    else:
        _print(report)
    return 1 if report.problems else 0


def _versions(report: Report) -> None:
    bundle = paths.bundle_dir()
    where = f"packaged build in {bundle}" if bundle else "run from source / pip install"
    versions = {"belcoach": checks.version_of("belcoach", "belcoach.cli")}
    report.add("belcoach", "belcoach", f"{versions['belcoach']} ({where})")
    report.add("belcoach", "Python", f"{platform.python_version()} ({sys.executable})")
    report.add(
        "belcoach", "system", f"{platform.system()} {platform.release()} {platform.machine()}"
    )
    for dist, module in (
        ("faster-whisper", "faster_whisper"),
        ("ctranslate2", "ctranslate2"),
        ("onnxruntime", "onnxruntime"),
        ("numpy", "numpy"),
        ("PySide6", "PySide6"),
        ("sounddevice", "sounddevice"),
    ):
        versions[dist] = checks.version_of(dist, module)
        report.add("belcoach", dist, versions[dist])
    report.data["versions"] = versions
    report.data["packaged"] = bundle is not None


def _policy(report: Report, settings: ResolvedSettings) -> None:
    report.add("policy", "file", policy_line(settings))
    if settings.policy_path.exists() and not paths.is_administrator():
        # a policy an agent can edit (or replace) is no policy: its locks can be lifted
        for target in (settings.policy_path, settings.policy_path.parent):
            if os.access(target, os.W_OK):
                report.problems.append(
                    f"{target} can be changed by this user, so the policy's locks can be "
                    "lifted: make it writable by administrators only"
                )
    locked = [k for k, i in settings.info.items() if i.locked]
    presets = [k for k, i in settings.info.items() if i.origin == "policy" and not i.locked]
    report.add("policy", "locked", ", ".join(locked) or "nothing")
    report.add("policy", "preset", ", ".join(presets) or "nothing")
    rows = [i for i in settings.info.values() if i.origin != "default"]
    for info in rows:
        how = "IT policy, locked" if info.locked else info.origin
        report.add(
            "settings that differ from the defaults",
            info.key,
            f"{format_value(info.value)}  ({how}: {info.source})",
        )
    if not rows:
        report.add("settings that differ from the defaults", "none", "all packaged defaults")


def _paths(report: Report, settings: ResolvedSettings) -> None:
    recording = settings.values.recording
    storage = library_root(str(recording.storage_dir))  # <data dir>/calls unless set
    for label, path in (
        ("user settings", settings.user_path),
        ("call library", storage),
        ("model cache", paths.cache_dir() / "models"),
        ("logs", paths.log_dir()),
    ):
        report.add("paths", label, str(path))
    state = "on" if recording.enabled else "off"
    report.add("paths", "recording", f"{state}, kept {recording.retention_days} days")
    if recording.enabled and not _writable(storage):
        report.problems.append(f"recording is on but {storage} cannot be written")


def _writable(path: Path) -> bool:
    """True when ``path`` or the nearest folder above it that exists is writable."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate.is_dir() and os.access(candidate, os.W_OK)
    return False


def _print(report: Report) -> None:
    for title, lines in report.sections.items():
        print(title)
        width = max(len(label) for label, _ in lines)
        for label, text in lines:
            print(f"  {label.ljust(width)}  {text}")
        print()
    for warning in report.warnings:
        print(f"warning: {warning}")
    for problem in report.problems:
        print(f"PROBLEM: {problem}")
    if report.problems:
        print(f"belcoach doctor: {len(report.problems)} problem(s) found")
    else:
        print("belcoach doctor: healthy")

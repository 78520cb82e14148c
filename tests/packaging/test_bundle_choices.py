"""The coach features' share of the build: what goes in, what stays out, what the .deb needs.

Fast checks of packaging/collect.py and packaging/linux/deb_depends.py against
the installed code and libraries; nothing is built.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import PACKAGING, load_script


@pytest.fixture(scope="module")
def deb_depends() -> ModuleType:
    return load_script("linux/deb_depends.py")


def _belcoach_sources(collect: ModuleType) -> list[Path]:
    return [
        path
        for package in collect.BELCOACH_PACKAGES
        if (root := collect.package_dir(package)) is not None
        for path in root.rglob("*.py")
    ]


def _imported_modules(collect: ModuleType) -> set[str]:
    names: set[str] = set()
    for path in _belcoach_sources(collect):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
    return names


@pytest.mark.parametrize(
    ("name", "platform", "kept"),
    [
        ("libpango-1.0.so.0", "linux", False),
        ("libpangoft2-1.0.so.0", "linux", False),
        ("libharfbuzz.so.0", "linux", False),
        ("libharfbuzz-subset.so.0", "linux", False),
        ("libfontconfig.so.1", "linux", False),
        ("libfreetype.so.6", "linux", False),
        ("libglib-2.0.so.0", "linux", False),
        ("libgobject-2.0.so.0", "linux", False),
        ("libcairo.so.2", "linux", False),  # only Qt's GTK theme plugin links it
        ("pillow.libs/libfreetype-4f2c0d2a.so.6.20.2", "linux", True),  # Pillow's own copy
        ("pillow.libs/libharfbuzz-a1b2c3d4.so.0.61010.0", "linux", True),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "linux", True),
        ("cryptography/hazmat/bindings/_rust.abi3.so", "linux", True),
        ("libcrypto.so.3", "linux", True),
        ("libpango-1.0-0.dll", "win32", True),  # Windows carries GTK's DLLs
        ("libpango-1.0.0.dylib", "darwin", True),
    ],
)
def test_text_stack_comes_from_the_linux_system(
    collect: ModuleType, name: str, platform: str, kept: bool
) -> None:
    assert collect.keep_binary(name, platform) is kept


@pytest.mark.parametrize(
    ("dest", "platform", "kept"),
    [
        ("etc/fonts/fonts.conf", "linux", False),  # the build machine's fontconfig rules
        ("etc/fonts/fonts.conf", "win32", True),  # GTK's, which WeasyPrint needs there
        ("matplotlib/mpl-data/sample_data/goog.npz", "linux", False),
        ("matplotlib/mpl-data/sample_data/goog.npz", "win32", False),
        ("matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", "linux", True),
        ("matplotlib/mpl-data/matplotlibrc", "linux", True),
        ("weasyprint/css/html5_ua.css", "linux", True),
        ("belcoach/audio/report/report.html.j2", "linux", True),
        ("etc-fonts-lookalike/x", "linux", True),
    ],
)
def test_hook_data_left_out(collect: ModuleType, dest: str, platform: str, kept: bool) -> None:
    assert collect.keep_data(dest, platform) is kept


def test_report_templates_and_seed_data_are_carried(collect: ModuleType) -> None:
    dests = {(Path(src).name, dest) for src, dest in collect.belcoach_datas()}
    for expected in [
        ("report.html.j2", "belcoach/audio/review/report"),
        ("report.css", "belcoach/audio/review/report"),
        ("team.html.j2", "belcoach/audio/review/team"),
        ("team.css", "belcoach/audio/review/team"),
        ("report_tips.toml", "belcoach/seeds"),
        ("speech_norms.toml", "belcoach/seeds"),
        ("nl.toml", "belcoach/seeds/rules"),
    ]:
        assert expected in dests
    assert any(dest == "belcoach/seeds/emotion" for _, dest in dests)


def test_nothing_belcoach_imports_is_excluded(collect: ModuleType) -> None:
    imported = _imported_modules(collect)
    excluded = set(collect.PYTHON_EXCLUDES) | set(collect.QT_EXCLUDES)
    # the cluster extra is left out on purpose: --cluster says to install it when missing
    excluded -= set(collect.OPTIONAL_EXTRAS)
    clash = sorted(
        name for name in imported for ex in excluded if name == ex or name.startswith(ex + ".")
    )
    assert not clash
    assert "matplotlib.backends.backend_agg" not in excluded


def test_matplotlib_backends_cover_every_use_call(collect: ModuleType) -> None:
    used = set()
    for path in _belcoach_sources(collect):
        used.update(re.findall(r"matplotlib\.use\(\"(\w+)\"\)", path.read_text(encoding="utf-8")))
    assert used and used <= set(collect.MATPLOTLIB_BACKENDS)


def test_extra_hidden_imports_and_metadata_exist(collect: ModuleType) -> None:
    for name in collect.EXTRA_HIDDEN_IMPORTS:
        assert importlib.util.find_spec(name) is not None, name
    for dist in collect.METADATA:
        assert version(dist)
    imported = {name.split(".")[0] for name in _imported_modules(collect)}
    for needed in ("matplotlib", "jinja2", "weasyprint", "pyqtgraph", "cryptography", "keyring"):
        assert needed in imported  # still used: else drop it from the build


def test_every_dlopened_library_is_excluded_and_depended_on(
    collect: ModuleType, deb_depends: ModuleType
) -> None:
    for soname, (package, _required) in deb_depends.CTYPES_LOADED.items():
        assert soname.split(".so")[0] in collect.LINUX_SYSTEM_LIBS, soname
        assert not collect.keep_binary(soname, "linux")
        assert package
    required = {pkg for pkg, req in deb_depends.CTYPES_LOADED.values() if req}
    assert {"libportaudio2", "libpango-1.0-0", "libpangoft2-1.0-0"} <= required
    assert "fonts-dejavu-core" in deb_depends.FONTS


def test_weasyprint_loads_only_libraries_the_build_leaves_to_the_system(
    collect: ModuleType,
) -> None:
    """A WeasyPrint upgrade that dlopens a new library must be noticed here."""
    root = collect.package_dir("weasyprint")
    assert root is not None
    text = (root / "text" / "ffi.py").read_text(encoding="utf-8")
    sonames = set(re.findall(r"'(lib[\w.+-]+)\.so\.\d+'", text))
    assert {"libpango-1.0", "libharfbuzz", "libfontconfig"} <= sonames
    assert sonames - {"libharfbuzz-vector"} <= set(collect.LINUX_SYSTEM_LIBS)


def test_ctypes_packages_fall_back_to_debian_names(
    deb_depends: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deb_depends, "_owner", lambda soname: None)
    found = deb_depends.ctypes_packages()
    assert {"libportaudio2", "libpango-1.0-0", "libpangoft2-1.0-0"} <= found
    assert "libharfbuzz-subset0" not in found  # optional: left out where it does not exist
    monkeypatch.setattr(deb_depends, "_owner", lambda soname: f"pkg-of-{soname}")
    assert "pkg-of-libharfbuzz-subset.so.0" in deb_depends.ctypes_packages()


def test_smoke_test_checks_the_coach_features() -> None:
    coach = load_script("smoke_coach.py")
    text = (PACKAGING / "smoke_test.py").read_text(encoding="utf-8")
    for step in ("coach(", "bundle_contents(", "keyring_report(", "overlay(", '["app"]'):
        assert step in text
    assert any("report.html.j2" in f for f in coach.BUNDLED_FILES)
    assert "keyring.backends.SecretService" in coach.BUNDLED_MODULES
    assert "matplotlib.backends.backend_tkagg" in coach.UNBUNDLED_MODULES


def test_blank_screenshots_are_told_apart(tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image")
    desktop = load_script("smoke_desktop.py")
    blank = tmp_path / "blank.png"
    image.new("RGB", (40, 30), "black").save(blank)
    assert desktop.drawn_fraction(blank) == 0.0
    drawn = tmp_path / "drawn.png"
    img = image.new("RGB", (40, 30), "black")
    img.paste((200, 40, 40), (0, 0, 20, 30))
    img.save(drawn)
    assert desktop.drawn_fraction(drawn) == pytest.approx(0.5)


def test_runtime_hook_switches_onnxruntime_telemetry_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("ORT_DISABLE_TELEMETRY", "0")  # an agent's attempt to turn it on
    code = (PACKAGING / "hooks" / "rthook_belcoach.py").read_text(encoding="utf-8")
    exec(compile(code, "rthook_belcoach.py", "exec"), {})
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"
    assert os.environ["HF_HUB_OFFLINE"] == "1"

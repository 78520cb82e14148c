"""Print the Debian ``Depends:`` and ``Recommends:`` lines for a PyInstaller bundle.

Every shared library the bundle's ELF files load from outside the bundle is
looked up with ``dpkg -S``; the result is what the build machine's distribution
must provide (``Depends``). Qt plugins that are only loaded on some desktops
(the Wayland platform, the GTK theme) need libraries that a plain X11 or
terminal-only PC lacks; Qt skips such a plugin quietly, so their libraries are
``Recommends``. A library ``ldd`` cannot find for any other file fails the
build: a package must not install with a hole in it.

Output: two lines, the Depends value, then the Recommends value.

Usage: python deb_depends.py BUNDLE_DIR
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from pathlib import Path

# Qt's X11 platform plugin loads these at run time; ldd sees them only when the
# plugin itself is inspected, so they are listed explicitly as well.
QT_XCB = ("libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libfontconfig1", "libdbus-1-3")
# sounddevice loads PortAudio with ctypes and WeasyPrint (the report's PDF) loads
# Pango, PangoFT2 and HarfBuzz-subset with cffi's dlopen: invisible to ldd; the
# build takes them from the system (packaging/collect.py LINUX_SYSTEM_LIBS).
# soname -> (Debian/Ubuntu package when the build machine lacks it, required).
# HarfBuzz-subset is optional for WeasyPrint (it subsets fonts with fontTools
# without it) and has no package of its own on older distributions.
CTYPES_LOADED = {
    "libportaudio.so.2": ("libportaudio2", True),
    "libpango-1.0.so.0": ("libpango-1.0-0", True),
    "libpangoft2-1.0.so.0": ("libpangoft2-1.0-0", True),
    "libharfbuzz-subset.so.0": ("libharfbuzz-subset0", False),
}
# The report's stylesheet and plots are set in DejaVu Sans (matplotlib carries
# its own copy; the PDF takes the system's through fontconfig).
FONTS = ("fonts-dejavu-core",)

# Optional Qt parts (path fragments inside the bundle) and the packages their
# libraries come from on Debian/Ubuntu when the build machine lacks them.
OPTIONAL_PARTS = ("plugins/platformthemes/", "wayland", "Wayland", "WlShell")
OPTIONAL_SONAMES = {
    "libgdk-3.so.0": "libgtk-3-0",
    "libgtk-3.so.0": "libgtk-3-0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libwayland-client.so.0": "libwayland-client0",
}


def optional(relpath: str) -> bool:
    return any(part in relpath for part in OPTIONAL_PARTS)


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def main(bundle: Path) -> int:
    bundle = bundle.resolve()
    outside: set[str] = set()
    missing: set[str] = set()
    recommends: set[str] = set()
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink() or not is_elf(path):
            continue
        env = {**os.environ, "LD_LIBRARY_PATH": f"{bundle}/_internal:{path.parent}"}
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        rel = str(path.relative_to(bundle))
        for line in out.splitlines():
            if "=> not found" in line:
                soname = line.split()[0]
                if optional(rel) and soname in OPTIONAL_SONAMES:
                    recommends.add(soname)
                else:
                    missing.add(f"{soname} (needed by {rel})")
            elif m := re.search(r"=> (/\S+)", line):
                lib = Path(m.group(1))
                if lib.resolve().is_relative_to(bundle):
                    continue
                if optional(rel):
                    recommends.add(lib.name)
                else:
                    outside.add(str(lib))
    packages: set[str] = set(QT_XCB) | set(FONTS) | ctypes_packages()
    for lib in sorted(outside):
        proc = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
        if proc.returncode != 0:  # /lib vs /usr/lib after the usrmerge
            alt = lib.replace("/usr/lib/", "/lib/", 1) if lib.startswith("/usr/") else "/usr" + lib
            proc = subprocess.run(["dpkg", "-S", alt], capture_output=True, text=True)
        if proc.returncode == 0:
            packages.add(proc.stdout.split(":")[0].strip())
        else:
            print(f"deb_depends: no package owns {lib}", file=sys.stderr)
    for line in sorted(missing):
        print(f"deb_depends: not found: {line}", file=sys.stderr)
    packages.discard("libc6")
    glibc = platform.libc_ver()[1] or "2.36"
    print(", ".join([f"libc6 (>= {glibc})", *sorted(packages)]))
    # optional plugins' libraries found on the build machine: name their packages too
    owners = {_owner(name) or OPTIONAL_SONAMES.get(name) for name in recommends}
    print(", ".join(sorted(p for p in owners if p and p not in packages)))
    return 1 if missing else 0


def ctypes_packages() -> set[str]:
    """Packages of the libraries loaded with dlopen: as the build machine names them."""
    found = set()
    for soname, (package, required) in CTYPES_LOADED.items():
        owner = _owner(soname)
        if owner or required:
            found.add(owner or package)
    return found


def _owner(soname: str) -> str | None:
    """The package that owns a library (by file name) on the build machine, if any."""
    for candidate in (Path("/usr/lib") / soname, *Path("/usr/lib").glob(f"*/{soname}")):
        proc = subprocess.run(["dpkg", "-S", str(candidate)], capture_output=True, text=True)
        if proc.returncode == 0:
            return proc.stdout.split(":")[0].strip()
    return None


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))

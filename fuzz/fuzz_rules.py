"""Fuzz the coaching rule-pack parser: ``load_rules`` with an extra rule file must never raise.

Run by hand (needs the rule packs, ``belcoach.seeds.loader``)::

    .venv/bin/python fuzz/fuzz_rules.py -max_total_time=300 fuzz/corpus_rules

Seed the corpus with ``seeds/rules/*.toml``.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from belcoach.seeds import loader  # type: ignore[attr-defined]

from common import scratch


def test_one(data: bytes) -> None:
    path = scratch("extra.toml", data)
    book = loader.load_rules("nl", extra_files=[path])
    for problem in book.problems:
        if "\n" in problem or not problem.startswith(str(path)):
            raise AssertionError(f"unclear problem: {problem!r}")


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

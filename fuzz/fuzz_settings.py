"""Fuzz the settings and IT policy parser: ``load_settings`` must never raise.

Run by hand::

    .venv/bin/python fuzz/fuzz_settings.py -max_total_time=300 fuzz/corpus_settings

The input is split at its first NUL byte: before it the policy file, after it
the user's file. Every problem must be one line naming one of the two files.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from belcoach.core.settings import load_settings

from common import scratch


def test_one(data: bytes) -> None:
    policy_bytes, _sep, user_bytes = data.partition(b"\0")
    policy = scratch("policy.toml", policy_bytes)
    user = scratch("settings.toml", user_bytes)
    scratch("settings.toml.last-good", b"")
    resolved = load_settings(policy_path=policy, user_path=user)
    for problem in resolved.problems:
        if "\n" in problem or not problem.startswith((str(policy), str(user))):
            raise AssertionError(f"unclear problem: {problem!r}")


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

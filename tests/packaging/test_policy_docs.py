"""The example policy and docs/it.md's policy reference cannot drift from the schema."""

from __future__ import annotations

import re
import tomllib
import typing
from pathlib import Path

from belcoach.core.settings import leaf_keys, leaf_types, load_settings
from belcoach.wiring.flags import format_value

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "packaging" / "policy" / "policy.example.toml"
IT_DOC = ROOT / "docs" / "it.md"


def _type_name(hint: object) -> str:
    if typing.get_origin(hint) is typing.Literal:
        return "one of " + ", ".join(f'`"{a}"`' for a in typing.get_args(hint))
    names = {str: "text", int: "whole number", float: "number", bool: "true/false"}
    return names[hint]  # type: ignore[index]


def test_example_policy_parses_with_no_problems_and_sets_every_key(tmp_path: Path) -> None:
    s = load_settings(policy_path=EXAMPLE, user_path=tmp_path / "user.toml")
    assert s.problems == ()
    assert s.policy_loaded and s.contact
    not_set = [k for k in leaf_keys() if s.info[k].origin != "policy"]
    assert not_set == [], f"keys missing from {EXAMPLE.name}: {not_set}"


def test_example_policy_as_shipped_changes_nothing(tmp_path: Path) -> None:
    s = load_settings(policy_path=EXAMPLE, user_path=tmp_path / "user.toml")
    for key in leaf_keys():
        assert s.info[key].value == s.info[key].default, key
    # only the telemetry key is locked (its one possible value)
    assert [k for k in leaf_keys() if s.locked(k)] == ["privacy.telemetry"]


def test_every_key_in_the_example_is_documented_on_its_line() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    table = ""
    documented = set()
    for line in text.splitlines():
        if m := re.match(r"^\[(?:defaults|locked)\.([a-z_.]+)\]", line):
            table = m.group(1)
        elif m := re.match(r"^([a-z_]+)\s*=\s*[^#]+#\s*\S", line):
            documented.add(f"{table}.{m.group(1)}")
    assert documented >= set(leaf_keys())
    tomllib.loads(text)  # and it is one valid TOML file


def _reference_rows() -> dict[str, tuple[str, str]]:
    text = IT_DOC.read_text(encoding="utf-8")
    section = text.split("### Policy reference", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        if m := re.match(r"^\| `([a-z_.]+)` \| (.+?) \| `(.*?)` \| .+ \|$", line):
            assert m.group(1) not in rows, f"{m.group(1)} listed twice"
            rows[m.group(1)] = (m.group(2), m.group(3))
    return rows


def test_it_doc_policy_reference_matches_the_schema() -> None:
    rows = _reference_rows()
    assert list(rows) == leaf_keys(), "docs/it.md policy reference: keys or order differ"
    defaults = load_settings(
        policy_path=ROOT / "nonexistent.toml", user_path=ROOT / "nonexistent.toml"
    )
    for key, hint in leaf_types().items():
        type_name, default = rows[key]
        assert type_name == _type_name(hint), key
        assert default == format_value(defaults.info[key].default), key


def test_it_doc_names_the_policy_paths_the_code_uses() -> None:
    text = IT_DOC.read_text(encoding="utf-8")
    for path in (
        "/etc/belcoach/policy.toml",
        r"%ProgramData%\belcoach\policy.toml",
        "/Library/Application Support/belcoach/policy.toml",
        "BELCOACH_POLICY",
        "/VERYSILENT",
    ):
        assert path in text

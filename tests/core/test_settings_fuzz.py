"""The policy and settings parser never breaks: garbage, bad TOML, wrong types, odd keys.

``load_settings`` promises never to raise for a bad file: every problem is one
line naming the file (and line), the rest still applies, and a policy that
cannot be read locks recording off. ``save_user_settings`` refuses bad changes
with a ``ConfigError`` and nothing else.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from belcoach.core.errors import ConfigError
from belcoach.core.settings import leaf_keys, load_settings, save_user_settings
from belcoach.core.settings_schema import Settings

KEYS = leaf_keys()
_scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=4),
)
_names = st.one_of(
    st.sampled_from([k.split(".")[-1] for k in KEYS] + ["call", "model", "privacy", "recording"]),
    st.text(min_size=1, max_size=10),
)
_tables = st.recursive(
    st.dictionaries(_names, _scalars, max_size=5),
    lambda children: st.dictionaries(_names, st.one_of(_scalars, children), max_size=5),
    max_leaves=25,
)


def _dotted_table(draw_keys: list[str], values: list[Any]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key, value in zip(draw_keys, values, strict=False):
        node = table
        parts = key.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[parts[-1]] = value
    return table


def _check(policy: bytes | None, user: bytes | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        policy_path, user_path = Path(folder) / "policy.toml", Path(folder) / "settings.toml"
        if policy is not None:
            policy_path.write_bytes(policy)
        if user is not None:
            user_path.write_bytes(user)
        resolved = load_settings(policy_path=policy_path, user_path=user_path)
        assert isinstance(resolved.values, Settings)
        for problem in resolved.problems:
            assert "\n" not in problem, problem
            assert problem.startswith((str(policy_path), str(user_path))), problem
        if policy is not None and resolved.problems and not resolved.policy_loaded:
            assert resolved.locked("recording.enabled") and not resolved.get("recording.enabled")
        for key in KEYS:
            resolved.get(key)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy=st.one_of(st.none(), st.binary(max_size=2000)), user=st.binary(max_size=2000))
def test_random_bytes_never_break_the_settings(policy: bytes | None, user: bytes) -> None:
    _check(policy, user)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    section=st.sampled_from(["defaults", "locked", "other", ""]),
    keys=st.lists(st.sampled_from(KEYS), max_size=8),
    values=st.lists(_scalars, max_size=8),
    extra=_tables,
    version=st.one_of(st.integers(-3, 5), st.text(max_size=3)),
)
def test_well_formed_toml_with_wrong_values_never_breaks_the_settings(
    section: str, keys: list[str], values: list[Any], extra: dict[str, Any], version: Any
) -> None:
    body = _dotted_table(keys, values)
    policy: dict[str, Any] = {"schema_version": version, **extra}
    if section:
        policy[section] = body
    user = {"schema_version": version, **body, **extra}
    try:
        policy_text, user_text = tomli_w.dumps(policy), tomli_w.dumps(user)
    except (TypeError, ValueError):
        return  # not representable in TOML (NaN keys...), so no file could hold it
    _check(policy_text.encode(), user_text.encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.dictionaries(
        st.one_of(st.sampled_from(KEYS), st.text(max_size=12)), _scalars, max_size=4
    )
)
def test_saving_refuses_bad_changes_with_a_config_error_only(changes: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        resolved = load_settings(
            policy_path=Path(folder) / "policy.toml", user_path=Path(folder) / "settings.toml"
        )
        try:
            saved = save_user_settings(resolved, changes)
        except ConfigError as exc:
            assert "\n" not in str(exc)
            return
        assert saved.problems == ()

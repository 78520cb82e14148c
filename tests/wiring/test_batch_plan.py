"""Batch flags → `BatchPlan`: the plan's values go to every worker; bad flags give one line."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from belcoach.cli.main import main
from belcoach.core.errors import ConfigError
from belcoach.core.settings import load_settings
from belcoach.wiring import batch as wiring_batch
from belcoach.wiring.batch import BatchFlags, plan_batch
from belcoach.wiring.call import plan_call
from belcoach.wiring.flags import CallFlags


def _plan(flags: BatchFlags, calls: int = 4) -> wiring_batch.BatchPlan:
    call = plan_call(load_settings(), CallFlags(language="sv", redact=True, threads=4))
    return plan_batch(call, flags, calls)


def test_the_call_plan_travels_to_the_workers() -> None:
    user = Path(os.environ["BELCOACH_CONFIG_DIR"]) / "settings.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("[analysis.speech.overtalk]\nmin_overlap = 0.9\n")
    plan = _plan(BatchFlags(cluster="local", out=Path("out")))
    config = plan.config
    assert (config.language, config.redact, config.out_dir) == ("sv", True, Path("out"))
    assert config.analysis["speech"]["overtalk"]["min_overlap"] == 0.9
    assert plan.cluster == "local" and plan.workers is None
    assert config.threads == 1  # one call per core on a cluster unless --threads says


def test_jobs_share_the_threads() -> None:
    plan = _plan(BatchFlags(jobs=2))
    assert (plan.cluster, plan.jobs, plan.config.threads) == (None, 2, 2)
    assert _plan(BatchFlags(jobs=8), calls=3).jobs == 3


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (BatchFlags(jobs=0), "--jobs must be at least 1"),
        (BatchFlags(cluster="somewhere"), "--cluster 'somewhere': give 'local', 'auto'"),
    ],
)
def test_bad_flags_are_refused(flags: BatchFlags, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _plan(flags)


def test_cluster_without_ray_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(wiring_batch, "ray_available", lambda: False)
    assert main(["analyze", str(tmp_path), "--cluster", "local"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "belcoach: error: --cluster needs Ray, which is not installed: "
        "pip install 'belcoach[cluster]'"
    ]


def test_a_cluster_that_does_not_answer_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused at once (nothing listens on port 1 here), not after Ray's minutes of retries."""
    (tmp_path / "call.wav").write_bytes(b"not read: Ray is never reached")
    out = tmp_path / "out"
    argv = ["analyze", str(tmp_path), "--cluster", "127.0.0.1:1", "--out", str(out), "--quiet"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(
        "belcoach: error: --cluster 127.0.0.1:1: no Ray cluster answers at 127.0.0.1:1 ("
    )
    assert err[-1].endswith("start one with 'ray start --head' (see docs/cluster.md)")


def test_the_policy_s_encryption_travels_as_the_key_s_id_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The workers get the key's id; the key itself stays in the plan, for this machine."""
    import keyring
    from keyring.backends import fail

    from belcoach.core.recording_key import recording_key

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert _plan(BatchFlags(jobs=1)).key is None
    policy = Path(os.environ["BELCOACH_POLICY"])
    policy.parent.mkdir(parents=True, exist_ok=True)
    policy.write_text("schema_version = 1\n[locked.recording]\nencrypt = true\n")
    plan = _plan(BatchFlags(cluster="local"))
    key = recording_key()
    assert plan.key == key and plan.config.encrypt
    assert plan.config.key_id == key.key_id.hex()
    assert key.key.hex() not in repr(plan) and key.key.hex() not in repr(plan.config)


@pytest.mark.slow
def test_a_port_that_is_no_ray_client_server_fails_within_30_s(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ray:// address whose port accepts but never speaks gRPC: one error line, not a hang.

    The socket check passes (something listens), so this is Ray Client's own handshake
    giving up; the bound on its wait is asserted by the error, not timed here.
    """
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        address = f"ray://127.0.0.1:{server.getsockname()[1]}"
        (tmp_path / "call.wav").write_bytes(b"not read: Ray is never reached")
        argv = ["analyze", str(tmp_path), "--cluster", address, "--out", str(tmp_path / "o")]
        assert main([*argv, "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"belcoach: error: --cluster {address}: cannot reach the Ray cluster: " + (
        "ray client connection timeout"
    )

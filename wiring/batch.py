"""Call plan + batch flags → what a batch run needs (`BatchPlan`): ``--jobs`` and ``--cluster``.

A batch is many calls under one plan: the language, model, ``[analysis]``
table, redaction and encryption decided once from the settings and policy
(`plan_call`, which refuses flags against IT's locks first) travel to every
worker as plain values in `BatchConfig`. No worker, local process or cluster
node, reads settings or a policy of its own.

With ``recording.encrypt`` the recording key is had here, once, the way the
recorder has it (`RecordingPrivacy.recording_key`: the OS keyring, else the
0600 key file); a batch that must be encrypted and has no key is refused
before any call is analysed. The plan holds the key for this machine's use
(local workers, the table's QA columns); workers elsewhere get its id only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from belcoach.audio.jobs.batch_types import BatchConfig
from belcoach.audio.jobs.cluster import INSTALL_HINT, LOCAL, check_address, ray_available
from belcoach.core.errors import ConfigError
from belcoach.core.recording_key import RecordingKey
from belcoach.wiring.call import CallPlan

DEFAULT_OUT = Path("belcoach-batch")


@dataclass(frozen=True, slots=True)
class BatchFlags:
    """The batch options of ``belcoach analyze`` (None: not given).

    Attributes:
        jobs: ``--jobs``: worker processes, or with ``--cluster`` Ray workers.
        cluster: ``--cluster``: ``local``, ``auto``, ``HOST:PORT`` or ``ray://HOST:PORT``.
        out: ``--out``.
        threads: ``--threads`` as given (the plan holds the setting's value too).
        agent_channel: 0 (left) or 1 (right).
    """

    jobs: int | None = None
    cluster: str | None = None
    out: Path | None = None
    threads: int | None = None
    agent_channel: int = 0


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """How a batch runs.

    Attributes:
        config: what every worker gets.
        jobs: local worker processes (``--jobs``), or Ray workers with a cluster.
        workers: Ray workers; None: one per ``config.threads`` CPUs of the cluster.
        cluster: the cluster address, or None for local processes.
        key: the recording key when the outputs are encrypted, else None.
    """

    config: BatchConfig
    jobs: int
    workers: int | None
    cluster: str | None
    key: RecordingKey | None = field(default=None, repr=False)


def plan_batch(plan: CallPlan, flags: BatchFlags, calls: int) -> BatchPlan:
    """The batch plan for ``calls`` calls under ``plan``.

    With ``--jobs N`` the plan's Whisper threads are shared among the N
    processes. On a cluster each worker runs one call on one thread unless
    ``--threads`` says otherwise (one call per core gets the most calls
    through), and there are as many workers as the cluster has such slots
    unless ``--jobs`` says how many.

    Raises:
        ConfigError: see `check_flags`.
        VaultError: the outputs must be encrypted and no recording key can be had.
    """
    cluster = check_flags(flags)
    key = plan.privacy.recording_key() if plan.privacy.encrypt else None
    if cluster is None:
        jobs = max(1, min(flags.jobs or 1, calls))
        threads = max(1, plan.model.cpu_threads // jobs)
        workers = None
    else:
        threads = flags.threads or 1
        if cluster == LOCAL:
            threads = min(threads, os.cpu_count() or 1)
        workers = None if flags.jobs is None else max(1, min(flags.jobs, calls))
        jobs = workers or 0
    config = BatchConfig(
        out_dir=flags.out or DEFAULT_OUT,
        language=plan.language,
        model=plan.model.name,
        model_dir=plan.model.admin_dir,
        threads=threads,
        beam_size=plan.model.beam_size,
        profile=str(plan.model.profile),
        agent_channel=flags.agent_channel,
        redact=plan.privacy.redact,
        analysis=dict(plan.analysis),
        encrypt=key is not None,
        key_id="" if key is None else key.key_id.hex(),
    )
    return BatchPlan(config=config, jobs=jobs, workers=workers, cluster=cluster, key=key)


def check_flags(flags: BatchFlags) -> str | None:
    """Refuse bad batch flags before any file is read; the cluster address, if any.

    Raises:
        ConfigError: ``--jobs`` below 1, a malformed cluster address, or
            ``--cluster`` without Ray installed (one line: install ``belcoach[cluster]``).
    """
    if flags.jobs is not None and flags.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    if flags.cluster is None:
        return None
    cluster = check_address(flags.cluster)
    if not ray_available():
        raise ConfigError(INSTALL_HINT)
    return cluster

"""What a batch works on and gives back: tasks, results and the run's configuration."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class BatchTask:
    """One call to analyse: the file, the output name stem, the agent and its content key.

    ``agent`` comes from a folder-per-agent layout (``calls/<agent>/*.wav``);
    ``key`` is `content_key` of the file (empty until `split_done` hashed it).
    """

    index: int
    path: Path
    stem: str
    agent: str = ""
    key: str = ""


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What happened to one call.

    Attributes:
        status: ``ok``, ``partial`` (damaged part-way; analysed up to the damage)
            or ``error`` (not analysed; ``error`` says why).
        audio_seconds: audio analysed.
        wall_seconds: time the worker spent on it.
        headline: the summary's flat figures (empty on error).
    """

    index: int
    path: str
    stem: str
    status: str
    error: str = ""
    audio_seconds: float = 0.0
    wall_seconds: float = 0.0
    headline: dict[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        """The call's outputs are complete: a re-run need not analyse it again."""
        return self.status in ("ok", "partial")


@dataclass(frozen=True, slots=True)
class BatchConfig:
    """Settings every worker shares.

    Attributes:
        out_dir: where events, summaries and the table go.
        language: the calls' language.
        model: model name or directory; ``model_dir``: the IT model directory.
        threads: Whisper CPU threads per worker.
        beam_size: Whisper beam size.
        profile: how the calls are decoded: a `DecodeProfile` value
            (``model.offline_decoding``), kept as text so this module loads no model code.
        agent_channel: 0 (left) or 1 (right).
        redact: redact personal numbers from the events, summaries and table
            (``privacy.redact`` or ``--redact``).
        analysis: the merged ``[analysis]`` settings table for the analysers.
        encrypt: seal each call's events with the recording key
            (``recording.encrypt``): ``<name>.events.jsonl.enc``, and the
            summary without the words said (`audio.calls.privacy.scrub_summary`).
        key_id: the hex id of the key to seal with; each worker finds that key
            on its own machine (`core.recording_key.existing_recording_key`); the key
            itself never travels in the configuration.
    """

    out_dir: Path
    language: str = "nl"
    model: str = "base"
    model_dir: Path | None = None
    threads: int = 1
    beam_size: int = 1
    profile: str = "live"
    agent_channel: int = 0
    redact: bool = False
    analysis: dict[str, Any] = field(default_factory=dict)
    encrypt: bool = False
    key_id: str = ""


EVENTS_SUFFIX = ".events.jsonl"
SEALED_SUFFIX = ".events.jsonl.enc"


def events_name(stem: str, *, encrypt: bool) -> str:
    """The file name of a call's events in ``--out``: sealed when the batch encrypts."""
    return stem + (SEALED_SUFFIX if encrypt else EVENTS_SUFFIX)


def result_json(result: BatchResult) -> dict[str, Any]:
    """A result as a JSON-ready dict."""
    return asdict(result)

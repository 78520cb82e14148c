"""The settings schema (STYLE S1): every setting belcoach has, typed, with its default.

This is the contract between the layers: the settings loader
(``belcoach.core.settings``) lays the IT policy and the user's file over these
defaults and records where each value came from and whether it is locked; the
engine receives plain values from it (STYLE S3); the settings dialog shows
them. It knows nothing about Qt.

Keys are dotted paths into this tree (``recording.enabled``,
``alerts.overtalk``). The ``analysis`` table is passed through to the
analysers (``belcoach.audio.analysis.defaults``), which validate it against
their own config dataclasses, so its keys are documented there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class CallSettings:
    """The call itself.

    Attributes:
        language: the language spoken in calls (``nl``, ``sv``, ``en`` or
            another Whisper code); coaching content exists for nl, sv and en.
    """

    language: str = "nl"


@dataclass(frozen=True, slots=True)
class AgentSettings:
    """The agent at this PC.

    Attributes:
        name: the agent's first name as they say it on the phone; fills
            ``{agent}`` in phrase suggestions ("Goedemiddag, met Anouk …").
            Empty = the name the agent introduces themselves with in the call.
    """

    name: str = ""


@dataclass(frozen=True, slots=True)
class CompanySettings:
    """The organisation the agent answers for (IT usually sets it in the policy).

    Attributes:
        name: fills ``{company}`` in phrase suggestions; empty = left out.
    """

    name: str = ""


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """Which Whisper model transcribes, and how hard it may work.

    Attributes:
        name: a registered model (``base``, ``tiny.en``) or a model directory.
        directory: an IT-supplied directory searched before the user cache.
        cpu_threads: threads Whisper may use.
        beam_size: 1 = greedy (fastest, measured); larger is slower. Live
            calls use it; so do the others when ``offline_decoding`` is ``live``.
        offline_decoding: how calls decoded after the fact (``calls import``,
            ``analyze`` of several calls or a folder, a cluster) are decoded:
            ``whole`` (the default: each side decoded whole in Whisper's own
            30 s windows at the live beam, the words handed to the engine's
            utterances by time; on 300 real Dutch clips WER 43.8 % against
            60.7 % live, at a third of the CPU: 9.9x against 3.8x real time,
            ``benchmarks/best_decoding.py --clips 300 --modes live,whole``),
            ``thorough`` (utterance by utterance, beam 5) or ``live`` (the
            live settings, the overlay's words exactly).
    """

    name: str = "base"
    directory: str = ""
    cpu_threads: int = 2
    beam_size: int = 1
    offline_decoding: Literal["live", "thorough", "whole"] = "whole"


@dataclass(frozen=True, slots=True)
class AudioSettings:
    """Live capture devices, remembered by name.

    Attributes:
        agent_device: the agent's microphone (empty = system default input).
        customer_device: the call audio, e.g. the softphone output's monitor or
            loopback (empty = ask the user / auto-detect).
    """

    agent_device: str = ""
    customer_device: str = ""


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """Which kinds of live alert the overlay shows the agent."""

    overtalk: bool = True
    speech_rate: bool = True
    pauses: bool = True
    dead_air: bool = True
    phrases: bool = True
    emotion: bool = True


@dataclass(frozen=True, slots=True)
class RecordingSettings:
    """Recording calls for coaching (personal data: opt-in, local, kept a limited time).

    Attributes:
        enabled: record live calls (audio + events) into the call library.
        storage_dir: where call folders live (empty = the per-user data dir).
        retention_days: calls older than this are deleted (0 = keep none after the call).
        encrypt: encrypt recordings at rest.
    """

    enabled: bool = False
    storage_dir: str = ""
    retention_days: int = 30
    encrypt: bool = False


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    """What belcoach may keep or send.

    Attributes:
        redact: redact personal numbers (BSN, IBAN, phone, e-mail, postcode)
            in stored transcripts, events and reports.
        telemetry: always ``none``: belcoach sends nothing anywhere.
    """

    redact: bool = False
    telemetry: Literal["none"] = "none"


@dataclass(frozen=True, slots=True)
class UiSettings:
    """The overlay's look.

    Attributes:
        language: UI text language (``nl``, ``sv``, ``en``; empty = follow the system).
        opacity: overlay opacity, 0.3..1.0.
        always_on_top: keep the overlay above other windows.
    """

    language: str = ""
    opacity: float = 0.92
    always_on_top: bool = True


@dataclass(frozen=True, slots=True)
class QaSettings:
    """The QA scorecard coaches score calls with (``belcoach qa``, the report, replay, batch).

    Attributes:
        card: a card file (TOML, like ``seeds/qa/nl.toml``) used instead of the
            packaged card for its language; empty = the packaged card. A card
            with errors is reported (file:line) and the packaged card is used.
    """

    card: str = ""


@dataclass(frozen=True, slots=True)
class EmotionSettings:
    """What the customer's estimated feeling may rest on.

    Attributes:
        voice: let the customer's voice (pitch, loudness, rate, an optional
            acoustic model) join the words. Off = the feeling comes from the
            customer's words alone and no voice feature is computed or stored
            (IT can lock it off; see docs/it.md). The agent's own voice is never
            used, whatever this says.
    """

    voice: bool = True


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings. ``analysis`` holds per-analyser tables validated by the analysers."""

    schema_version: int = SCHEMA_VERSION
    call: CallSettings = field(default_factory=CallSettings)
    agent: AgentSettings = field(default_factory=AgentSettings)
    company: CompanySettings = field(default_factory=CompanySettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    recording: RecordingSettings = field(default_factory=RecordingSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    ui: UiSettings = field(default_factory=UiSettings)
    qa: QaSettings = field(default_factory=QaSettings)
    emotion: EmotionSettings = field(default_factory=EmotionSettings)
    analysis: dict[str, Any] = field(default_factory=dict)

    def analysis_for_call(self) -> dict[str, Any]:
        """The ``[analysis]`` table a call runs with: the names suggestions use added to its rules.

        ``agent.name`` and ``company.name`` become ``rules.agent_name`` and
        ``rules.company_name`` (see ``belcoach.audio.analysis.phrases.analyser.RulesConfig``).
        ``emotion.voice`` off forces ``emotion.use_voice`` off in the table
        (``belcoach.audio.analysis.emotion.EmotionConfig``), so no voice feature of the
        customer is computed, whatever the table says. The analysers get plain values and
        never read settings themselves.
        """
        table = {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.analysis.items()}
        rules = dict(table.get("rules") or {})
        if self.agent.name.strip():
            rules["agent_name"] = self.agent.name.strip()
        if self.company.name.strip():
            rules["company_name"] = self.company.name.strip()
        if rules:
            table["rules"] = rules
        if not self.emotion.voice:
            emotion = dict(table.get("emotion") or {})
            emotion["use_voice"] = False
            table["emotion"] = emotion
        return table

"""The phrase analyser: coaching rules on the agent's committed words, as ``PhraseHit`` events.

It reacts to committed transcripts only (``Transcript.final``): interim words
may still change, and a coaching hint that disappears again would confuse the
agent. Matching an utterance takes about a millisecond (``benchmarks/rules.py``),
so a hit is published right after the words are committed, in the same bus
delivery. Each rule is flagged at most once per utterance.

Settings (``[analysis.rules]``, laid over ``RulesConfig``): coach and IT rule
files, disabled rule ids, fuzzy matching, the time windows of the
call-context rules (see ``belcoach.audio.analysis.phrases.context``) and the word
probability a card's words need (``belcoach.audio.analysis.phrases.gate``). Problems in rule
files are logged and published once as ``EngineStatus`` warnings
(code ``rules_invalid``); the rules that are fine keep working.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from belcoach.audio.analysis.phrases.agreement import AgreementCheck
from belcoach.audio.analysis.phrases.context import CallMemory, NameBook, OpenSummary
from belcoach.audio.analysis.phrases.gate import Basis, WordGate
from belcoach.audio.analysis.phrases.matcher import Finding, PhraseMatcher, Span
from belcoach.audio.analysis.phrases.tokens import Similarity, Token
from belcoach.audio.analysis.phrases.words_model import (
    PhraseWordsModel,
    learnable,
    load_phrase_model,
)
from belcoach.audio.engine.analysers import BaseAnalyser
from belcoach.audio.engine.blocks import AudioBlock
from belcoach.audio.engine.vad import VadFrames
from belcoach.audio.events import Channel, Event, PhraseHit, Transcript, Word
from belcoach.audio.status import EngineStatus, StatusCode, StatusLevel
from belcoach.core.errors import ConfigError
from belcoach.core.overrides import apply_overrides
from belcoach.seeds.loader import RuleBook, load_rules
from belcoach.seeds.patterns import Variant
from belcoach.seeds.placeholders import CallNames, fill
from belcoach.seeds.rule_schema import Rule

log = logging.getLogger(__name__)

MAX_STATUS_PROBLEMS = 5
"""Rule-file problems published as status events; more are only logged."""


@dataclass(frozen=True, slots=True)
class RulesConfig:
    """Settings of the phrase rules, the ``[analysis.rules]`` table.

    Attributes:
        enabled: run the phrase rules at all.
        extra_files: coach / IT rule files laid over the packaged pack, in
            order (a later file's rule replaces an earlier one with the same id).
        disabled: rule ids switched off (``"nl.welkom-bij"``).
        fuzzy: tolerate transcription errors; off = exact words only.
        opening_seconds: how long after the agent first speaks the call's
            opening lasts (rules with ``when = "opening"``).
        summary_seconds: how long after a summary starts its words are
            collected for the what/when/who check.
        name_intro_seconds: introductions ("met Anouk Jansen") count only
            this early in the call, so "een contract met Zorg Noord" later
            on is not taken for a name.
        agent_name: the agent's name for suggestions (setting ``agent.name``;
            empty = the name the agent introduces themselves with, if any).
        company_name: the company's name for suggestions (setting ``company.name``).
        min_word_probability: a match raises a card only when Whisper was at
            least this sure of the words that carry it (``phrase_gate``);
            0 switches the gate off. Chosen on real Dutch speech
            (``benchmarks/real_cards.py``, dev part): mean >= 0.6.
        word_probability_basis: ``"mean"`` of those words (the default) or ``"min"``
            (each of them).
        single_word_neighbours: a match carried by one word is judged with
            this many words on each side of it as well.
        single_word_agreement: a match carried by one heard pronoun ("je")
            raises a card only when grammar confirms the second person ("heb
            je", "als je", "je hebt"; not "je hebben", Whisper's "je" for
            "ze"); ``belcoach.audio.analysis.phrases.agreement``.
        words_model: also raise the cards the learnt words model reads in an utterance
            when no pattern matched them (``belcoach.audio.analysis.phrases.words_model``).
    """

    enabled: bool = True
    extra_files: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    fuzzy: bool = True
    opening_seconds: float = 45.0
    summary_seconds: float = 20.0
    name_intro_seconds: float = 60.0
    agent_name: str = ""
    company_name: str = ""
    min_word_probability: float = 0.6
    word_probability_basis: Basis = "mean"
    single_word_neighbours: int = 1
    single_word_agreement: bool = True
    words_model: bool = True


def rules_config(settings: Mapping[str, Any] | None, *, origin: str = "") -> RulesConfig:
    """``RulesConfig`` with the ``rules`` table of the analysis settings laid over it.

    Raises:
        ConfigError: an unknown key, a value of the wrong type or out of range.
    """
    config = apply_overrides(RulesConfig(), settings or {}, origin=origin, prefix="analysis.rules")
    where = f"{origin}: " if origin else ""
    if not 0.0 <= config.min_word_probability <= 1.0:
        raise ConfigError(
            f"{where}setting 'analysis.rules.min_word_probability' must be in 0..1, "
            f"not {config.min_word_probability}"
        )
    if config.single_word_neighbours < 0:
        raise ConfigError(f"{where}setting 'analysis.rules.single_word_neighbours' must be >= 0")
    return config


class PhraseAnalyser(BaseAnalyser):
    """Turns committed agent words into ``PhraseHit`` events; see the module docstring.

    Args:
        language: the call's language.
        config: the settings.
        book: rules to use instead of loading them (tests, ``belcoach rules test``).
    """

    def __init__(
        self, language: str, config: RulesConfig | None = None, *, book: RuleBook | None = None
    ) -> None:
        self.config = config or RulesConfig()
        self.book = book or load_rules(
            language, extra_files=self.config.extra_files, disabled=self.config.disabled
        )
        self.matcher = PhraseMatcher(self.book, fuzzy=self.config.fuzzy)
        self.names = NameBook(self.book.names, self.matcher)
        self.memory = CallMemory()
        cfg = self.config
        self.gate = WordGate(
            cfg.min_word_probability, cfg.word_probability_basis, cfg.single_word_neighbours
        )
        self.agreement = AgreementCheck.for_language(
            self.book.language, enabled=cfg.single_word_agreement
        )
        self.words_model: PhraseWordsModel | None = (
            load_phrase_model(self.book.language) if cfg.words_model else None
        )
        self._checks = {r.after: r for r in self.book.rules if r.kind == "summary_check"}
        self._agent_rules = [r for r in self.book.rules if r.channel == "agent"]
        self._customer_rules = [r for r in self.book.rules if r.channel == "customer"]
        self._status_due = bool(self.book.problems)

    # -- analyser hooks --------------------------------------------------

    def on_frames(self, block: AudioBlock, frames: Mapping[Channel, VadFrames]) -> list[Event]:
        """Publish rule-file problems once, with the first block of the call.

        Only here, on the engine thread: ``on_event`` runs on the publishing
        thread, so sharing the once-flag between the two could race.
        """
        return self._status(block.t)

    def on_event(self, event: Event) -> list[Event]:
        """Match committed transcripts; everything else is ignored."""
        out: list[Event] = []
        if isinstance(event, Transcript) and event.final and event.words:
            if event.channel == Channel.AGENT:
                out += self.agent_words(event.words, utterance=event.utterance)
            elif event.channel == Channel.CUSTOMER:
                out += self.customer_words(event.words)
        return out

    def finish(self, t_end: float) -> list[Event]:
        """Close a summary still being collected."""
        return self._close_summary()

    # -- the work ----------------------------------------------------------

    def agent_words(self, words: Sequence[Word], *, utterance: int = 0) -> list[Event]:
        """Coach one committed agent utterance; returns its phrase hits."""
        t = words[0].start
        out: list[Event] = []
        memory = self.memory
        if memory.first_agent_t is None:
            memory.first_agent_t = t
        summary = memory.summary
        if summary is not None and t > summary.t + self.config.summary_seconds:
            out += self._close_summary()
        tokens, sim = self.matcher.tokens(words)
        if t - memory.first_agent_t <= self.config.name_intro_seconds:
            self.names.learn(tokens, sim, customer_side=False)
        if memory.summary is not None:
            self._collect_summary(memory.summary, tokens, sim, 0, words)
        active = [r for r in self._agent_rules if self._active(r, t)]
        findings = self.matcher.find(
            tokens, sim, [r for r in active if r.kind in ("phrase", "summary")]
        )
        found = [f for f in findings if f.cancelled_by is None]
        found += self._model_findings(tokens, sim, active, findings)
        name_rule = next((r for r in active if r.kind == "name"), None)
        if name_rule is not None:
            span = self.names.used(tokens)
            if span is not None:
                found.append(Finding(name_rule, span, "customer's name"))
        found = _drop_silenced_here(found)
        for finding in sorted(found, key=lambda f: f.span.start):
            rule = finding.rule
            if not rule.silent and not (
                self.gate.passes(finding.span, tokens, words)
                and self.agreement.confirms(finding.span, tokens, words)
            ):
                # A card must not hang on words Whisper was unsure of, nor on a lone
                # pronoun its verb contradicts. The rule is not used up (a sure match
                # later still counts), but it silences others as if heard: fewer
                # cards is the safe side of a doubt.
                memory.unsure.add(rule.id)
                continue
            memory.count(rule.id)
            if rule.kind == "summary":
                self._open_summary(rule, finding.span, tokens, sim, words, utterance)
            hit = hit_event(finding, tokens, words, utterance)
            if rule.kind == "name":
                self.names.addressed = hit.said
            if not rule.silent:
                out.append(replace(hit, suggestions=self._filled(rule.suggestions)))
        return out

    def _model_findings(
        self,
        tokens: list[Token],
        sim: Similarity,
        active: Sequence[Rule],
        findings: Sequence[Finding],
    ) -> list[Finding]:
        """Findings of the learnt words model for active rules it may read that no pattern matched.

        A rule whose pattern matched (even one its exception cancelled) is the patterns'
        call; an exception found anywhere in the utterance cancels the model's reading.
        """
        model = self.words_model
        if model is None or not tokens:
            return []
        said = model.said(tokens)
        if not said:
            return []
        matched = {f.rule.id for f in findings}
        out = []
        for rule in active:
            if not learnable(rule) or rule.id in matched or rule.id not in said:
                continue
            if rule.exception_variants and self.matcher.find_variants(
                rule.exception_variants, tokens, sim
            ):
                continue
            probability, (start, stop) = said[rule.id]
            span = Span(start, stop, Variant(()), 0)
            out.append(Finding(rule, span, f"learnt words model, p {probability:.2f}"))
        return out

    def call_names(self) -> CallNames:
        """The names suggestions are filled with: settings first, then what the call taught."""
        agent = self.config.agent_name or (self.names.agent[-1].full if self.names.agent else "")
        return CallNames(
            agent=agent, company=self.config.company_name, customer=self.names.address()
        )

    def _filled(self, suggestions: Sequence[str]) -> tuple[str, ...]:
        names = self.call_names()
        return tuple(fill(s, names, self.book.language) for s in suggestions)

    def customer_words(self, words: Sequence[Word]) -> list[Event]:
        """Learn from one committed customer utterance (name, silent rules); close a summary."""
        out: list[Event] = []
        tokens, sim = self.matcher.tokens(words)
        summary = self.memory.summary
        if summary is not None and len(tokens) >= 3 and words[0].start > summary.words_end:
            out += self._close_summary()
        if words[0].start <= self.config.name_intro_seconds:
            self.names.learn(tokens, sim, customer_side=True)
        t = words[0].start
        rules = [r for r in self._customer_rules if self._active(r, t)]
        for finding in self.matcher.find(tokens, sim, rules):
            if finding.cancelled_by is None:
                self.memory.count(finding.rule.id)
        return out

    def _active(self, rule: Rule, t: float) -> bool:
        memory = self.memory
        if rule.when == "opening":
            start = memory.first_agent_t if rule.channel == "agent" else 0.0
            if start is None or t - start > self.config.opening_seconds:
                return False
        if any(memory.seen(ref) for ref in rule.not_after):
            return False
        return not (rule.max_per_call and memory.counts.get(rule.id, 0) >= rule.max_per_call)

    def _open_summary(
        self,
        rule: Rule,
        span: Span,
        tokens: list[Token],
        sim: Similarity,
        words: Sequence[Word],
        utterance: int,
    ) -> None:
        check = self._checks.get(rule.id)
        if check is None or self.memory.summary is not None:
            return
        summary = OpenSummary(check, words[0].start, utterance, words[-1].end)
        self.memory.summary = summary
        self._collect_summary(summary, tokens, sim, span.stop, words)

    def _collect_summary(
        self,
        summary: OpenSummary,
        tokens: list[Token],
        sim: Similarity,
        after: int,
        words: Sequence[Word],
    ) -> None:
        rest = tokens[after:]
        if not rest:
            return
        rest_sim = sim if after == 0 else self.matcher.core.similarity(rest)
        for part in summary.rule.parts:
            if part.name not in summary.parts and self.matcher.find_variants(
                part.variants, rest, rest_sim
            ):
                summary.parts.add(part.name)
        first_word = rest[0].word
        summary.said.append(" ".join(w.text for w in words[first_word:]))
        summary.words_end = max(summary.words_end, words[-1].end)

    def _close_summary(self) -> list[Event]:
        summary = self.memory.summary
        self.memory.summary = None
        if summary is None or not summary.missing:
            return []
        rule = summary.rule
        suggestions = self._filled([p.suggestion for p in rule.parts if p.name in summary.missing])
        return [
            PhraseHit(
                summary.t,
                Channel.AGENT,
                rule_id=rule.id,
                category=rule.category,
                polarity=rule.polarity,
                severity=rule.severity,
                said=" ".join(summary.said)[:300],
                suggestions=suggestions,
                why=rule.why,
                source=rule.source,
                utterance=summary.utterance,
                end=summary.words_end,
            )
        ]

    def _status(self, t: float) -> list[Event]:
        if not self._status_due:
            return []
        self._status_due = False
        problems = self.book.problems
        shown = [
            EngineStatus(
                t,
                None,
                level=StatusLevel.WARNING,
                code=StatusCode.RULES_INVALID,
                message=f"Coaching rule problem (other rules keep working): {p}",
            )
            for p in problems[:MAX_STATUS_PROBLEMS]
        ]
        if len(problems) > MAX_STATUS_PROBLEMS:
            log.warning("%d more rule problems not shown", len(problems) - MAX_STATUS_PROBLEMS)
        return list(shown)


def _drop_silenced_here(found: list[Finding]) -> list[Finding]:
    """Apply ``not_after`` inside one utterance: a rule matched earlier in it silences."""
    starts = {f.rule.id: f.span.start for f in found}
    return [
        f
        for f in found
        if not any(ref in starts and starts[ref] < f.span.start for ref in f.rule.not_after)
    ]


def hit_event(
    finding: Finding, tokens: Sequence[Token], words: Sequence[Word], utterance: int
) -> PhraseHit:
    """The ``PhraseHit`` for a finding: its words, times and the rule's advice."""
    rule = finding.rule
    first = tokens[finding.span.start].word
    last = tokens[finding.span.stop - 1].word
    matched = tuple(words[first : last + 1])
    said = " ".join(w.text.strip() for w in matched).strip(" ,.;:!?…")
    return PhraseHit(
        matched[0].start,
        Channel.AGENT,
        rule_id=rule.id,
        category=rule.category,
        polarity=rule.polarity,
        severity=rule.severity,
        words=matched,
        said=said,
        suggestions=rule.suggestions,
        why=rule.why,
        source=rule.source,
        utterance=utterance,
        end=matched[-1].end,
    )

"""Whisper's hallucinations: text it writes that nobody said, removed before anyone reads it.

Whisper learnt from subtitled video. On silence, music, noise or a very short
utterance it writes what closed those videos: subtitle credits ("Ondertiteling
door TV Gelderland", "Textning: ...", "Subtitles by the Amara.org
community"), thanks for watching, sound tags ("[muziek]", "(applaus)"), or a
bare "MUZIEK." for a one-second "Moet je zien!" (seen here on real Dutch
speech). Left in, such text would raise phrase cards and move the emotion
estimate on words the caller never said.

``HallucinationFilter.clean`` decides, per utterance, from Whisper's own
figures and the text:

- a whole **segment** goes when it is a repetition loop (compression ratio
  over ``compression_ratio``) or when Whisper itself says there was no speech
  (no-speech probability over ``no_speech_prob`` *and* average log-probability
  under ``log_prob``, faster-whisper's own rule);
- the **end** of the utterance goes, one piece at a time from the back, while
  it is a phrase of the language's list (``seeds/hallucinations/<lang>.toml``)
  or a sound tag (only bracketed words or music symbols). A ``never_said``
  phrase goes on sight; a ``could_be_said`` phrase ("bedankt voor het
  luisteren", "dank je wel") only when Whisper's figures say it heard little:
  its words' mean probability under ``doubt_word_probability``, its segment's
  no-speech probability over ``doubt_no_speech_prob``, or more syllables in
  the utterance than ``max_syllables_per_second`` allows for its duration.
  A piece never spans a sentence end ("Ondertiteling? Nee, dat heb ik
  niet." stays). A phrase of one or two words must be a whole sentence
  (after ``.``, ``?``, ``!`` or at a segment start); a longer one may also
  end a sentence ("ja dat klopt bedankt voor het kijken").

What was dropped never reaches a ``Transcript`` event, so the overlay, the
phrase rules and the emotion estimate never see it. The log says only why and
how long (words, characters): the log must never hold what was said.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from belcoach.audio.events import Word
from belcoach.audio.words import ends_sentence, load_syllable_rules, word_syllables
from belcoach.seeds.hallucination_phrases import (
    HallucinationPhrase,
    HallucinationPhrases,
    load_hallucination_phrases,
)
from belcoach.seeds.patterns import normalise_words

log = logging.getLogger(__name__)

_SOUND_TAG = re.compile(r"^\W*([\[(*♪♫]).*([\])*♪♫])\W*$", re.DOTALL)
"""Text wholly inside brackets, asterisks or music notes: "[MUZIEK]", "(applaus)", "♪ ... ♪"."""


@dataclass(frozen=True, slots=True)
class HeardSegment:
    """One segment of Whisper's output for an utterance, as plain values.

    Attributes:
        text: the segment's text.
        words: its words, times relative to the utterance's audio.
        no_speech_prob: Whisper's probability that the window held no speech.
        avg_logprob: average log-probability of the segment's tokens.
        compression_ratio: gzip compression ratio of the text (high = repetition).
    """

    text: str
    words: tuple[Word, ...]
    no_speech_prob: float | None = None
    avg_logprob: float | None = None
    compression_ratio: float | None = None


@dataclass(frozen=True, slots=True)
class HallucinationConfig:
    """When Whisper's figures say a stretch of text was not heard.

    Attributes:
        compression_ratio: a segment compressing better than this is a repetition loop.
        no_speech_prob: with ``log_prob``: a segment Whisper itself says held no speech.
        log_prob: see ``no_speech_prob``.
        doubt_word_probability: a ``could_be_said`` phrase whose words' mean
            probability is under this was not heard.
        doubt_no_speech_prob: ... nor one whose segment's no-speech probability is over this.
        max_syllables_per_second: ... nor one in an utterance with more syllables than
            this rate allows for its duration (fast Dutch speech is ~7 per second).
    """

    compression_ratio: float = 2.4
    no_speech_prob: float = 0.6
    log_prob: float = -1.0
    doubt_word_probability: float = 0.5
    doubt_no_speech_prob: float = 0.3
    max_syllables_per_second: float = 9.0


@dataclass(frozen=True, slots=True)
class Dropped:
    """One piece of an utterance the filter removed (never its text).

    Attributes:
        reason: ``repetition``, ``no_speech``, ``sound_tag``, ``never_said`` or ``doubtful``
            (a ``could_be_said`` phrase Whisper's figures put in doubt).
        words: how many words it had.
        characters: how many characters.
    """

    reason: str
    words: int
    characters: int


@dataclass(frozen=True, slots=True)
class Cleaned:
    """An utterance's words after the filter.

    Attributes:
        words: the words kept, in order.
        dropped: what was removed, in the order it was found.
    """

    words: tuple[Word, ...]
    dropped: tuple[Dropped, ...] = ()

    @property
    def whole(self) -> bool:
        """True when the filter removed everything Whisper wrote."""
        return bool(self.dropped) and not self.words


@dataclass(slots=True)
class _Heard:
    """A kept word with what the tail search needs to know about it."""

    word: Word
    tokens: list[str]
    sentence_start: bool
    no_speech_prob: float


@dataclass
class HallucinationFilter:
    """Removes hallucinated text from one utterance's segments; see the module docstring.

    Only the ASR thread calls ``clean``; ``utterances`` and ``tails`` count what it dropped.

    Args:
        phrases: the language's phrase lists.
        config: the thresholds.
    """

    phrases: HallucinationPhrases
    config: HallucinationConfig = field(default_factory=HallucinationConfig)
    utterances: int = 0
    tails: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @classmethod
    def for_language(
        cls, language: str, *, compression_ratio_threshold: float = 2.4
    ) -> HallucinationFilter:
        """The filter with the packaged phrases of ``language``."""
        load_syllable_rules(language)  # before the first utterance, not inside it
        return cls(
            load_hallucination_phrases(language),
            HallucinationConfig(compression_ratio=compression_ratio_threshold),
        )

    def clean(self, segments: Sequence[HeardSegment], duration: float) -> Cleaned:
        """Drop hallucinated segments and a hallucinated end from one utterance.

        Args:
            segments: Whisper's segments for the utterance, in order.
            duration: the utterance's audio length in seconds.
        """
        dropped: list[Dropped] = []
        heard: list[_Heard] = []
        for seg in segments:
            reason = self._segment_reason(seg)
            if reason is not None:
                if seg.words:
                    dropped.append(_dropped(reason, seg.words))
                continue
            for k, w in enumerate(seg.words):
                opens = k == 0 or ends_sentence(seg.words[k - 1].text)
                heard.append(_Heard(w, normalise_words(w.text), opens, seg.no_speech_prob or 0.0))
        rate = self._syllable_rate(heard, duration)
        end = len(heard)
        tail: list[Dropped] = []
        while end > 0:
            found = self._tail(heard, end, rate)
            if found is None:
                break
            start, reason = found
            tail.append(_dropped(reason, [h.word for h in heard[start:end]]))
            end = start
        dropped += reversed(tail)
        cleaned = Cleaned(tuple(h.word for h in heard[:end]), tuple(dropped))
        self._count(cleaned)
        return cleaned

    def _segment_reason(self, seg: HeardSegment) -> str | None:
        cfg = self.config
        if seg.compression_ratio is not None and seg.compression_ratio > cfg.compression_ratio:
            return "repetition"
        if (
            seg.no_speech_prob is not None
            and seg.avg_logprob is not None
            and seg.no_speech_prob > cfg.no_speech_prob
            and seg.avg_logprob < cfg.log_prob
        ):
            return "no_speech"
        return None

    def _tail(self, heard: list[_Heard], end: int, rate: float) -> tuple[int, str] | None:
        """The longest hallucinated piece ending at ``end``: (its start, why), or None."""
        # a piece is at most one sentence: "Ondertiteling? Nee, dat heb ik niet." stays
        first = max((k + 1 for k in range(end - 1) if heard[k + 1].sentence_start), default=0)
        for start in range(first, end):
            piece = heard[start:end]
            reason = self._piece_reason(piece, rate)
            if reason is not None:
                return start, reason
        return None

    def _piece_reason(self, piece: list[_Heard], rate: float) -> str | None:
        tokens = [t for h in piece for t in h.tokens]
        at_sentence_start = piece[0].sentence_start
        if at_sentence_start and (
            not tokens or _SOUND_TAG.match(" ".join(h.word.text for h in piece))
        ):
            return "sound_tag"
        for phrase in self.phrases.phrases:
            if not _fits(phrase, tokens) or (len(phrase.words) < 3 and not at_sentence_start):
                continue
            if not phrase.could_be_said:
                return "never_said"
            if self._doubtful(piece, rate):
                return "doubtful"
        return None

    def _doubtful(self, piece: list[_Heard], rate: float) -> bool:
        cfg = self.config
        mean_p = sum(h.word.probability for h in piece) / len(piece)
        return (
            mean_p < cfg.doubt_word_probability
            or max(h.no_speech_prob for h in piece) > cfg.doubt_no_speech_prob
            or rate > cfg.max_syllables_per_second
        )

    def _syllable_rate(self, heard: list[_Heard], duration: float) -> float:
        if not heard or duration <= 0:
            return 0.0
        language = self.phrases.language
        return sum(word_syllables(h.word.text, language) for h in heard) / duration

    def _count(self, cleaned: Cleaned) -> None:
        if not cleaned.dropped:
            return
        if cleaned.whole:
            self.utterances += 1
        else:
            self.tails += 1
        for d in cleaned.dropped:
            self.reasons[d.reason] += 1
            # Never the text itself: the log file must not hold what was said.
            log.info(
                "dropped a likely hallucination (%s, %d words, %d characters)%s",
                d.reason,
                d.words,
                d.characters,
                " - the whole utterance" if cleaned.whole else "",
            )


def _fits(phrase: HallucinationPhrase, tokens: list[str]) -> bool:
    n = len(phrase.words)
    if phrase.prefix:
        return tuple(tokens[:n]) == phrase.words
    return tuple(tokens) == phrase.words


def _dropped(reason: str, words: Sequence[Word]) -> Dropped:
    return Dropped(reason, len(words), len(" ".join(w.text for w in words)))

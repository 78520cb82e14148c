"""Counting syllables two ways: nuclei in the audio, and syllables of written words.

Acoustic (available at once, before any words exist): in the spirit of de
Jong & Wempe (2009, "Praat script to detect syllable nuclei and measure speech
rate automatically", Behavior Research Methods 41(2)), a syllable nucleus is
an intensity peak of the voiced vowel band that stands out from the dips on
both sides by a few dB, is not far below the speaker's level, and is voiced.
Written here for streaming: a peak is confirmed as soon as the level has
fallen ``dip`` dB after it, so no look-ahead window is needed.

Words (later, from committed transcripts): `belcoach.audio.words`.
"""

from __future__ import annotations

import numpy as np

from belcoach.audio.analysis.speech.channel_track import FLOOR_DB, HOP_SECONDS, Hops
from belcoach.audio.analysis.speech.config import AcousticConfig

_FRAME_CENTRE = 0.016
"""The spectral frame of a hop is centred 16 ms before the hop's end."""


class NucleusDetector:
    """Streams hop features and returns the times of syllable nuclei as they are confirmed."""

    def __init__(self, config: AcousticConfig) -> None:
        self.config = config
        self._rising = True
        self._peak_v = FLOOR_DB
        self._peak_t = 0.0
        self._peak_voicing = 0.0
        self._trough_v = FLOOR_DB
        self._last_t = -1.0
        self._levels: list[float] = []
        self._recent: list[float] = []
        self.level = -25.0

    def feed(self, hops: Hops, onset: float) -> list[float]:
        """Consume hops; return audio-clock times of nuclei confirmed in them."""
        cfg = self.config
        found: list[float] = []
        speech = hops.band_db[hops.prob >= onset]
        if len(speech):
            self._levels.extend(speech.tolist())
            del self._levels[: max(0, len(self._levels) - int(20.0 / HOP_SECONDS))]
            if len(self._levels) >= 25:
                self.level = float(np.percentile(self._levels, 95))
        k = max(1, cfg.nucleus_smooth)
        delay = (k - 1) / 2 * HOP_SECONDS
        for i in range(len(hops)):
            # A causal moving average over k hops (in power): one vowel with a
            # wobbling level must not give two peaks; its delay is taken off t.
            self._recent.append(10 ** (float(hops.band_db[i]) / 10))
            del self._recent[:-k]
            v = 10 * float(np.log10(sum(self._recent) / len(self._recent) + 1e-12))
            t = float(hops.t[i]) + HOP_SECONDS - _FRAME_CENTRE - delay
            if self._rising:
                if v > self._peak_v:
                    self._peak_v, self._peak_t = v, t
                    self._peak_voicing = float(hops.voicing[i])
                elif v <= self._peak_v - cfg.nucleus_dip_db:
                    if self._accept():
                        found.append(self._peak_t)
                        self._last_t = self._peak_t
                    self._rising = False
                    self._trough_v = v
            else:
                if v < self._trough_v:
                    self._trough_v = v
                elif v >= self._trough_v + cfg.nucleus_dip_db:
                    self._rising = True
                    self._peak_v, self._peak_t = v, t
                    self._peak_voicing = float(hops.voicing[i])
        return found

    def _accept(self) -> bool:
        cfg = self.config
        return (
            self._peak_v >= self.level - cfg.nucleus_below_db
            and self._peak_voicing >= cfg.nucleus_voicing
            and self._peak_t - self._last_t >= cfg.nucleus_min_gap
        )

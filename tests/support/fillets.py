"""Real human Dutch speech with its text, from the Fish Fillets NG game data in Debian.

espeak-ng calls are fine for timing but say nothing about how well Whisper hears
people (see MEASURED.md). The Dutch dub of Fish Fillets NG is real, voice-acted
speech that installs offline from Debian. There are about 1,600 clips, roughly
95 minutes, with a median of 3.3 s. Their Dutch text sits in the game's Lua
dialog files:

- audio: package ``fillets-ng-data-nl``,
  ``/usr/share/games/fillets-ng/sound/<level>/nl/<dialog-id>.ogg``
  (shared dialogs are under ``sound/share/<group>/nl/``);
- text: package ``fillets-ng-data``,
  ``/usr/share/games/fillets-ng/script/<level>/[<prefix>_]dialogs_nl.lua``. Each
  entry is ``dialogId("<dialog-id>", "<font>", "<English>")`` followed by
  ``dialogStr("<Dutch>")``.

The game finds a clip the same way (``script/share/level_dialog.lua``): the
sound is ``<sound prefix><lang>/<dialog-id>.ogg``. The prefix is
``sound/<level>/``, unless a ``dialogLoad("script/share/<p>_", "sound/share/<g>/")``
call names another one. This module reads those calls from the scripts, so
it does not hard-code them. Of the 1,616 Dutch ``.ogg`` files, 1,615 map to a
text this way. The odd one out, ``barrel/nl/bar_v_fotka.ogg``, is an orphan
take next to the ``bar-v-fotka.ogg`` the game plays. Dialog ids repeat across
levels (``rand-0-0`` ...), so a clip is identified by its path, not its id.
The font names the character who speaks: ``font_small``/``font_big`` are the
two fish, and every voiced clip belongs to one of them.

Licence: the game data is GPL-2 (Debian's copyright files). Never copy it into
this repository. Tests and CI install it with ``apt-get install
fillets-ng-data-nl fillets-ng-data`` in set-up, and tests that need it call
`require_fillets`, which skips them when it is absent. The speech is acted game
dialogue, not telephone speech, and carries no emotion labels.

Usable without pytest (benchmarks import it): pytest is imported only inside
`require_fillets`.
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import soundfile as sf

DEFAULT_ROOT = Path("/usr/share/games/fillets-ng")
ROOT_ENV = "BELCOACH_FILLETS_ROOT"
"""Point this at another install of the game data (e.g. unpacked .debs)."""

INSTALL_HINT = "install Debian fillets-ng-data-nl and fillets-ng-data"

_LUA_STRING = r'"((?:[^"\\]|\\.)*)"'
_DIALOG = re.compile(
    r"dialogId\(\s*"
    + _LUA_STRING
    + r"\s*,\s*"
    + _LUA_STRING
    + r"\s*,\s*"
    + _LUA_STRING
    + r"\s*\)\s*dialogStr\(\s*"
    + _LUA_STRING
    + r"\s*\)",
    re.DOTALL,
)
"""One dialog: id, font, English default, Dutch text; a dialogId without dialogStr is skipped."""

_SHARE_LOAD = re.compile(
    r'dialogLoad\(\s*"script/share/(\w+)_"\s*,\s*"sound/share/([\w/]+?)/?"\s*\)'
)
_LUA_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_LUA_ESCAPES = {"n": " ", "t": " ", "r": " "}

SPEAKERS = {"font_small": "small_fish", "font_big": "big_fish"}

# fmt: off
INTERJECTIONS = frozenset({
    "au", "auw", "ai", "aha", "hm", "hmm", "bah", "oeps", "woeps", "o", "oh", "he", "hee",
    "gatver", "grmbl", "brr", "pff", "tja",
})
# fmt: on
"""Words that are sounds rather than words: a clip of only these is not speech to test ASR on."""

_MARKUP = re.compile(r"[<>\[\]{}*|#\\_]")
_ELONGATED = re.compile(r"(\w)\1\1", re.IGNORECASE)
"""A letter three times in a row ("heeeeel", "Ssssst", "Aaarggg"): spelled sound, not a word."""


@dataclass(frozen=True)
class Clip:
    """One voice-acted line and what it says.

    Attributes:
        path: The ``.ogg`` file: Vorbis, 22.05 kHz, *stereo* with channels that
            differ (a studio effect). Average the channels for ASR. Decoded
            peaks can pass 1.0 slightly.
        text: The Dutch subtitle; the actors mostly follow it word for word.
        duration: Length of the file in seconds (includes the clip's own padding).
        speaker: Who speaks: ``"small_fish"`` or ``"big_fish"`` (from the subtitle
            font), another character's font name, or None if the font is empty.
        dialog_id: The game's id of the line (the file's stem).
    """

    path: Path
    text: str
    duration: float
    speaker: str | None
    dialog_id: str = ""


def fillets_root() -> Path:
    """Return where the game data is expected (``$BELCOACH_FILLETS_ROOT`` or Debian's path)."""
    return Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT)


def fillets_available(root: Path | None = None) -> bool:
    """True when both the Dutch sounds and the Dutch dialog scripts are installed."""
    base = root or fillets_root()
    has_text = next(base.glob("script/*/*dialogs_nl.lua"), None) is not None
    has_sound = next(base.glob("sound/*/nl/*.ogg"), None) is not None
    return has_text and has_sound


def require_fillets(root: Path | None = None) -> Path:
    """Skip the calling test unless the Fish Fillets Dutch data is installed.

    Returns:
        The data root, for tests that want to look inside it.
    """
    base = root or fillets_root()
    if not fillets_available(base):
        import pytest  # only here: benchmarks use this module without pytest

        pytest.skip(f"no Dutch Fish Fillets speech under {base}: {INSTALL_HINT}")
    return base


def is_speech_text(text: str) -> bool:
    """Whether a subtitle is words a recogniser could write down.

    Rejects empty text, markup, interjection-only lines ("Au.", "Grmbl...") and
    spelled-out sounds ("Ssssst!", "heeeeeeel"), which would count as ASR errors
    no matter what the recogniser heard.
    """
    if not re.search(r"[^\W\d_]", text) or _MARKUP.search(text) or _ELONGATED.search(text):
        return False
    words = re.findall(r"[^\W\d_]+", text.lower())
    return not all(word in INTERJECTIONS for word in words)


def _unescape(lua: str) -> str:
    """Turn a Lua string body into text, with whitespace collapsed onto one line."""
    text = _LUA_ESCAPE.sub(lambda m: _LUA_ESCAPES.get(m.group(1), m.group(1)), lua)
    return " ".join(text.split())


def _share_sound_dirs(root: Path) -> dict[str, Path]:
    """Map ``script/share/<prefix>_dialogs_*.lua`` prefixes to their sound directories."""
    found: dict[str, Path] = {}
    for script in sorted((root / "script").rglob("*.lua")):
        for match in _SHARE_LOAD.finditer(script.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(match.group(1), root / "sound" / "share" / match.group(2))
    return found


def _sound_dir(root: Path, lua: Path, share_dirs: dict[str, Path]) -> Path | None:
    """Where the Dutch clips of one dialog file live, as the game's dialogLoad computes it."""
    level = lua.parent.name
    if level != "share":
        return root / "sound" / level / "nl"
    prefix = lua.name.removesuffix("dialogs_nl.lua").rstrip("_")
    group = share_dirs.get(prefix)
    return group / "nl" if group else None


@cache
def all_clips(root: Path | None = None) -> tuple[Clip, ...]:
    """Every Dutch clip that has a Dutch text, sorted by path, unfiltered.

    Reads the headers of ~1,600 files (well under a second) once per process.
    """
    base = root or fillets_root()
    share_dirs = _share_sound_dirs(base)
    clips: dict[Path, Clip] = {}
    for lua in sorted(base.glob("script/*/*dialogs_nl.lua")):
        directory = _sound_dir(base, lua, share_dirs)
        if directory is None:
            continue
        for match in _DIALOG.finditer(lua.read_text(encoding="utf-8", errors="replace")):
            dialog_id, font, _english, dutch = match.groups()
            path = directory / f"{dialog_id}.ogg"
            text = _unescape(dutch)
            if path in clips or not text or not path.is_file():
                continue
            clips[path] = Clip(
                path=path,
                text=text,
                duration=sf.info(str(path)).duration,
                speaker=SPEAKERS.get(font, font.removeprefix("font_") or None),
                dialog_id=dialog_id,
            )
    return tuple(clips[p] for p in sorted(clips))


def fillets_clips(
    limit: int | None = None,
    *,
    seed: int = 0,
    min_seconds: float = 1.0,
    root: Path | None = None,
) -> list[Clip]:
    """A deterministic sample of speech clips with their text.

    Args:
        limit: How many clips; None for all that pass the filters.
        seed: Seed of the sample, so a benchmark compares like with like across runs.
        min_seconds: Skip shorter files (two files are empty, 0 s).
        root: The game data root; default `fillets_root`.

    Returns:
        Clips sorted by path: every usable clip, or ``limit`` of them drawn with
        ``random.Random(seed)``. Returns an empty list if the data is not installed.
    """
    usable = [
        clip
        for clip in all_clips(root or fillets_root())
        if clip.duration >= min_seconds and is_speech_text(clip.text)
    ]
    if limit is not None and limit < len(usable):
        usable = random.Random(seed).sample(usable, limit)
    return sorted(usable, key=lambda clip: clip.path)


if __name__ == "__main__":
    import statistics

    every = all_clips(fillets_root())
    clips = fillets_clips()
    seconds = [c.duration for c in clips]
    print(f"{len(every)} clips with text, {len(clips)} usable (speech text, >= 1 s)")
    if seconds:
        print(
            f"usable: {sum(seconds) / 60:.1f} min, median {statistics.median(seconds):.2f} s, "
            f"speakers {sorted({str(c.speaker) for c in clips})}"
        )

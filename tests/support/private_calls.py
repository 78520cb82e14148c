"""Recording the demo call into a library with personal numbers said in it (privacy tests)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from belcoach.audio.calls.library import CallLibrary
from belcoach.audio.calls.privacy import RecordingPrivacy
from belcoach.audio.calls.recorder import CallRecorder
from belcoach.audio.engine.sources import open_call
from belcoach.audio.events import CallEnded, Channel, Event, PhraseHit, Transcript, Word
from belcoach.demo import demo_call_path
from support.demo_events import demo_events


@pytest.fixture(autouse=True)
def no_os_keyring() -> Iterator[None]:
    """The recording key lives in the (per-test) key file, never in a real keyring.

    Import it into a test module to make it apply to every test there.
    """
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


SECRET = (
    "mijn IBAN is NL91 ABNA 0417 1643 00 en mijn burgerservicenummer is "
    "een een een twee twee twee drie drie drie"
)
"""A customer's line with an IBAN in digits and a BSN in words (both pass their checks)."""

LEAKS = ("0417", "1643", "NL91", "een een een", "111222333")
"""Pieces of `SECRET` that must never be stored when redaction is on."""


def words(text: str, t0: float) -> tuple[Word, ...]:
    """Timed words, 0.3 s apart."""
    return tuple(
        Word(w, t0 + i * 0.3, t0 + i * 0.3 + 0.25, 0.9) for i, w in enumerate(text.split())
    )


def private_events() -> list[Event]:
    """The demo call's events plus `SECRET` said by the customer and quoted by a phrase hit."""
    events = demo_events()
    said = words(SECRET, 70.0)
    hit = next(e for e in events if isinstance(e, PhraseHit))
    extra: list[Event] = [
        Transcript(70.0, Channel.CUSTOMER, words=said, final=True, utterance=900),
        dataclasses.replace(hit, t=70.0, channel=Channel.CUSTOMER, words=said, said=SECRET),
    ]
    end = next(i for i, e in enumerate(events) if isinstance(e, CallEnded))
    return events[:end] + extra + events[end:]


def record_demo(
    library: CallLibrary,
    *,
    privacy: RecordingPrivacy | None = None,
    finish: bool = True,
    seconds: float | None = None,
) -> CallRecorder:
    """Record the demo call's audio (read from its file) and `private_events` into ``library``."""
    recorder = library.start_call(
        agent="Sanne", language="nl", source="demo", model="base", privacy=privacy
    )
    source = open_call(demo_call_path())
    for block in recorder.wrap(source).blocks(threading.Event()):
        if seconds is not None and block.t >= seconds:
            break
    for event in private_events():
        if seconds is None or event.t < seconds:
            recorder(event)
    if finish:
        recorder.finish()
    return recorder


def folder_bytes(folder: Path) -> bytes:
    """Every byte of every file in ``folder`` (temporary files included)."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())

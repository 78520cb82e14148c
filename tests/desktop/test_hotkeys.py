"""Global shortcuts on a real X server: only the registered combinations reach belcoach."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading

import pytest

from belcoach.desktop.hotkeys import GlobalHotkeys, parse_keys


def test_parse_keys() -> None:
    assert parse_keys("Ctrl+Alt+B") == (frozenset({"ctrl", "alt"}), "b")
    with pytest.raises(ValueError):
        parse_keys("")


def test_registered_combinations_fire_and_others_do_not(xvfb_display, monkeypatch) -> None:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (Debian package xdotool) to press keys")
    monkeypatch.setenv("DISPLAY", xvfb_display)
    toggled, hidden = threading.Event(), threading.Event()
    hotkeys = GlobalHotkeys({"Ctrl+Alt+B": toggled.set, "Ctrl+Alt+H": hidden.set})
    assert hotkeys.start(), hotkeys.reason
    try:
        env = dict(os.environ, DISPLAY=xvfb_display)
        subprocess.run(["xdotool", "key", "ctrl+alt+x", "ctrl+b"], env=env, check=True)
        subprocess.run(["xdotool", "key", "ctrl+alt+b"], env=env, check=True)
        assert toggled.wait(5)
        assert not hidden.is_set()
        subprocess.run(["xdotool", "key", "ctrl+alt+h"], env=env, check=True)
        assert hidden.wait(5)
    finally:
        hotkeys.stop()


def test_a_taken_combination_makes_shortcuts_unavailable_not_fatal(
    xvfb_display, monkeypatch
) -> None:
    monkeypatch.setenv("DISPLAY", xvfb_display)
    first = GlobalHotkeys({"Ctrl+Alt+B": lambda: None})
    assert first.start(), first.reason
    try:
        second = GlobalHotkeys({"Ctrl+Alt+B": lambda: None})
        assert not second.start()
        assert "taken" in second.reason
    finally:
        first.stop()


def test_no_display_means_no_global_shortcuts(monkeypatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    hotkeys = GlobalHotkeys({"Ctrl+Alt+B": lambda: None})
    assert not hotkeys.start() and hotkeys.reason

"""Killing a recording subprocess at a known moment of its call (crash-safety tests)."""

from __future__ import annotations

import os
import signal
import subprocess


def kill_when_heard(proc: subprocess.Popen[str], seconds: float) -> float:
    """SIGKILL ``proc`` once it reports ``seconds`` of audio recorded; return the last report.

    ``proc`` prints the audio seconds it has recorded, one number per line, and
    ``finished`` if the call ends first (then it is not killed). Waits for it to end.
    """
    heard = 0.0
    assert proc.stdout is not None
    try:
        for line in proc.stdout:  # blocks until the recorder reports progress
            if line.strip() == "finished":
                break
            heard = float(line)
            if heard >= seconds:
                os.kill(proc.pid, signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=60)
    return heard

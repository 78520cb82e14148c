"""The desktop app with the demo call, in-process under the socket guard: no connection."""

from __future__ import annotations

import pytest

from support.netguard import SocketGuard


@pytest.mark.slow
@pytest.mark.whisper
def test_the_demo_app_runs_to_the_end_without_touching_the_network(
    base_model, qapp, no_network: SocketGuard
) -> None:
    from belcoach.desktop.app import AppOptions, run_app

    events: list[object] = []
    code = run_app(
        AppOptions(demo=True, speed=8.0, autostart=True, quit_at_end=True),
        subscribers=[events.append],
    )
    assert code == 0
    kinds = [getattr(e, "type", "") for e in events]
    assert "transcript" in kinds and kinds[-1] == "call_ended"
    assert no_network.attempts == []

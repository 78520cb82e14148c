"""`format_clock`: the one way every layer writes a time into the call."""

from __future__ import annotations

import math

import pytest

from belcoach.core.clock import format_clock


@pytest.mark.parametrize(
    ("seconds", "plain", "padded", "tenths"),
    [
        (0.0, "0:00", "00:00", "00:00.0"),
        (7.4, "0:07", "00:07", "00:07.4"),
        (84.4, "1:24", "01:24", "01:24.4"),
        (92.8, "1:33", "01:33", "01:32.8"),
        (599.0, "9:59", "09:59", "09:59.0"),
        (3599.4, "59:59", "59:59", "59:59.4"),
        # past an hour the hours lead and minutes stay under 60
        (3600.0, "1:00:00", "1:00:00", "1:00:00.0"),
        (4505.25, "1:15:05", "1:15:05", "1:15:05.2"),
        (36000.0, "10:00:00", "10:00:00", "10:00:00.0"),
    ],
)
def test_the_three_shapes(seconds: float, plain: str, padded: str, tenths: str) -> None:
    assert format_clock(seconds) == plain
    assert format_clock(seconds, pad=True) == padded
    assert format_clock(seconds, tenths=True) == tenths


def test_rounding_carries_into_the_minute_and_the_hour() -> None:
    # the old CLI stamp split before rounding and printed 00:60.0
    assert format_clock(59.96, tenths=True) == "01:00.0"
    assert format_clock(59.6) == "1:00"
    assert format_clock(3599.7) == "1:00:00"


@pytest.mark.parametrize("seconds", [-0.04, -3.0, -7200.0])
def test_a_time_before_the_start_reads_as_zero(seconds: float) -> None:
    assert format_clock(seconds) == "0:00"
    assert format_clock(seconds, pad=True) == "00:00"
    assert format_clock(seconds, tenths=True) == "00:00.0"


@pytest.mark.parametrize("seconds", [math.nan, math.inf, -math.inf])
def test_an_unknown_time_reads_as_dashes(seconds: float) -> None:
    assert format_clock(seconds) == "-:--"
    assert format_clock(seconds, pad=True) == "--:--"
    assert format_clock(seconds, tenths=True) == "--:--.-"


def test_whole_seconds_pass_through_unchanged() -> None:
    # the overlay's timer hands in whole seconds gone by (a stopwatch)
    assert format_clock(int(59.9), pad=True) == "00:59"

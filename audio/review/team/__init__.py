"""Team trends: per agent and per ISO week, from batch outputs or the call library.

`records` reads the per-call figures (summaries and the batch table, never
audio or transcripts), `trends` groups them per agent and week and finds who
improved most, `plots` draws the trend lines and `page` writes the HTML/PDF.
"""

from belcoach.audio.review.team.records import CallRecord, ReadResult, read_batch, read_library
from belcoach.audio.review.team.trends import (
    AgentTrend,
    Improvement,
    Period,
    agent_trends,
    improvers,
)

__all__ = [
    "AgentTrend",
    "CallRecord",
    "Improvement",
    "Period",
    "ReadResult",
    "agent_trends",
    "improvers",
    "read_batch",
    "read_library",
]

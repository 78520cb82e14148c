"""The QA scorecard per call: a short card of items (data, ``seeds/qa``) scored on a call's events.

Each item is Goed, Niet goed or N.v.t., with the moment and the words or event
it rests on; the score counts the items that apply. See docs/qa.md.
"""

from belcoach.audio.review.qa.model import Evidence, ItemScore, Scorecard, Verdict
from belcoach.audio.review.qa.score import score_call, score_events

__all__ = ["Evidence", "ItemScore", "Scorecard", "Verdict", "score_call", "score_events"]

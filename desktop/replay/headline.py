"""The replay window's headline: a stored call's figures in one line of rich text."""

from __future__ import annotations

from belcoach.audio.calls.loaded import LoadedCall
from belcoach.seeds.emotion_data import EmotionBasis


def headline_html(call: LoadedCall) -> str:
    """The call's headline figures as one line of rich text, with the status when not complete."""
    s = call.summary
    bits = []
    if s.talk_ratio is not None:
        bits.append(f"Talk/listen <b>{s.talk_ratio:.0%} / {1 - s.talk_ratio:.0%}</b>")
    if s.agent_rate is not None:
        fast = f", {s.fast_share:.0%} fast" if s.fast_share else ""
        bits.append(
            f"Rate <b>{s.agent_rate:.1f} {s.rate_unit}</b> "
            f"(norm {s.rate_low:.1f}–{s.rate_high:.1f}{fast})"
        )
    if s.sentences:
        bits.append(f"Pauses after <b>{s.sentences_with_pause}/{s.sentences}</b> sentences")
    bits.append(f"Over-talk by agent <b>{s.overtalk_by_agent}</b>")
    bits.append(f"Phrases to avoid <b>{len(s.phrases_to_avoid)}</b>")
    if s.dead_air:
        bits.append(f"Dead air <b>{len(s.dead_air)}× {s.dead_air_total:.0f} s</b>")
    if s.longest_monologue:
        m = s.longest_monologue
        bits.append(f"Longest monologue <b>{m.end - m.start:.0f} s</b>")
    if s.emotion_path:
        first, last = s.emotion_path[0].label, s.emotion_path[-1].label
        source = "words" if call.timeline.emotion_basis == EmotionBasis.WORDS else "voice and words"
        bits.append(
            f"Feeling <b>{first if first == last else f'{first} → {last}'}</b> "
            f"(estimate from {source})"
        )
    status = (
        "" if s.status == "complete" else (f" <span style='color:#c05621'><b>{s.status}</b></span>")
    )
    return "&nbsp;&nbsp;·&nbsp;&nbsp;".join(bits) + status

"""The coach's read-only view of a stored call: sound, waveform, tips and the report.

Public API: `player.CallPlayer` (plays a call, `stretch.TimeStretcher` slows it
without changing pitch), `waveform.envelopes`, `palette.tone_colour`,
`tips.applicable_tips`, and `report.build.write_report`. Review reads calls
through `belcoach.audio.calls` and never imports the engine (import-linter).
"""

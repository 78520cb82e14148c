"""Speech quality ("beheer uw spraakkwaliteit"): rate, pauses, over-talk, dead air.

Public API: `analyser.SpeechAnalytics` (the analyser), `config.SpeechConfig` and
`config.speech_config` (its settings). Parts: `channel_track` (per-channel
speech runs), `syllables` (syllable nuclei in the audio), `rate`, `pauses`,
`overtalk` (over-talk and dead air) and `conversation` (talk ratio).
"""

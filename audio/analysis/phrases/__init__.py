"""Phrases that hurt the call and what to say instead: the rule cards.

Public API: `analyser.PhraseAnalyser`, `analyser.rules_config`, `analyser.RulesConfig`,
`matcher.PhraseMatcher` (also used by ``belcoach rules test``) and `matcher.Finding`.
Parts: `tokens` (words and fuzzy spelling), `variants` and `vocab` (a rule's
word variants), `gate` (Whisper's word confidence) and `context` (the call so
far: the customer's name, an open summary).
"""

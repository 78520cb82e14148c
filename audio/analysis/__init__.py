"""The analysers the engine is handed: speech, phrases and emotion.

`defaults.default_analysers(language, settings)` builds the three for a call
from the ``[analysis]`` table. The three packages never import each other
(import-linter); each reads only events and audio blocks:

- `speech`: speaking rate, pauses between sentences, over-talk and dead air;
- `phrases`: phrases that hurt the call, and what to say instead (cards);
- `emotion`: the customer's estimated feeling and the next step.
"""

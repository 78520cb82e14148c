"""Everything between the sound of a call and what belcoach says about it. Never imports Qt.

The root modules are the shared vocabulary: `events` (the dataclasses on the bus; `status`
for engine status and its codes),
`bus` (`EventBus`), `jsonl` (events as JSON Lines), `languages`, `words`
(syllables and sentence ends of written words). The packages: `engine` (audio in,
events out), `analysis` (speech, phrases, emotion), `live` (devices), `privacy`
(redaction), `calls` (the call library on disk), `review` (the coach's view and
report) and `jobs` (what runs calls). Import-linter holds the layers.
"""

from belcoach.core.offline import opt_out

opt_out()  # before onnxruntime or faster-whisper load (see core/offline.py)

"""The call library on disk: each call's folder, its journal, the index and summaries.

A call is a folder (audio of both channels, ``events.jsonl``, ``summary.json``,
coach notes); ``library`` keeps a small SQLite index of the folders for the
coach's call list. Nothing here imports Qt or the engine's runner: the replay
window, the report and the command line all build on these modules.

Public API: `library.CallLibrary`, `library.library_root`, `library.resolve_call`;
`folder.CallFolder`, `folder.CallMeta`; `recorder.CallRecorder` (writes a call
as it happens); `recovery.recover` (calls a crash cut off); `eventlog.read_events`;
`loaded.load_call` (a stored call for review); `summary.CallSummary` and
`summary.summarize`, built on `timeline.build_timeline` and `marks`; `privacy`
(redaction and encryption at rest); `export.export_call`.
"""

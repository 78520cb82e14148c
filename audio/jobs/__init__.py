"""What runs calls: one call, a call in the background, recorded, imported, in batch.

- `run`: THE call runner: `run_call` builds the bus, the analysers and the
  engine for one call; `load_transcriber` and `ModelChoice` load Whisper.
- `session`: `CallSession` runs a call on its own thread for the overlay
  (through `run_call`), with a `TranscriberCache` shared between calls.
- `recording`: `GuardedRecording`, a recorder that may fail without ending the call.
- `importer`: `import_call` analyses a recorded file into the call library.
- `batch`: `run_batch` analyses a folder of calls with N worker processes.

Settings never reach this package: `belcoach.wiring` turns them into the plain
values these functions take.
"""

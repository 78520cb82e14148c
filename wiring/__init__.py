"""The one wiring from settings and IT policy to what a command or call needs. No Qt.

Every entry point (``app``, ``demo``, ``live``, ``analyze``, ``calls import``,
``replay``, ``report``, ``forget``, ``doctor``) reads the settings once and
asks this package for its plan, so IT's locks hold everywhere:

- `flags.CallFlags`: what a command line asked for; `flags.refuse_locked`
  refuses a flag that contradicts a locked setting, before any device or model
  is opened.
- `call.plan_call`: settings + flags → `call.CallPlan` (language, Whisper model,
  the ``[analysis]`` table with its disabled rules, privacy, recording plan).
- `library.plan_library`, `library.open_library`, `library.recorder_factory`:
  the call library and each call's recorder, with redaction and encryption as
  the settings and policy say; `library.refuse_foreign_library` (and
  ``_call``/``_inputs``) refuse another OS account's library unless it is the
  shared one the IT policy names.

The engine never reads a settings file (STYLE S3); this package hands it plain
values. It sits between the front ends (``cli``, ``desktop``) and ``audio``.
"""

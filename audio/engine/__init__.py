"""The engine: audio in, events out, on one clock, for one call.

A source (`sources.open_call` for files, `belcoach.audio.live` for devices,
`paced.PacedSource` for real-time replay) yields `blocks.AudioBlock`s;
`engine.CallEngine` runs VAD (`vad`), cuts utterances (`segmenter`), hands
them to the ASR thread (`asr_worker`, `transcriber.WhisperTranscriber`, which
drops Whisper's known hallucinations with `hallucinations`), and runs the
analysers it is handed (anything that is an `analysers.Analyser`). The engine
imports no analyser, no call storage and no review code (import-linter holds
that); `belcoach.audio.jobs.run` wires a call together.

Public API: `engine.CallEngine`, `engine.EngineConfig`; `blocks.AudioBlock`,
`blocks.AudioSource`, `blocks.AudioClock`; `sources.open_call`, `sources.FileInfo`;
`paced.PacedSource`; `transcriber.Transcriber`, `transcriber.WhisperTranscriber`,
`transcriber.DecodeOptions`; `vad.SileroSession`; `analysers.Analyser`,
`analysers.BaseAnalyser`.
"""

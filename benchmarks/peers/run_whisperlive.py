"""Runner: WhisperLive's server (faster-whisper backend) and its Python client, in one process.

Runs in .peers-venv. The server is `TranscriptionServer.run` on a free
loopback port with the shared model directory as its custom model
(``single_model``: one model for all clients); the client is its `Client`
class. Audio goes in as WhisperLive's own file client sends it: float32
frames, then ``END_OF_AUDIO``. A segment the server marks ``completed`` is
final (the rule its client uses to build the transcript). The server never
completes the stream's last segment; WhisperLive's client adds it to the
transcript when it closes, so it counts as final once the audio has ended
(``END_OF_AUDIO`` sent) or when it last changed, whichever is later.

Offline set-up: the server's VAD would download ``silero_vad.onnx`` into
``~/.cache/whisper-live/``; HOME points at a temporary directory holding the
copy bundled in the ``silero-vad`` PyPI package, so nothing is fetched and the
user's cache is untouched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import protocol


def _offline_vad_home() -> str:
    """A HOME whose ~/.cache/whisper-live/silero_vad.onnx is silero-vad's packaged model."""
    import silero_vad

    bundled = Path(silero_vad.__file__).parent / "data" / "silero_vad.onnx"
    home = tempfile.mkdtemp(prefix="peers-whisperlive-")
    cache = Path(home) / ".cache" / "whisper-live"
    cache.mkdir(parents=True)
    shutil.copy(bundled, cache / "silero_vad.onnx")
    return home


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    """Serve, connect, play the file in real time, report every completed segment."""
    ap = argparse.ArgumentParser()
    ap.add_argument("audio")
    ap.add_argument("--model", required=True)
    ap.add_argument("--language", default="nl")
    args = ap.parse_args()
    os.environ["HOME"] = _offline_vad_home()
    from whisper_live.client import Client
    from whisper_live.server import TranscriptionServer

    audio = protocol.load_mono(args.audio)
    port = _free_port()
    server = TranscriptionServer()
    threading.Thread(
        target=server.run,
        kwargs={
            "host": "127.0.0.1",
            "port": port,
            "backend": "faster_whisper",
            "faster_whisper_custom_model_path": args.model,
            "single_model": True,
        },
        daemon=True,
    ).start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)

    last = [0.0]
    done_upto = [-1.0]
    pending: dict[str, object] = {}
    """The newest segment not completed yet: its text and when it last changed."""

    def on_segments(_text: str, segments: list[dict]) -> None:
        for seg in segments:
            if seg.get("completed") and float(seg["start"]) >= done_upto[0]:
                done_upto[0] = float(seg["end"])
                protocol.final(seg["text"])
                last[0] = time.monotonic()
        tail = segments[-1] if segments else None
        if tail and not tail.get("completed") and tail["text"] != pending.get("text"):
            pending.update(text=tail["text"], at=time.monotonic(), start=float(tail["start"]))

    client = Client(
        "127.0.0.1",
        port,
        lang=args.language,
        model=args.model,
        use_vad=True,
        log_transcription=False,
        transcription_callback=on_segments,
        srt_file_path=os.path.join(os.environ["HOME"], "out.srt"),
    )
    deadline = time.monotonic() + 300
    while not client.recording and not client.server_error and time.monotonic() < deadline:
        time.sleep(0.1)
    if not client.recording:
        protocol.emit("skip", why="the WhisperLive server never said SERVER_READY")
        os._exit(0)
    t0 = time.monotonic()
    protocol.emit("start", t0=t0)
    for chunk in protocol.paced_chunks(audio, t0):
        client.send_packet_to_server(chunk.astype("float32").tobytes())
    client.send_packet_to_server(Client.END_OF_AUDIO.encode("utf-8"))
    ended = time.monotonic()
    protocol.wait_quiet(last)
    if pending and float(pending["start"]) >= done_upto[0]:  # type: ignore[arg-type]
        protocol.final(str(pending["text"]), at=max(ended, float(pending["at"])))  # type: ignore[arg-type]
    protocol.emit("done")
    os._exit(0)


if __name__ == "__main__":
    main()

"""The recorded-call source: real files written to tmp_path, decoded and resampled.

No ffmpeg or sox: every file is written with numpy + soundfile (bundled libsndfile).
"""

from __future__ import annotations

import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from belcoach.audio.engine.blocks import SAMPLE_RATE, AudioBlock
from belcoach.audio.engine.sources import FileCallSource, open_call
from belcoach.core.errors import AudioFileError, ConfigError

LEFT_HZ, RIGHT_HZ = 440.0, 1000.0


def sine(hz: float, seconds: float, rate: int, amp: float = 0.5) -> np.ndarray:
    """A float32 sine of ``seconds`` at ``rate``."""
    t = np.arange(round(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def write_stereo(path: Path, rate: int, seconds: float = 2.0, **kw: str) -> Path:
    """Left = 440 Hz, right = 1000 Hz, so each side is recognisable by its pitch."""
    data = np.stack([sine(LEFT_HZ, seconds, rate), sine(RIGHT_HZ, seconds, rate)], axis=1)
    sf.write(path, data, rate, **kw)
    return path


def read_all(source: FileCallSource) -> tuple[list[AudioBlock], np.ndarray, np.ndarray]:
    """Every block, plus each side concatenated."""
    blocks = list(source.blocks(threading.Event()))
    agent = np.concatenate([b.agent for b in blocks]) if blocks else np.zeros(0, np.float32)
    customer = np.concatenate([b.customer for b in blocks]) if blocks else np.zeros(0, np.float32)
    return blocks, agent, customer


def dominant_hz(x: np.ndarray) -> float:
    """Frequency of the strongest FFT bin of a 16 kHz signal."""
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)[np.argmax(spectrum)])


def ideal(hz: float, n: int, amp: float = 0.5) -> np.ndarray:
    """The sine a perfect resampler would output at 16 kHz."""
    return amp * np.sin(2 * np.pi * hz * np.arange(n) / SAMPLE_RATE)


def check_blocks(blocks: list[AudioBlock], block_frames: int) -> None:
    """The AudioBlock contract: t on the audio clock, float32, same length, in [-1, 1]."""
    emitted = 0
    for i, b in enumerate(blocks):
        assert b.t == pytest.approx(emitted / SAMPLE_RATE, abs=1e-12)
        assert b.agent.dtype == np.float32 and b.customer.dtype == np.float32
        assert b.agent.shape == b.customer.shape and b.agent.ndim == 1
        assert np.all(np.abs(b.agent) <= 1.0) and np.all(np.abs(b.customer) <= 1.0)
        if i < len(blocks) - 1:
            assert len(b.agent) == block_frames
        emitted += len(b.agent)


# --- decoding and channel layout -------------------------------------------------------


def test_stereo_wav_44k_separates_channels(tmp_path: Path) -> None:
    source = open_call(write_stereo(tmp_path / "call.wav", 44_100))
    blocks, agent, customer = read_all(source)

    check_blocks(blocks, 1600)
    assert blocks[0].t == 0.0
    assert len(agent) == 2 * SAMPLE_RATE
    assert dominant_hz(agent) == pytest.approx(LEFT_HZ, abs=1)
    assert dominant_hz(customer) == pytest.approx(RIGHT_HZ, abs=1)
    inner = slice(64, -64)  # the resampler's filter needs a few samples to settle
    np.testing.assert_allclose(agent[inner], ideal(LEFT_HZ, len(agent))[inner], atol=2e-3)
    np.testing.assert_allclose(customer[inner], ideal(RIGHT_HZ, len(agent))[inner], atol=2e-3)


def test_agent_channel_1_swaps_sides(tmp_path: Path) -> None:
    source = open_call(write_stereo(tmp_path / "call.wav", 44_100), agent_channel=1)
    _, agent, customer = read_all(source)

    assert dominant_hz(agent) == pytest.approx(RIGHT_HZ, abs=1)
    assert dominant_hz(customer) == pytest.approx(LEFT_HZ, abs=1)


def test_info_and_description(tmp_path: Path) -> None:
    source = open_call(write_stereo(tmp_path / "call.wav", 44_100, subtype="PCM_16"))

    (info,) = source.info
    assert (info.format, info.subtype, info.sample_rate, info.channels) == (
        "WAV",
        "PCM_16",
        44_100,
        2,
    )
    assert info.frames == 88_200 and info.role == "call"
    assert source.description == "call.wav"
    assert source.duration == pytest.approx(2.0)
    assert info.summary() == "call.wav: WAV PCM_16, 44100 Hz, 2 channels, 2.0 s"


@pytest.mark.parametrize(
    ("fmt", "subtype", "lossy"),
    [("FLAC", "PCM_16", False), ("OGG", "VORBIS", True), ("MP3", "MPEG_LAYER_III", True)],
)
def test_compressed_formats_decode(tmp_path: Path, fmt: str, subtype: str, lossy: bool) -> None:
    if fmt not in sf.available_formats():
        pytest.skip(f"this libsndfile ({sf.__libsndfile_version__}) cannot write {fmt}")
    path = write_stereo(tmp_path / f"call.{fmt.lower()}", 48_000, format=fmt, subtype=subtype)
    source = open_call(path)
    blocks, agent, customer = read_all(source)

    assert source.info[0].format == fmt
    check_blocks(blocks, 1600)
    assert abs(len(agent) - 2 * SAMPLE_RATE) <= 1600
    assert dominant_hz(agent) == pytest.approx(LEFT_HZ, abs=2)
    assert dominant_hz(customer) == pytest.approx(RIGHT_HZ, abs=2)
    if not lossy:
        inner = slice(64, -64)
        np.testing.assert_allclose(agent[inner], ideal(LEFT_HZ, len(agent))[inner], atol=2e-3)


def test_8k_input_is_resampled_to_16k(tmp_path: Path) -> None:
    source = open_call(write_stereo(tmp_path / "phone.wav", 8_000, seconds=3.0))
    blocks, agent, customer = read_all(source)

    check_blocks(blocks, 1600)
    assert abs(len(agent) - 3 * SAMPLE_RATE) <= 1600
    inner = slice(64, -64)
    np.testing.assert_allclose(agent[inner], ideal(LEFT_HZ, len(agent))[inner], atol=2e-3)
    np.testing.assert_allclose(customer[inner], ideal(RIGHT_HZ, len(agent))[inner], atol=2e-3)


def test_16k_input_passes_through_unchanged(tmp_path: Path) -> None:
    path = write_stereo(tmp_path / "wideband.wav", SAMPLE_RATE, subtype="FLOAT")
    _, agent, customer = read_all(open_call(path))

    original, _ = sf.read(path, dtype="float32")
    np.testing.assert_array_equal(agent, original[:, 0])
    np.testing.assert_array_equal(customer, original[:, 1])


def test_two_mono_files_of_different_rates_and_lengths(tmp_path: Path) -> None:
    sf.write(tmp_path / "agent.wav", sine(LEFT_HZ, 2.0, 8_000), 8_000)
    sf.write(tmp_path / "customer.flac", sine(RIGHT_HZ, 3.0, 44_100), 44_100)
    source = open_call(agent=tmp_path / "agent.wav", customer=tmp_path / "customer.flac")
    blocks, agent, customer = read_all(source)

    assert source.duration == pytest.approx(3.0)
    assert [i.role for i in source.info] == ["agent", "customer"]
    assert source.description == "agent.wav (agent) + customer.flac (customer)"
    check_blocks(blocks, 1600)
    assert abs(len(agent) - 3 * SAMPLE_RATE) <= 1600
    assert dominant_hz(agent[: 2 * SAMPLE_RATE]) == pytest.approx(LEFT_HZ, abs=1)
    assert dominant_hz(customer) == pytest.approx(RIGHT_HZ, abs=1)
    # The shorter agent file is padded with silence, not cut or repeated.
    np.testing.assert_array_equal(agent[2 * SAMPLE_RATE + 64 :], 0.0)


def test_blocks_join_without_a_click(tmp_path: Path) -> None:
    """Resampling per block would glitch at each boundary; a streaming resampler does not."""
    sf.write(
        tmp_path / "tone.wav",
        np.stack([sine(1000, 2.0, 44_100)] * 2, axis=1),
        44_100,
        subtype="FLOAT",
    )
    # An odd block length puts the boundaries at fractional input positions.
    blocks, agent, _ = read_all(open_call(tmp_path / "tone.wav", block_seconds=0.0371))

    assert len(blocks) > 50
    inner = slice(64, -64)
    np.testing.assert_allclose(agent[inner], ideal(1000, len(agent))[inner], atol=1e-3)
    # A sine's sample-to-sample step is bounded; a click at a join would exceed it.
    max_step = 0.5 * 2 * np.pi * 1000 / SAMPLE_RATE
    assert np.max(np.abs(np.diff(agent[inner]))) <= max_step * 1.01


def test_full_scale_and_float_overs_stay_in_range(tmp_path: Path, rng: np.random.Generator) -> None:
    """Float files may hold values past full scale or NaN; the engine gets [-1, 1]."""
    data = rng.uniform(-1.5, 1.5, size=(22_050, 2)).astype(np.float32)
    data[100, 0] = np.nan
    sf.write(tmp_path / "hot.wav", data, 22_050, subtype="FLOAT")
    blocks, agent, customer = read_all(open_call(tmp_path / "hot.wav"))

    check_blocks(blocks, 1600)
    assert np.all(np.isfinite(agent)) and np.all(np.isfinite(customer))


# --- pacing and stop ---------------------------------------------------------------------


def test_realtime_paces_by_the_wall_clock(tmp_path: Path) -> None:
    source = open_call(write_stereo(tmp_path / "call.wav", 16_000, seconds=1.0), realtime=True)
    started = time.monotonic()
    blocks, agent, _ = read_all(source)

    assert time.monotonic() - started >= 0.8
    assert len(agent) == SAMPLE_RATE and len(blocks) == 10


def test_fast_mode_does_not_wait(tmp_path: Path) -> None:
    source = open_call(write_stereo(tmp_path / "call.wav", 16_000, seconds=30.0))
    started = time.monotonic()
    read_all(source)
    assert time.monotonic() - started < 5.0  # 30 s of audio; pacing would take 30 s


def test_stop_interrupts_a_realtime_replay_at_once(tmp_path: Path) -> None:
    source = open_call(write_stereo(tmp_path / "call.wav", 16_000, seconds=60.0), realtime=True)
    stop = threading.Event()
    timer = threading.Timer(0.3, stop.set)
    started = time.monotonic()
    timer.start()
    try:
        got = list(source.blocks(stop))
    finally:
        timer.cancel()

    assert time.monotonic() - started < 3.0  # a 60 s replay; generous for slow CI
    assert 1 <= len(got) <= 10


def test_stop_ends_a_fast_stream_between_blocks(tmp_path: Path) -> None:
    source = open_call(write_stereo(tmp_path / "call.wav", 44_100, seconds=5.0))
    stop = threading.Event()
    got = []
    for block in source.blocks(stop):
        got.append(block)
        stop.set()
    assert len(got) == 1
    assert list(source.blocks(stop)) == []


def test_blocks_can_be_replayed(tmp_path: Path) -> None:
    source = open_call(write_stereo(tmp_path / "call.flac", 44_100, seconds=1.0))
    _, first, _ = read_all(source)
    _, second, _ = read_all(source)
    np.testing.assert_array_equal(first, second)


# --- bad input: one line, naming the file and the problem --------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match=r"call\.wav: no such file$"):
        open_call(tmp_path / "call.wav")


def test_folder_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "calls").mkdir()
    with pytest.raises(AudioFileError, match=r"calls: is a folder"):
        open_call(tmp_path / "calls")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"Call notes: customer wants a refund.\n" * 20),
        ("garbage.wav", bytes(range(256)) * 8),
        ("header.wav", b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00"),
    ],
)
def test_not_audio(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(AudioFileError) as caught:
        open_call(tmp_path / name)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / name}: not a readable audio file (")
    assert message.endswith(")") and "\n" not in message


def test_zero_byte_file(tmp_path: Path) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(AudioFileError, match=r"empty\.wav: contains no audio \(0 s\)$"):
        open_call(tmp_path / "empty.wav")


def test_zero_frame_file(tmp_path: Path) -> None:
    sf.write(tmp_path / "silent.wav", np.zeros((0, 2), np.float32), 16_000)
    with pytest.raises(AudioFileError, match=r"silent\.wav: contains no audio \(0 s\)$"):
        open_call(tmp_path / "silent.wav")


def test_mono_call_file_is_the_agent_alone(tmp_path: Path) -> None:
    """A mono recording still gives rate and pauses: it is the agent, the customer is silent."""
    sf.write(tmp_path / "mono8k.wav", sine(440, 1.0, 8_000), 8_000)
    source = open_call(tmp_path / "mono8k.wav")
    blocks, agent, customer = read_all(source)

    assert source.mono is True
    assert [i.channels for i in source.info] == [1]
    check_blocks(blocks, 1600)
    assert abs(len(agent) - SAMPLE_RATE) <= 1600
    assert dominant_hz(agent) == pytest.approx(440, abs=1)
    np.testing.assert_array_equal(customer, 0.0)


def test_stereo_and_two_file_calls_are_not_mono(tmp_path: Path) -> None:
    assert open_call(write_stereo(tmp_path / "call.wav", 16_000)).mono is False
    sf.write(tmp_path / "a.wav", sine(440, 1.0, 16_000), 16_000)
    sf.write(tmp_path / "c.wav", sine(440, 1.0, 16_000), 16_000)
    assert open_call(agent=tmp_path / "a.wav", customer=tmp_path / "c.wav").mono is False


def test_mono_call_file_has_no_right_channel(tmp_path: Path) -> None:
    sf.write(tmp_path / "mono.wav", sine(440, 1.0, 16_000), 16_000)
    with pytest.raises(AudioFileError) as caught:
        open_call(tmp_path / "mono.wav", agent_channel=1)
    assert str(caught.value) == (
        f"{tmp_path / 'mono.wav'}: is mono (1 channel), so it has no right channel for the agent"
    )


def test_six_channels(tmp_path: Path) -> None:
    sf.write(tmp_path / "six.wav", np.zeros((1600, 6), np.float32), 16_000)
    with pytest.raises(AudioFileError) as caught:
        open_call(tmp_path / "six.wav")
    assert str(caught.value) == (
        f"{tmp_path / 'six.wav'}: has 6 channels; expected a stereo call "
        "(left = agent, right = customer) or two mono files"
    )


def test_stereo_file_in_two_file_mode(tmp_path: Path) -> None:
    write_stereo(tmp_path / "agent.wav", 16_000)
    sf.write(tmp_path / "customer.wav", sine(440, 1.0, 16_000), 16_000)
    with pytest.raises(AudioFileError, match=r"agent\.wav: has 2 channels; --agent needs a mono"):
        open_call(agent=tmp_path / "agent.wav", customer=tmp_path / "customer.wav")


def test_missing_file_in_two_file_mode_names_it(tmp_path: Path) -> None:
    sf.write(tmp_path / "agent.wav", sine(440, 1.0, 16_000), 16_000)
    with pytest.raises(AudioFileError, match=r"customer\.wav: no such file$"):
        open_call(agent=tmp_path / "agent.wav", customer=tmp_path / "customer.wav")


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"path": "call.wav", "agent": "a.wav", "customer": "c.wav"}, "not both"),
        ({"path": "call.wav", "customer": "c.wav"}, "not both"),
        ({"agent": "a.wav"}, "--customer is missing"),
        ({}, "no call given"),
        ({"path": "call.wav", "agent_channel": 2}, "agent_channel must be 0"),
        ({"path": "call.wav", "agent_channel": -1}, "agent_channel must be 0"),
        ({"agent": "a.wav", "customer": "c.wav", "agent_channel": 1}, "applies to a stereo"),
        ({"path": "call.wav", "block_seconds": 0}, "block_seconds must be"),
        ({"path": "call.wav", "block_seconds": float("nan")}, "block_seconds must be"),
        ({"path": "call.wav", "block_seconds": 3600}, "block_seconds must be"),
    ],
)
def test_bad_options_are_config_errors(
    tmp_path: Path, kwargs: dict[str, object], problem: str
) -> None:
    """Options are checked before any file is touched, so none of these files exist."""
    for key in ("path", "agent", "customer"):
        if key in kwargs:
            kwargs[key] = tmp_path / str(kwargs[key])
    with pytest.raises(ConfigError, match=problem):
        open_call(**kwargs)  # type: ignore[arg-type]


def test_file_removed_after_open(tmp_path: Path) -> None:
    source = open_call(write_stereo(tmp_path / "call.wav", 16_000))
    (tmp_path / "call.wav").unlink()
    with pytest.raises(AudioFileError, match=r"call\.wav: no such file$"):
        read_all(source)


# --- damaged files: every good block first, then one AudioFileError ----------------------


def _stream_until_error(source: FileCallSource) -> tuple[np.ndarray, AudioFileError]:
    got: list[np.ndarray] = []
    with pytest.raises(AudioFileError) as caught:
        for block in source.blocks(threading.Event()):
            got.append(block.agent)
    return np.concatenate(got), caught.value


def test_truncated_flac_yields_good_audio_then_reports_where(tmp_path: Path) -> None:
    whole = write_stereo(tmp_path / "whole.flac", 44_100, seconds=10.0)
    data = whole.read_bytes()
    (tmp_path / "x.flac").write_bytes(data[: len(data) // 2])
    source = open_call(tmp_path / "x.flac")
    assert source.duration == pytest.approx(10.0)  # the header still claims it all

    agent, error = _stream_until_error(source)

    message = str(error)
    assert message.startswith(f"{tmp_path / 'x.flac'}: damaged at ")
    at = float(message.split("damaged at ")[1].split(" s")[0])
    assert 3.0 < at < 6.0
    # Nothing before the damage is lost: the output runs up to it and is the real audio.
    assert abs(len(agent) / SAMPLE_RATE - at) <= 0.15
    inner = slice(64, -64)
    np.testing.assert_allclose(agent[inner], ideal(LEFT_HZ, len(agent))[inner], atol=2e-3)


def test_flac_damaged_mid_way(tmp_path: Path, rng: np.random.Generator) -> None:
    data = bytearray(write_stereo(tmp_path / "whole.flac", 44_100, seconds=10.0).read_bytes())
    middle = len(data) // 2
    data[middle : middle + 500] = rng.integers(0, 256, 500, dtype=np.uint8).tobytes()
    (tmp_path / "x.flac").write_bytes(bytes(data))

    agent, error = _stream_until_error(open_call(tmp_path / "x.flac"))

    assert f"{tmp_path / 'x.flac'}: damaged at " in str(error)
    assert 3.0 < len(agent) / SAMPLE_RATE < 6.0


def test_truncated_mp3_reports_the_shortfall(tmp_path: Path) -> None:
    if "MP3" not in sf.available_formats():
        pytest.skip("this libsndfile has no MP3")
    whole = write_stereo(tmp_path / "whole.mp3", 44_100, seconds=6.0, format="MP3")
    data = whole.read_bytes()
    (tmp_path / "x.mp3").write_bytes(data[: len(data) // 2])

    agent, error = _stream_until_error(open_call(tmp_path / "x.mp3"))

    assert str(error).startswith(f"{tmp_path / 'x.mp3'}: damaged at ")
    assert "ends before the 6.0 s its header states" in str(error)
    assert 2.0 < len(agent) / SAMPLE_RATE < 4.0


def test_damaged_file_ends_a_two_file_call_there(tmp_path: Path) -> None:
    sf.write(tmp_path / "agent.flac", sine(LEFT_HZ, 10.0, 44_100), 44_100)
    data = (tmp_path / "agent.flac").read_bytes()
    (tmp_path / "agent.flac").write_bytes(data[: len(data) // 3])
    sf.write(tmp_path / "customer.wav", sine(RIGHT_HZ, 10.0, 16_000), 16_000)
    source = open_call(agent=tmp_path / "agent.flac", customer=tmp_path / "customer.wav")

    agent, error = _stream_until_error(source)

    assert str(error).startswith(f"{tmp_path / 'agent.flac'}: damaged at ")
    assert len(agent) / SAMPLE_RATE < 5.0  # no invented silence after the damage


def test_random_bytes_and_truncated_files_never_leak_other_errors(
    tmp_path: Path, rng: np.random.Generator
) -> None:
    """A bad file is either a usable source or an AudioFileError, never a traceback."""
    candidates: list[bytes] = []
    magics = [b"", b"RIFF", b"fLaC", b"OggS", b"ID3\x03\x00", b"\xff\xfb", b"FORM"]
    for i in range(30):
        body = rng.integers(0, 256, int(rng.integers(0, 4096)), dtype=np.uint8).tobytes()
        candidates.append(magics[i % len(magics)] + body)
    for ext, subtype in (("wav", "PCM_16"), ("flac", "PCM_16")):
        data = write_stereo(tmp_path / f"valid.{ext}", 22_050, seconds=0.5, subtype=subtype)
        raw = data.read_bytes()
        candidates += [raw[:cut] for cut in rng.integers(1, len(raw), 15)]
    outcomes = {"source": 0, "error": 0}
    for i, content in enumerate(candidates):
        path = tmp_path / f"fuzz{i}.bin"
        path.write_bytes(content)
        try:
            source = open_call(path, block_seconds=0.05)
            for block in source.blocks(threading.Event()):
                assert np.all(np.abs(block.agent) <= 1.0)
            outcomes["source"] += 1
        except AudioFileError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc)
            outcomes["error"] += 1
    assert outcomes["error"] >= 30 and outcomes["source"] >= 1


# --- long files stream -------------------------------------------------------------------


def test_hour_long_file_streams_in_small_memory(tmp_path: Path, rng: np.random.Generator) -> None:
    """One hour of 8 kHz stereo decodes to 460 MB at 16 kHz float32; we hold a block."""
    rate, seconds = 8_000, 3600
    path = tmp_path / "long.flac"
    with sf.SoundFile(path, "w", rate, 2, subtype="PCM_16", format="FLAC") as out:
        for _ in range(seconds // 60):
            out.write((0.01 * rng.standard_normal((60 * rate, 2))).astype(np.float32))
    source = open_call(path)

    tracemalloc.start()
    try:
        total = 0
        for block in source.blocks(threading.Event()):
            total += len(block.agent)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert total == seconds * SAMPLE_RATE
    decoded = seconds * SAMPLE_RATE * 2 * 4
    assert peak < 4_000_000, f"peak {peak / 1e6:.1f} MB of {decoded / 1e6:.0f} MB decoded"

"""The narrated lecture, end to end: real scenes of the lecture at the tiny test quality with the default voice,
and the fixture scene with the creator's recordings.  The default run narrates one real scene, the shortest
(``NARRATED``: synthesising the whole lecture's speech and rendering it twice, planned and narrated, took 535 s
of a CI run on two cores); ``scripts/test --deep`` narrates the whole lecture.  Every expectation is measured here
from the files: streams and durations with PyAV, loudness with the ffmpeg program's ebur128 filter, captions with
the ``srt`` package, speech activity from the decoded samples with NumPy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from test_narration import ebur128, tone, write_wav

from jacobian_settings import ENV_VAR
from lecture.captions import typeset_minus
from lecture.storyboard import STORYBOARD
from narration.synth import CACHE_ENV

pytestmark = pytest.mark.render

ROOT = Path(__file__).resolve().parent.parent
RATE = 48_000
WINDOW = 0.02  # seconds per loudness window of the speech detector
HANGOVER = 0.15  # a window counts as speech when sound is within this many seconds (the gaps between words)
# the scenes narrated: the shortest real one (every caption of every scene is checked without the voice in
# test_captions.py and through the voice's phonemizer in test_spoken_phonemes.py); all of them with --deep
DEEP = os.environ.get("JACOBIAN_DEEP_TESTS") == "1"
NARRATED = tuple(STORYBOARD) if DEEP else tuple(e for e in STORYBOARD if e.cls == "TaylorError")


def lecture(*args: str, out: Path, cache: Path, storyboard: str | None = None,
            timeout: float = 900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in (ENV_VAR, "JACOBIAN_VOICE")}
    env[CACHE_ENV] = str(cache)
    command = [args[0]] if args[:1] == ("script",) else []  # a subcommand comes first
    cmd = [sys.executable, "-m", "lecture", *command, "--quality", "tiny", "--output", str(out),
           *(["--storyboard", storyboard] if storyboard else []), *args[len(command):]]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def audio_of(path: Path) -> np.ndarray:
    with av.open(str(path)) as box:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        chunks = [f.to_ndarray().reshape(-1) for frame in box.decode(audio=0) for f in resampler.resample(frame)]
    return np.concatenate(chunks)


def speech_mask(samples: np.ndarray) -> np.ndarray:
    """Per WINDOW: is someone speaking?  A window's RMS above -50 dBFS, held for HANGOVER on both sides."""
    n = int(WINDOW * RATE)
    windows = samples[: samples.size // n * n].reshape(-1, n)
    loud = np.sqrt((windows ** 2).mean(axis=1)) > 10 ** (-50 / 20)
    hold = int(HANGOVER / WINDOW)
    padded = np.pad(loud, hold)
    return np.array([padded[i:i + 2 * hold + 1].any() for i in range(loud.size)])


def scene_selection() -> tuple[str, ...]:
    return () if DEEP else ("--scenes", ",".join(e.cls for e in NARRATED))


@pytest.fixture(scope="module")
def narrated(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("narrated")
    cache = tmp_path_factory.mktemp("speech")
    done = lecture("--jobs", "2", *scene_selection(), out=out, cache=cache)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out, cache, done


def test_the_lecture_has_one_audio_track_as_long_as_its_video(narrated) -> None:
    out, _, done = narrated
    assert "narrated by joe" in done.stdout
    with av.open(str(out / "jacobian_lecture.mp4")) as box:
        assert [s.type for s in box.streams] == ["video", "audio"]
        video, audio = box.streams.video[0], box.streams.audio[0]
        assert audio.codec_context.name == "aac" and audio.rate == RATE
        frame = 1 / float(video.average_rate)
        video_end = max(float((p.pts + p.duration) * p.time_base) for p in box.demux(video) if p.pts is not None)
    samples = audio_of(out / "jacobian_lecture.mp4")
    assert abs(samples.size / RATE - video_end) <= frame, (samples.size / RATE, video_end)


def test_loudness_is_minus_16_lufs_and_peaks_stay_under_minus_1_dbtp(narrated) -> None:
    out, _, _ = narrated
    loud, peak = ebur128(out / "jacobian_lecture.mp4")
    assert abs(loud + 16) <= 1.0, loud
    assert peak <= -1.0, peak


def test_every_cue_obeys_the_subtitle_rules(narrated) -> None:
    out, _, _ = narrated
    cues = list(srt.parse((out / "jacobian_lecture.srt").read_text(encoding="utf-8")))
    assert len(cues) >= 8 * len(NARRATED)  # at least 8 cues a scene (198 for the whole lecture)
    for cue, following in zip(cues, [*cues[1:], None], strict=True):
        lines = cue.content.split("\n")
        seconds = (cue.end - cue.start).total_seconds()
        assert len(lines) <= 2 and max(map(len, lines)) <= 42, cue.content
        assert seconds >= 1.0 - 1e-3, (cue.content, seconds)
        assert len(" ".join(lines)) / seconds <= 20.0 + 0.05, (cue.content, seconds)
        if following is not None:
            assert following.start >= cue.end, (cue.content, following.content)
        assert not any(code in cue.content for code in ("**", "_i", "^T", "\\", "phi"))


def test_captions_are_shown_while_they_are_said(narrated) -> None:
    """Speech covers at least 80 % of every cue, and no cue stays up through more than 1 s of silence."""
    out, _, _ = narrated
    speaking = speech_mask(audio_of(out / "jacobian_lecture.mp4"))
    for cue in srt.parse((out / "jacobian_lecture.srt").read_text(encoding="utf-8")):
        a, b = (round(t.total_seconds() / WINDOW) for t in (cue.start, cue.end))
        inside = speaking[a:b]
        assert inside.mean() >= 0.8, (cue.content, inside.mean())
        quiet = np.diff(np.flatnonzero(np.concatenate([[True], inside, [True]]))) - 1
        assert quiet.max() * WINDOW <= 1.0, (cue.content, quiet.max() * WINDOW)


def test_every_beat_is_narrated_and_the_captions_are_its_words(narrated) -> None:
    out, _, _ = narrated
    paths = sorted((out / "clips" / "tiny").glob("*.narration.json"))
    records = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    assert sorted(r["scene"] for r in records) == sorted(e.cls for e in NARRATED)
    said = []
    for record in records:
        assert [u["beat"] for u in record["utterances"]] == list(range(record["beats"])), record["scene"]
        assert {u["source"] for u in record["utterances"]} == {"synthetic"}
        said += [u["text"] for u in record["utterances"]]
    cue_words = " ".join(c.content for c in srt.parse((out / "jacobian_lecture.srt").read_text(encoding="utf-8")))
    for text in said:  # the cues show a minus sign where a caption typed a hyphen
        assert typeset_minus(" ".join(text.split())) in " ".join(cue_words.split()), text


def test_an_unchanged_rerun_renders_and_synthesises_nothing(narrated) -> None:
    out, cache, _ = narrated
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*.wav")}
    done = lecture(*scene_selection(), out=out, cache=cache)
    assert done.returncode == 0, done.stderr
    assert f"{len(NARRATED)} up to date, 0 to render" in done.stdout
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.wav")} == before


# ------------------------------------------------------------------------------------ the creator's recordings

def test_recordings_replace_the_voice_for_their_beats_and_the_rest_falls_back(tmp_path: Path) -> None:
    folder = tmp_path / "takes"
    folder.mkdir()
    write_wav(folder / "FixtureSquare-draw.wav", tone(3.0, hz=440, level=0.3))
    write_wav(folder / "Nowhere-intro.wav", tone(0.5))
    write_wav(folder / "FixtureSquare-02-beat2.wav", tone(0.5))  # named by number, as before beat ids
    out = tmp_path / "out"
    done = lecture("--voice", str(folder), out=out, cache=tmp_path / "speech",
                   storyboard="tests.fixture_storyboard:SPOKEN")
    assert done.returncode == 0, done.stderr
    assert "recordings: 1 of 2 beats from" in done.stdout
    assert "synthetic voice for 1: FixtureSquare-fill" in done.stdout
    # named before anything is rendered, each warning on one line
    lines = done.stdout.splitlines()
    numbered = next(i for i, line in enumerate(lines) if "named by beat number" in line)
    assert lines[numbered].endswith("as before beat ids (ignored): rename FixtureSquare-02-beat2.wav to "
                                    "FixtureSquare-fill.wav")
    assert lines[numbered + 1].startswith("warning: 1 recording(s) in ")
    assert lines[numbered + 1].endswith("match no beat of the lecture (ignored; scripts/render script "
                                        "lists the beat ids): Nowhere-intro.wav")
    assert numbered < next(i for i, line in enumerate(lines) if "to render" in line)
    record = json.loads((out / "clips" / "tiny" / "FixtureSquare.narration.json").read_text(encoding="utf-8"))
    first, second = record["utterances"]
    assert first["source"] == "recording" and abs(first["seconds"] - 3.0) < 0.01
    assert second["source"] == "synthetic"
    # the first beat waited for its 3 s take (and the pause), where it was written to last 1 s
    assert second["start"] >= 3.0 + 0.5 - 1e-6
    samples = audio_of(out / "jacobian_lecture.mp4")
    take = samples[int(0.5 * RATE):int(2.5 * RATE)]
    spectrum = np.abs(np.fft.rfft(take))
    assert abs(np.argmax(spectrum) * RATE / take.size - 440) < 2  # the recording is what is heard first


def test_a_corrupt_recording_stops_the_render_before_anything_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "takes"
    folder.mkdir()
    (folder / "FixtureSquare-draw.wav").write_bytes(b"RIFF....WAVEfmt garbage" * 4)
    out = tmp_path / "out"
    done = lecture("--voice", str(folder), out=out, cache=tmp_path / "speech",
                   storyboard="tests.fixture_storyboard:SPOKEN")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "FixtureSquare-draw.wav: cannot read audio" in done.stderr
    assert not (out / "jacobian_lecture.mp4").exists() and not (out / "clips").exists()


def test_an_unknown_voice_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = lecture("--voice", "jane", out=tmp_path / "out", cache=tmp_path / "speech",
                   storyboard="tests.fixture_storyboard:SPOKEN")
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: --voice: unknown voice 'jane': use none, joe, a Piper model (.onnx) "
                                   "or a folder of recordings")


def test_the_narration_script_lists_every_beat_in_storyboard_order(tmp_path: Path) -> None:
    done = lecture("script", out=tmp_path, cache=tmp_path / "speech", storyboard="tests.fixture_storyboard:TWO")
    assert done.returncode == 0, done.stderr
    script = (tmp_path / "narration_script.md").read_text(encoding="utf-8")
    ids = [line.strip("#` ") for line in script.splitlines() if line.startswith("### ")]
    assert ids == ["FixtureJacobian-write_matrix", "FixtureJacobian-hold", "FixtureSquare-draw",
                   "FixtureSquare-fill"]
    assert script.index("A square is drawn") < script.index("and filled")

"""The narration package on its own: spoken forms, voices, offline synthesis and its cache, the audio
track's placement and loudness.  Loudness and peaks are measured with FFmpeg's ebur128 filter (the ffmpeg
program, not the pyloudnorm meter the code uses); placements with plain NumPy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from narration import NarrationError, parse_voice
from narration.audio import RATE, decode
from narration.spoken import spoken_form, unspeakable
from narration.synth import Synthesiser
from narration.track import Placed, mix, normalise

ROOT = Path(__file__).resolve().parent.parent


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def tone(seconds: float, hz: float = 440.0, level: float = 0.5, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def ebur128(path: Path) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) of ``path``'s audio, by the ffmpeg program."""
    done = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a",
                           "-af", "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True, check=True)
    summary = done.stderr[done.stderr.rindex("Summary:"):]
    loud = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return loud, peak


# ---------------------------------------------------------------------------------------- spoken forms

@pytest.mark.parametrize(("written", "said"), [
    ("φᵢ′(x)", "phi i prime of x"),
    ("σ²", "sigma squared"),
    ("x² − y", "x squared minus y"),
    ("Jᵀ", "J transpose"),
    ("f(x) = wᵀφ(x)", "f of x equals w transpose phi of x"),
    ("diag(p) − ppᵀ", "diagonal of p minus p p transpose"),
    ("Jg(f(p)) Jf(p)", "J g of f of p times J f of p"),
    ("λ‖Jf(x)‖²", "lambda times the squared norm of J f of x"),
    ("log|det Jf(x)|", "log of the absolute determinant of J f of x"),
    ("at x₀ = -1.5", "at x zero equals minus 1.5"),
    ("[-2, 2] × [-2, 2]", "minus 2 to 2 by minus 2 to 2"),
])
def test_readable_math_is_spoken_in_words(written: str, said: str) -> None:
    assert spoken_form(written) == said
    assert unspeakable(spoken_form(written)) == ""


def test_code_syntax_or_an_unknown_symbol_is_reported_not_mumbled() -> None:
    assert unspeakable(spoken_form(r"J_f = \begin{bmatrix}")) != ""
    assert unspeakable(spoken_form("x ⊗ y")) == "⊗"


# ---------------------------------------------------------------------------------------- voices

def test_voices_by_name_model_or_folder_and_a_clear_error_otherwise(tmp_path: Path) -> None:
    assert not parse_voice("none").speaks
    joe = parse_voice("joe")
    assert joe.kind == "piper" and joe.model.is_file() and joe.config.is_file()
    folder = parse_voice(str(tmp_path))
    assert folder.kind == "recordings" and folder.folder == tmp_path.resolve() and folder.model == joe.model
    with pytest.raises(NarrationError, match=r"unknown voice 'jane': use none, joe, a Piper model"):
        parse_voice("jane")
    with pytest.raises(NarrationError, match="needs missing.onnx and missing.onnx.json"):
        parse_voice(str(tmp_path / "missing.onnx"))


def test_a_recording_is_found_by_beat_id_in_any_supported_format(tmp_path: Path) -> None:
    write_wav(tmp_path / "RBFJacobian-show_bumps.wav", tone(0.5))
    (tmp_path / "notes.txt").write_text("not audio")
    voice = parse_voice(str(tmp_path))
    assert voice.recording("RBFJacobian-show_bumps") == tmp_path.resolve() / "RBFJacobian-show_bumps.wav"
    assert voice.recording("RBFJacobian-show_derivatives") is None
    assert [p.name for p in voice.recordings()] == ["RBFJacobian-show_bumps.wav"]


def test_a_corrupt_recording_is_one_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "A-x.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 3)
    with pytest.raises(NarrationError, match=r"A-x\.wav: cannot read audio"):
        decode(bad)


# ---------------------------------------------------------------------------------------- synthesis

BLOCK_NETWORK = '''
import socket
def _refuse(*args, **kwargs):
    raise OSError("network blocked by the test")
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
'''


def test_synthesis_works_offline_and_is_cached(tmp_path: Path) -> None:
    """Piper runs with every socket connection refused (a sitecustomize in its PYTHONPATH, inherited by
    the Piper process); the speech lasts about as long as its words; the second request synthesises nothing."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCK_NETWORK)
    cache = tmp_path / "speech"
    code = ("import sys; from narration import parse_voice; from narration.synth import Synthesiser; "
            "v = parse_voice('joe'); print(Synthesiser(v.model, v.config, sys.argv[1]).speak(sys.argv[2]))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)])}
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('pypi.org', 443))"],
                           env=env, capture_output=True, text=True, check=False)
    assert "network blocked by the test" in probe.stderr  # the block is in force
    text = "A grid on the input plane, with squares of side one half."
    done = subprocess.run([sys.executable, "-c", code, str(cache), text], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    wav = Path(done.stdout.strip())
    samples = decode(wav)
    seconds = samples.size / RATE
    assert 2.0 < seconds < 6.0, seconds  # 57 characters at 10-25 characters per second
    assert np.abs(samples).max() > 0.1
    voice = parse_voice("joe")
    again = Synthesiser(voice.model, voice.config, cache)
    mtime = wav.stat().st_mtime_ns
    import narration.synth as synth

    def refuse(*args, **kwargs):
        raise AssertionError("synthesised again")

    original, synth.subprocess.Popen = synth.subprocess.Popen, refuse
    try:
        assert again.speak(text) == wav
    finally:
        synth.subprocess.Popen = original
    assert wav.stat().st_mtime_ns == mtime


def test_synthesis_is_the_same_speech_every_time(tmp_path: Path, monkeypatch) -> None:
    """Two empty caches, one sentence: the same bytes (Piper's sampling noise is off; with its defaults the two
    WAVs differed).  The settings are part of the cache key."""
    import narration.synth as synth

    voice = parse_voice("joe")
    text = "A model y equals tanch of W x plus b predicts two outputs."
    first = Synthesiser(voice.model, voice.config, tmp_path / "a").speak(text)
    second = Synthesiser(voice.model, voice.config, tmp_path / "b").speak(text)
    assert first.read_bytes() == second.read_bytes()
    assert decode(first).size / RATE > 2.0
    monkeypatch.setattr(synth, "SETTINGS", {**synth.SETTINGS, "noise_scale": 0.667})
    assert Synthesiser(voice.model, voice.config, tmp_path / "a").path_for(text) != first


# a stand-in for Piper: reads its lines, writes one WAV per line into -d's folder, named by the clock as Piper
# does, DELAY seconds apart; with HANG it stops answering after the first line
FAKE_PIPER = """
import sys, time, wave
folder, delay, hang = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1"
import pathlib; pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
for k, line in enumerate(sys.stdin):
    if hang and k == 2:
        time.sleep(600)
    time.sleep(delay)
    with wave.open(f"{folder}/{time.monotonic_ns()}.wav", "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
        w.writeframes(b"\\x10\\x00" * int(2205 * (k + 1)))
"""


class FakePiper(Synthesiser):
    def __init__(self, cache: Path, delay: float, hang: bool = False) -> None:
        super().__init__(ROOT / "pyproject.toml", ROOT / "pyproject.toml", cache)  # files to hash, nothing more
        self.delay, self.hang = delay, hang

    def command(self, folder: Path) -> list[str]:
        return [sys.executable, "-c", FAKE_PIPER, str(folder), str(self.delay), "1" if self.hang else "0"]


def test_a_long_batch_is_not_cut_off_while_piper_keeps_speaking(tmp_path: Path, monkeypatch) -> None:
    """Six lines 0.4 s apart take 2.4 s; the stall limit is 1 s and never reached (a deadline for the whole batch,
    600 s, failed a whole lecture's 81 utterances on a loaded 2-core machine).  Each WAV is its own line's."""
    import narration.synth as synth

    monkeypatch.setattr(synth, "STALL", 1.0)
    texts = [f"line number {k}" for k in range(6)]
    paths = FakePiper(tmp_path, delay=0.4).speak_many(texts)
    assert [round(decode(p).size / RATE, 2) for p in paths] == [round(0.1 * (k + 1), 2) for k in range(6)]


def test_a_stuck_piper_is_one_error_and_keeps_what_it_said(tmp_path: Path, monkeypatch) -> None:
    import narration.synth as synth

    monkeypatch.setattr(synth, "STALL", 1.0)
    texts = ["the first line", "the second line", "the third line"]
    with pytest.raises(NarrationError, match=r"Piper wrote no speech for 1 s; said 1 of 3 utterance"):
        FakePiper(tmp_path, delay=0.05, hang=True).speak_many(texts)
    fake = FakePiper(tmp_path, delay=0.05)
    assert fake.path_for(texts[0]).is_file() and not fake.path_for(texts[1]).is_file()
    assert not list(tmp_path.glob(".piper-*"))  # nothing half-written left behind


# ---------------------------------------------------------------------------------------- the track

def test_mix_places_each_utterance_at_its_sample(tmp_path: Path) -> None:
    a = write_wav(tmp_path / "a.wav", tone(0.25, level=0.3))
    b = write_wav(tmp_path / "b.wav", tone(0.5, hz=220, level=0.3))
    track = mix([Placed(1.0, a), Placed(2.5, b), Placed(3.9, b)], 4.0)
    assert track.size == 4 * RATE
    for t in (1.0, 2.5, 3.9):  # silence just before each start, sound just after
        at = round(t * RATE)
        assert not track[at - 200:at].any() and np.abs(track[at + 1:at + 200]).max() > 0.2, t
    assert not track[int(1.26 * RATE):int(2.49 * RATE)].any()  # silence between
    loud = np.abs(track) > 1e-3
    assert loud[-10:].all()  # the last one is cut at the end, not dropped


@pytest.mark.parametrize("level", [0.02, 0.9])
def test_normalised_track_meets_the_loudness_target_by_ffmpegs_meter(tmp_path: Path, level: float) -> None:
    """Speech-like bursts (quiet and hot) with pauses: -16 LUFS within 1 LU, true peak under -1 dBTP."""
    rng = np.random.default_rng(0)
    bursts = [tone(0.8, hz=150 + 80 * i, level=level) * (1 + 0.3 * rng.standard_normal(1).item())
              for i in range(8)]
    track = np.zeros(20 * RATE, np.float32)
    for i, burst in enumerate(bursts):
        at = int((1 + 2.3 * i) * RATE)
        track[at:at + burst.size] += burst
    track[5 * RATE:5 * RATE + 48] = level * 20  # a 1 ms click 26 dB over the speech: the limiter's job
    out = normalise(track)
    loud, peak = ebur128(write_wav(tmp_path / "n.wav", out))
    assert abs(loud - (-16.0)) <= 1.0, loud  # the numbers, not the module's constants
    assert peak <= -1.0 + 0.05, peak  # 16-bit WAV rounding


def test_silence_stays_silent() -> None:
    assert not normalise(np.zeros(RATE, np.float32)).any()


def test_a_lost_speech_file_is_one_error_saying_what_to_do(tmp_path: Path) -> None:
    from lecture.errors import MediaError
    from lecture.narrate import track

    record = {"utterances": [{"start": 0.5, "file": str(tmp_path / "gone.wav")}]}
    with pytest.raises(MediaError, match=r"1 speech file\(s\) of the rendered clips are gone, e\.g\. .*gone\.wav "
                                         r"\(was the speech cache cleared\?\); render again with --force"):
        track([record], [0.0], 2.0, "mp4", tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()


def test_a_scene_gets_the_narrator_its_process_names_and_is_silent_by_default(monkeypatch) -> None:
    """The kit imports no narration: a scene is silent unless the process installs a narrator or
    ``$JACOBIAN_NARRATOR`` names one, as the lecture's scene processes do; a bad name is one clear error."""
    from lecture.render import scene_env
    from narration.narrator import Narrator
    from scenes.kit import narrator as kit

    monkeypatch.delenv(kit.ENV_VAR, raising=False)
    monkeypatch.setenv("JACOBIAN_VOICE", "none")
    silent = kit.narrator_for("S")
    assert isinstance(silent, kit.SilentNarrator) and not silent.speaks
    assert silent.say("S-01-a", 0, "x", 0).seconds is None
    env = scene_env(None, False, "none")
    monkeypatch.setenv(kit.ENV_VAR, env[kit.ENV_VAR])
    lecture = kit.narrator_for("S")
    assert isinstance(lecture, Narrator) and lecture.scene == "S" and lecture.plan == {} and not lecture.speaks
    kit.use_narrator(kit.SilentNarrator)
    try:
        assert isinstance(kit.narrator_for("S"), kit.SilentNarrator)  # the process's own choice comes first
    finally:
        kit.use_narrator(None)
    for bad in ("narration.narrator", "narration.nowhere:for_scene", "narration.narrator:OUT_ENV"):
        monkeypatch.setenv(kit.ENV_VAR, bad)
        with pytest.raises(kit.NarratorError, match=rf"^\$JACOBIAN_NARRATOR={re.escape(bad)}: .*module:attribute"):
            kit.narrator_for("S")


def test_the_caption_rules_name_each_broken_rule() -> None:
    """narration.rules.caption_problems: the one check of the caption rules (tests, narrator, preview)."""
    from narration.rules import caption_problems

    assert caption_problems("The Jacobian Jf maps e₁ to J e₁; ‖J‖ is its size, φ′(x₀) its slope.") == []
    assert [(p.rule, p.found) for p in caption_problems("The Red arrow")] == [("colour", "Red")]
    assert [(p.rule, p.found) for p in caption_problems("x**2 grows")] == [("code", "**"), ("unsayable", "*")]
    assert [p.rule for p in caption_problems("W^T and phi")] == ["code", "unsayable"]
    (unsayable,) = caption_problems("The Kronecker product A ⊗ B.")
    assert (unsayable.rule, unsayable.found) == ("unsayable", "⊗")
    assert str(unsayable) == "has characters a voice cannot say ('⊗') in its spoken form 'The Kronecker product A ⊗ B.'"
    assert caption_problems("The Kronecker product A ⊗ B.", spoken="The Kronecker product of A and B.") == []

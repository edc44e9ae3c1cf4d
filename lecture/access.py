"""Colour and motion checks for accessible publishing: colour-vision-deficiency simulation, colour
differences, text contrast (WCAG 1.4.3) and flashes (WCAG 2.3.1).  NumPy only; colours are sRGB hex strings
or arrays of sRGB values in [0, 1].

- :func:`simulate_cvd`: Machado, Oliveira and Fernandes (2009), "A Physiologically-based Model for Simulation
  of Color Vision Deficiency", IEEE TVCG 15(6):1291-1298, at severity 1.0 (dichromacy): the published 3x3
  matrices below, applied to linear RGB (the authors' own table at
  https://www.inf.ufrgs.br/~oliveira/pubs_files/CVD_Simulation/CVD_Simulation.html).
- :func:`delta_e76`: CIE76 colour difference in CIELAB (D65 white, sRGB primaries, IEC 61966-2-1).
- :func:`contrast_ratio`: WCAG 2.x relative luminance and contrast ratio.
- :func:`flash_counts`: WCAG 2.3.1 "three flashes or below threshold": general flashes (a pair of opposing
  changes of relative luminance of 0.1 or more where the darker state is below 0.8) and red flashes (opposing
  changes of 20 or more in (R - G - B) x 320 of a saturated red, R / (R + G + B) >= 0.8, linear RGB), over
  an area of at least a quarter of a 10 degree visual field, counted in every one-second window.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["MACHADO_2009", "audit_flashes", "contrast_ratio", "delta_e76", "flash_counts", "hex_to_srgb",
           "relative_luminance", "simulate_cvd", "to_lab", "video_flashes"]

# Machado et al. (2009), Table / supplementary matrices at severity 1.0, for linear RGB.
MACHADO_2009 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}

# linear sRGB -> CIE XYZ (D65), IEC 61966-2-1
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_WHITE = _SRGB_TO_XYZ @ np.ones(3)


def hex_to_srgb(colour: str) -> np.ndarray:
    """``"#RRGGBB"`` as sRGB values in [0, 1]."""
    text = str(colour).lstrip("#")
    if len(text) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    return np.array([int(text[i:i + 2], 16) for i in (0, 2, 4)]) / 255.0


def to_linear(srgb: np.ndarray) -> np.ndarray:
    srgb = np.asarray(srgb, dtype=float)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def simulate_cvd(colour: str | np.ndarray, kind: str | None) -> np.ndarray:
    """The colour as seen with ``kind`` (``protanopia``, ``deuteranopia``, ``tritanopia``; None: normal
    vision), as *linear* RGB clipped to [0, 1]."""
    linear = to_linear(hex_to_srgb(colour) if isinstance(colour, str) else colour)
    if kind is None:
        return linear
    return np.clip(linear @ MACHADO_2009[kind].T, 0.0, 1.0)


def to_lab(linear: np.ndarray) -> np.ndarray:
    """CIELAB (L*, a*, b*) of linear sRGB values (D65)."""
    xyz = np.asarray(linear, dtype=float) @ _SRGB_TO_XYZ.T / _WHITE
    eps = (6 / 29) ** 3
    f = np.where(xyz > eps, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e76(a: str, b: str, kind: str | None = None) -> float:
    """CIE76 ΔE*ab between colours ``a`` and ``b`` as seen with ``kind`` (None: normal vision)."""
    return float(np.linalg.norm(to_lab(simulate_cvd(a, kind)) - to_lab(simulate_cvd(b, kind))))


def relative_luminance(colour: str | np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB colour(s) (last axis RGB in [0, 1], or a hex string)."""
    linear = to_linear(hex_to_srgb(colour) if isinstance(colour, str) else colour)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio (1 to 21) of two colours."""
    la, lb = sorted((float(relative_luminance(a)), float(relative_luminance(b))))
    return (lb + 0.05) / (la + 0.05)


# ------------------------------------------------------------------------------------------------ flashes
GENERAL_STEP = 0.1  # relative luminance
DARK_LIMIT = 0.8  # the darker state of a general flash is below this
RED_STEP = 20.0  # in (R - G - B) x 320
RED_SATURATION = 0.8  # R / (R + G + B)
# a quarter of a 10 degree visual field: 341 x 256 px of a 1024 x 768 screen at a typical distance (WCAG's note)
FLASH_AREA = 0.25 * 341 * 256 / (1024 * 768)
MAX_FLASHES = 3  # in any one second


@dataclass(frozen=True)
class FlashReport:
    """The most flashes in any one-second window (general and red) and when that window starts (seconds)."""

    general: int
    general_at: float
    red: int
    red_at: float

    @property
    def ok(self) -> bool:
        return self.general <= MAX_FLASHES and self.red <= MAX_FLASHES


class _Transitions:
    """Per pixel: opposing changes of at least ``step`` in a signal (a transition is counted when the signal
    moves ``step`` away from its last extreme, against the previous direction; ``dark`` limits the darker
    state, or None)."""

    def __init__(self, first: np.ndarray, step: float, dark: float | None) -> None:
        self.extreme = first.copy()
        self.direction = np.zeros(first.shape, dtype=np.int8)
        self.step, self.dark = step, dark

    def update(self, value: np.ndarray) -> np.ndarray:
        delta = value - self.extreme
        darker_ok = np.ones(value.shape, bool) if self.dark is None else np.minimum(value, self.extreme) < self.dark
        up = (delta >= self.step) & (self.direction <= 0) & darker_ok
        down = (delta <= -self.step) & (self.direction >= 0) & darker_ok
        turned = up | down
        self.direction[up], self.direction[down] = 1, -1
        # follow the signal in its direction; restart from the new value where it turned
        further = ((self.direction > 0) & (value > self.extreme)) | ((self.direction < 0) & (value < self.extreme))
        self.extreme = np.where(turned | further, value, self.extreme)
        return turned


def _window_max(events: np.ndarray, fps: float) -> tuple[int, float]:
    """The most flashes (pairs of transitions) in any window of one second, and its start."""
    width = max(1, round(fps))
    counts = np.convolve(events.astype(int), np.ones(width, int), mode="valid") if len(events) >= width \
        else np.array([events.sum()])
    best = int(np.argmax(counts))
    return int(counts[best]) // 2, best / fps


def flash_counts(frames: Iterable[np.ndarray], fps: float) -> FlashReport:
    """Flashes in ``frames`` (each H x W x 3 sRGB in [0, 1] or uint8) shown at ``fps``: for each frame, whether
    the pixels that make a transition cover at least :data:`FLASH_AREA` of the frame; then the most flashes
    (two transitions each) in any one-second window."""
    general_events, red_events = [], []
    general = red = None
    for frame in frames:
        rgb = np.asarray(frame, dtype=float)
        if rgb.max() > 1.0:
            rgb = rgb / 255.0
        linear = to_linear(rgb)
        luminance = linear @ np.array([0.2126, 0.7152, 0.0722])
        total = linear.sum(axis=-1)
        saturated = linear[..., 0] >= RED_SATURATION * np.maximum(total, 1e-9)
        redness = np.where(saturated, np.maximum(linear[..., 0] - linear[..., 1] - linear[..., 2], 0) * 320, 0.0)
        if general is None:
            general, red = _Transitions(luminance, GENERAL_STEP, DARK_LIMIT), _Transitions(redness, RED_STEP, None)
            general_events.append(False)
            red_events.append(False)
            continue
        general_events.append(general.update(luminance).mean() >= FLASH_AREA)
        red_events.append(red.update(redness).mean() >= FLASH_AREA)
    g, g_at = _window_max(np.array(general_events, bool), fps)
    r, r_at = _window_max(np.array(red_events, bool), fps)
    return FlashReport(g, g_at, r, r_at)


def video_flashes(path: Path, width: int = 160) -> FlashReport:
    """:func:`flash_counts` over a video file's frames (decoded with PyAV, scaled to ``width`` pixels wide:
    the area rule is a fraction of the frame, so a small copy of each frame is enough)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate or stream.base_rate)
        height = max(2, round(width * stream.height / stream.width))
        frames = (f.to_ndarray(format="rgb24", width=width, height=height) for f in container.decode(stream))
        return flash_counts(frames, fps)


def audit_flashes(argv: Sequence[str]) -> int:
    """``python -m lecture audit-flashes VIDEO...``: the WCAG 2.3.1 flash check on rendered videos; one line per
    file; exit 0 when every file passes, 1 when one flashes, 2 when one cannot be read."""
    import argparse

    import av

    parser = argparse.ArgumentParser(prog="python -m lecture audit-flashes",
                                     description="WCAG 2.3.1 (three flashes or below threshold) over a video's "
                                                 "frames: at most three general and three red flashes in any "
                                                 "one-second window.")
    parser.add_argument("videos", nargs="+", type=Path, metavar="VIDEO", help="a video file (mp4, webm, ...)")
    args = parser.parse_args(list(argv))
    worst = 0
    for path in args.videos:
        if not path.is_file():
            print(f"error: {path}: no such file", file=sys.stderr)
            worst = 2
            continue
        try:
            report = video_flashes(path)
        except (av.error.FFmpegError, IndexError, ValueError, OSError) as exc:  # IndexError: no video stream
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"error: {path}: cannot decode it as a video ({reason})", file=sys.stderr)
            worst = 2
            continue
        verdict = "ok" if report.ok else "FAILS WCAG 2.3.1"
        print(f"{path}: {verdict}: at most {report.general} general flash(es) in one second (from "
              f"{report.general_at:.2f} s), {report.red} red (from {report.red_at:.2f} s); the limit is "
              f"{MAX_FLASHES}")
        if not report.ok:
            worst = max(worst, 1)
    return worst

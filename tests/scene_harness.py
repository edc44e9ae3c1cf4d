"""Render scenes inside pytest at tiny resolution and compare final frames with golden PNGs.

Regenerate the golden frames after an intended visual change with
    UPDATE_GOLDEN=1 scripts/test -k golden
and look at the new PNGs under tests/golden/ before committing them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

GOLDEN_DIR = Path(__file__).parent / "golden"
GOLDEN_SIZE = (320, 180)


def _config(name: str, tmp_dir: Path, width: int, height: int, fps: int, last_frame: bool) -> dict:
    return {
        "output_file": name,  # Manim needs a name to write the subcaption (.srt) file
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": fps,
        "media_dir": str(tmp_dir),
        "disable_caching": True,
        "write_to_movie": not last_frame,
        "save_last_frame": last_frame,
        "verbosity": "ERROR",
        "progress_bar": "none",
        "format": None,
    }


def render_scene(scene_cls: type, tmp_dir: Path, width: int = 256, height: int = 144, fps: int = 5,
                 last_frame: bool = False):
    """Render ``scene_cls`` (movie by default, or only its last frame); return the finished scene."""
    from manim import tempconfig

    with tempconfig(_config(scene_cls.__name__, Path(tmp_dir), width, height, fps, last_frame)):
        scene = scene_cls()
        scene.render()
    return scene


def final_frame(scene_cls: type, tmp_dir: Path, size: tuple[int, int] = GOLDEN_SIZE) -> np.ndarray:
    """The scene's last frame as an ``(h, w, 3)`` uint8 array."""
    scene = render_scene(scene_cls, tmp_dir, *size, last_frame=True)
    return np.asarray(scene.renderer.get_frame())[..., :3].copy()


def assert_matches_golden(frame: np.ndarray, name: str, mean_tol: float = 3.0, outlier_frac: float = 0.01) -> None:
    """Compare ``frame`` with ``tests/golden/<name>.png``: mean absolute difference below
    ``mean_tol`` (0-255 scale) and fewer than ``outlier_frac`` pixels off by more than 64."""
    path = GOLDEN_DIR / f"{name}.png"
    if os.environ.get("UPDATE_GOLDEN") == "1" or not path.exists():
        if os.environ.get("CI") and not path.exists():
            raise AssertionError(f"golden frame {path} is missing; run UPDATE_GOLDEN=1 scripts/test -k golden")
        GOLDEN_DIR.mkdir(exist_ok=True)
        Image.fromarray(frame).save(path)
        return
    golden = np.asarray(Image.open(path).convert("RGB"))
    assert golden.shape == frame.shape, f"{name}: frame shape {frame.shape} != golden {golden.shape}"
    diff = np.abs(golden.astype(int) - frame.astype(int)).max(axis=-1)
    mean = float(diff.mean())
    outliers = float((diff > 64).mean())
    if mean > mean_tol or outliers > outlier_frac:
        out = path.with_name(f"{name}.actual.png")
        Image.fromarray(frame).save(out)
        raise AssertionError(
            f"{name}: differs from golden (mean {mean:.2f} > {mean_tol} or outliers {outliers:.3%} > "
            f"{outlier_frac:.1%}); actual frame saved to {out}. If the change is intended: UPDATE_GOLDEN=1"
        )

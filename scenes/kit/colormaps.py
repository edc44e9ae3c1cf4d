"""Perceptual colour maps (plasma, viridis, magma, inferno) without a matplotlib dependency, and raster compositing.

The maps are the exact published 256-entry tables (``assets/colormaps.json``: by Nathaniel J. Smith, Stefan van
der Walt and, for viridis, Eric Firing; CC0; the file says where it was copied from), looked up as matplotlib does.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
from manim import ManimColor, interpolate_color

from jacobian_settings import COLORMAPS
from scenes.kit import style

COLORMAP_FILE = Path(__file__).resolve().parents[2] / "assets" / "colormaps.json"


@cache
def colormap_table(name: str) -> np.ndarray:
    """The published table of colour map ``name``: ``(256, 3)`` floats in 0..1 (read once per process)."""
    if name not in COLORMAPS:
        raise ValueError(f"unknown colour map {name!r} (known: {', '.join(COLORMAPS)})")
    table = np.array(json.loads(COLORMAP_FILE.read_text(encoding="utf-8"))["maps"][name], dtype=float)
    table.setflags(write=False)
    return table


def colormap_rgb(t: np.ndarray, name: str) -> np.ndarray:
    """Colours ``(..., 3)`` uint8 of values ``t (...)`` in [0, 1] (clipped) under colour map ``name``.

    As matplotlib's 256-entry colour maps: entry ``min(floor(256 t), 255)``, here rounded to the nearest
    8-bit level (matplotlib's ``bytes=True`` truncates instead)."""
    table = colormap_table(name)
    n = len(table)
    k = np.minimum((np.clip(np.asarray(t, float), 0.0, 1.0) * n).astype(int), n - 1)
    return np.round(table[k] * 255.0).astype(np.uint8)


def colormap_rgba(values: np.ndarray, name: str, vmin: float, vmax: float, fade: bool = True) -> np.ndarray:
    """Map a field ``(h, w)`` to RGBA ``(h, w, 4)`` uint8 with a perceptual colour map.

    With ``fade``, low values also become transparent so that the grid stays visible.
    """
    t = np.clip((np.asarray(values, dtype=float) - vmin) / (vmax - vmin), 0.0, 1.0)
    rgb = colormap_rgb(t, name)
    alpha = np.clip(t * 3.0, 0.0, 1.0) * 235 if fade else np.full(t.shape, 235.0)
    return np.concatenate([rgb, alpha[..., None]], axis=-1).astype(np.uint8)


def diverging_rgba(values: np.ndarray, vmax: float) -> np.ndarray:
    """Signed field ``(h, w)`` to RGBA: negative blue, positive orange, zero transparent."""
    v = np.clip(np.asarray(values, dtype=float) / vmax, -1.0, 1.0)
    neg, posc = (np.array(c.to_int_rgb(), float) for c in (style.SHRINK, style.GROW))
    rgb = np.where(v[..., None] < 0, neg, posc) * np.ones(v.shape + (1,))
    alpha = np.abs(v) * 220
    return np.concatenate([rgb, alpha[..., None]], axis=-1).astype(np.uint8)


def signed_color(value: float, scale: float) -> ManimColor:
    """The colour of a matrix cell holding ``value``: the panel colour blended towards POSITIVE (>= 0) or
    NEGATIVE by |value| / ``scale`` (``scale`` > 0: full strength from there on), at most 80 %."""
    target = style.POSITIVE if value >= 0 else style.NEGATIVE
    return interpolate_color(style.PANEL, ManimColor(target), min(1.0, abs(value) / scale) * 0.8)


def cross_fade(old: np.ndarray, new: np.ndarray, alpha: float) -> np.ndarray:
    """What ``old`` faded to ``1 - alpha`` with ``new`` faded to ``alpha`` drawn over it shows, as one RGBA raster.

    Straight-alpha ``(h, w, 4)`` uint8 in and out (Porter-Duff "over", the compositing Manim's camera uses),
    so a cross-fade costs one image draw per frame instead of two."""
    a_old = old[..., 3:] / 255.0 * (1.0 - alpha)
    a_new = new[..., 3:] / 255.0 * alpha
    a_out = a_new + a_old * (1.0 - a_new)
    rgb = (new[..., :3] * a_new + old[..., :3] * a_old * (1.0 - a_new)) / np.maximum(a_out, 1e-9)
    return np.round(np.concatenate([rgb, a_out * 255.0], axis=-1)).astype(np.uint8)

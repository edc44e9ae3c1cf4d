"""Perceptual colour maps (plasma, viridis, magma, inferno) without a matplotlib dependency.

Anchor colours at t = 0, 1/8, ..., 1 of each map; linear interpolation between
neighbours stays within a few 8-bit levels of the full published tables.
"""

from __future__ import annotations

import numpy as np

from scenes.kit import style

COLORMAP_ANCHORS: dict[str, tuple[str, ...]] = {
    "plasma": ("#0D0887", "#4C02A1", "#7E03A8", "#A92395", "#CC4778", "#E56B5D", "#F89441", "#FDC328", "#F0F921"),
    "viridis": ("#440154", "#472C7A", "#3B518B", "#2C718E", "#21908D", "#27AD81", "#5CC863", "#AADC32", "#FDE725"),
    "magma": ("#000004", "#1C1044", "#4F127B", "#812581", "#B5367A", "#E55064", "#FB8761", "#FEC287", "#FCFDBF"),
    "inferno": ("#000004", "#1F0C48", "#550F6D", "#88226A", "#BA3655", "#E35933", "#F98C0A", "#F9C932", "#FCFFA4"),
}


def hex_to_rgb(colors: tuple[str, ...] | list[str]) -> np.ndarray:
    """``["#RRGGBB", ...]`` -> float array ``(n, 3)`` in 0..255."""
    return np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colors], float)


def colormap_rgb(t: np.ndarray, name: str) -> np.ndarray:
    """Colours ``(..., 3)`` uint8 of values ``t (...)`` in [0, 1] (clipped) under colour map ``name``."""
    if name not in COLORMAP_ANCHORS:
        raise ValueError(f"unknown colour map {name!r} (known: {', '.join(COLORMAP_ANCHORS)})")
    table = hex_to_rgb(COLORMAP_ANCHORS[name])
    x = np.clip(np.asarray(t, float), 0.0, 1.0) * (len(table) - 1)
    k = np.minimum(x.astype(int), len(table) - 2)
    frac = (x - k)[..., None]
    return np.round(table[k] * (1 - frac) + table[k + 1] * frac).astype(np.uint8)


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
    neg, posc = hex_to_rgb([style.SHRINK.to_hex(), style.GROW.to_hex()])
    rgb = np.where(v[..., None] < 0, neg, posc) * np.ones(v.shape + (1,))
    alpha = np.abs(v) * 220
    return np.concatenate([rgb, alpha[..., None]], axis=-1).astype(np.uint8)


def cross_fade(old: np.ndarray, new: np.ndarray, alpha: float) -> np.ndarray:
    """What ``old`` faded to ``1 - alpha`` with ``new`` faded to ``alpha`` drawn over it shows, as one RGBA raster.

    Straight-alpha ``(h, w, 4)`` uint8 in and out (Porter-Duff "over", the compositing Manim's camera uses),
    so a cross-fade costs one image draw per frame instead of two."""
    a_old = old[..., 3:] / 255.0 * (1.0 - alpha)
    a_new = new[..., 3:] / 255.0 * alpha
    a_out = a_new + a_old * (1.0 - a_new)
    rgb = (new[..., :3] * a_new + old[..., :3] * a_old * (1.0 - a_new)) / np.maximum(a_out, 1e-9)
    return np.round(np.concatenate([rgb, a_out * 255.0], axis=-1)).astype(np.uint8)

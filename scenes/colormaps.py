"""Perceptual colour maps (plasma, viridis, magma, inferno) without a matplotlib dependency.

Anchor colours at t = 0, 1/8, ..., 1 of each map; linear interpolation between
neighbours stays within a few 8-bit levels of the full published tables.
"""

from __future__ import annotations

import numpy as np

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

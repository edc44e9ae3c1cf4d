"""The math module's speed: f and J_f of the page's map on 10^6 points, and the symbolic set-up."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

PAGE_MAP = ("x**2 - y", "y**2 + x")  # the tutorial page's f (assets/default.toml)
# Inputs that would hang or blow up a naive parser (the unit tests check they are rejected or parsed,
# this times them: the wall-clock guard that used to live in tests/test_expressions_hostile.py).
HEAVY_EXPRESSIONS = ("9**9**9**9", "1e6**999999", "(" * 30 + "x" + ")" * 30, "x" + "*x" * 500,
                     "sin(" * 40 + "x" + ")" * 40, "exp(exp(exp(exp(x))))", "x**(10**100)", "9" * 5000)


def reference_f(points: np.ndarray) -> np.ndarray:
    """The page's f(x, y) = (x^2 - y, y^2 + x) written out in plain NumPy: ``(n, 2) -> (n, 2)``."""
    x, y = points[:, 0], points[:, 1]
    return np.stack([x * x - y, y * y + x], axis=-1)


def reference_jacobian(points: np.ndarray) -> np.ndarray:
    """Its Jacobian [[2x, -1], [1, 2y]] written out, loop-free: ``(n, 2) -> (n, 2, 2)``."""
    x, y = points[:, 0], points[:, 1]
    out = np.empty((len(points), 2, 2))
    out[:, 0, 0], out[:, 0, 1] = 2 * x, -1.0
    out[:, 1, 0], out[:, 1, 1] = 1.0, 2 * y
    return out


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Fastest of ``repeat`` calls, seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run(n: int = 1_000_000, repeat: int = 5, seed: int = 0) -> dict:
    """Time PlaneMap against the references on ``n`` random points of [-2, 2]^2 (after checking they agree)."""
    from jacobian_math import PlaneMap

    t0 = time.perf_counter()
    fmap = PlaneMap.from_expressions(*PAGE_MAP)
    setup_first = time.perf_counter() - t0
    setup_best = best_of(lambda: PlaneMap.from_expressions(*PAGE_MAP), repeat)

    points = np.random.default_rng(seed).uniform(-2.0, 2.0, size=(n, 2))
    max_f_diff = float(np.abs(fmap(points) - reference_f(points)).max())
    max_j_diff = float(np.abs(fmap.jacobian(points) - reference_jacobian(points)).max())
    if max_f_diff > 1e-12 or max_j_diff > 1e-12:
        raise AssertionError(f"PlaneMap disagrees with the reference: |df| {max_f_diff}, |dJ| {max_j_diff}")
    heavy = {text[:24]: best_of(lambda text=text: _parse_or_reject(text), 1) for text in HEAVY_EXPRESSIONS}
    ours_f = best_of(lambda: fmap(points), repeat)
    ref_f = best_of(lambda: reference_f(points), repeat)
    ours_j = best_of(lambda: fmap.jacobian(points), repeat)
    ref_j = best_of(lambda: reference_jacobian(points), repeat)
    return {
        "points": n,
        "repeat": repeat,
        "map": {"f1": PAGE_MAP[0], "f2": PAGE_MAP[1]},
        "from_expressions_first_s": setup_first,
        "from_expressions_best_s": setup_best,
        "f_planemap_s": ours_f,
        "f_reference_s": ref_f,
        "f_ratio": ours_f / ref_f,
        "jacobian_planemap_s": ours_j,
        "jacobian_reference_s": ref_j,
        "jacobian_ratio": ours_j / ref_j,
        "max_abs_diff_f": max_f_diff,
        "max_abs_diff_jacobian": max_j_diff,
        "heavy_parse_s": heavy,
        "heavy_parse_worst_s": max(heavy.values()),
    }


def _parse_or_reject(text: str) -> None:
    from jacobian_math import ExpressionError, parse_expression

    try:
        parse_expression(text)
    except ExpressionError:
        pass


def format_math(result: dict) -> str:
    r = result
    return "\n".join([
        f"math: {r['points']:,} points, best of {r['repeat']}",
        f"  f      PlaneMap {r['f_planemap_s'] * 1e3:7.1f} ms   plain NumPy {r['f_reference_s'] * 1e3:7.1f} ms"
        f"   ratio {r['f_ratio']:.2f}",
        f"  J_f    PlaneMap {r['jacobian_planemap_s'] * 1e3:7.1f} ms   plain NumPy "
        f"{r['jacobian_reference_s'] * 1e3:7.1f} ms   ratio {r['jacobian_ratio']:.2f}",
        f"  PlaneMap.from_expressions: first {r['from_expressions_first_s'] * 1e3:.1f} ms, "
        f"best {r['from_expressions_best_s'] * 1e3:.1f} ms",
        f"  hostile expressions ({len(r['heavy_parse_s'])}): slowest parse or rejection "
        f"{r['heavy_parse_worst_s'] * 1e3:.1f} ms",
    ])

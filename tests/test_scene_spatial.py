"""SpatialOutputs renders in-process (320x180, 5 fps); what it shows is read back and compared with computations
written out here (an explicit loop over pixels for the layer and its Jacobian, tests/test_math_spatial.py's,
and the input drawn from its seed with NumPy directly); the final frame is compared with
tests/golden/ml_SpatialOutputs.png.  Captions' numbers are checked in tests/test_captions.py."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from manim import ManimColor
from scene_harness import (
    GOLDEN_SIZE,
    assert_beats_match_golden,
    assert_matches_golden,
    cell_strength,
    render_scene,
)
from test_math_spatial import loop_jacobian, loop_layer

from scenes.kit.beats import beat_ids

pytestmark = pytest.mark.render


def recorded_class():
    from scenes.spatial_outputs import SpatialOutputs

    class Recorded(SpatialOutputs):
        """Keeps what was on screen at the end of the beats whose state the last frame no longer shows."""

        def show_row(self) -> None:
            super().show_row()
            self.row_shown = self.snapshot()

        def _go_to(self, pixel) -> None:
            super()._go_to(pixel)
            self.steps = [*getattr(self, "steps", []), (pixel, self.snapshot())]

        def show_saliency(self) -> None:
            super().show_saliency()
            self.saliency_shown = self.snapshot()

        def snapshot(self) -> dict:
            return {"pixel": self.current,
                    "window": [(w.get_left()[0], w.get_right()[0], w.get_bottom()[1], w.get_top()[1])
                               for w in self.window],
                    "out_box": self.out_box.get_center().copy(),
                    "values": np.array([n.get_value() for n in self.row_nums]),
                    "colours": [c.get_fill_color() for c in self.row_cells]}

    Recorded.__name__ = "SpatialOutputs"
    return Recorded


# the defaults (tanh, same padding, a kernel without zeros), and valid padding with a kernel with zeros
CONFIGS = {"default": "", "valid_sobel": "[spatial]\npadding = 'valid'\nkernel = 'sobel'\npixel = [1, 2]\n"
                                         "path = [[0, 0], [3, 3]]\n"}


@pytest.fixture(scope="module", params=list(CONFIGS))
def rendered(request, tmp_path_factory):
    from jacobian_settings import ENV_VAR, activate

    path = tmp_path_factory.mktemp("spatial_config") / "user.toml"
    path.write_text(CONFIGS[request.param])
    old = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = str(path)
    activate(None)
    try:
        scene = render_scene(recorded_class(), tmp_path_factory.mktemp("spatial"), *GOLDEN_SIZE, last_frame=True,
                             beat_frames=True)
        scene.config_name = request.param
        yield scene, np.asarray(scene.renderer.get_frame())[..., :3].copy()
    finally:
        if old is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = old
        activate(None)


def truth(sp):
    """(x, K, y, J) written out: the input from its seed, the kernel from the settings, the loops."""
    x = np.round(np.random.default_rng(sp.input_seed).uniform(-1.0, 1.0, (sp.height, sp.width, sp.channels)), 1)
    K = np.array(sp.kernel_weights, float)
    b = np.full(sp.channels, sp.bias)
    return x, K, loop_layer(x, K, b, sp.activation, sp.padding), loop_jacobian(x, K, b, sp.activation, sp.padding)


def by_grid(values: np.ndarray, C: int, rows: int, cols: int) -> np.ndarray:
    """Numbers of a drawn grid (channel by channel, each row-major) as an image (rows, cols, C)."""
    return np.asarray(values).reshape(C, rows, cols).transpose(1, 2, 0)


def test_golden_final_frame(rendered) -> None:
    scene, frame = rendered
    assert frame.std() > 5
    assert_matches_golden(frame, "ml_SpatialOutputs" + ("" if scene.config_name == "default" else "_valid_sobel"))


def test_golden_end_frame_of_every_beat(rendered) -> None:
    """Each beat's end frame (the defaults only) against tests/golden/beats/SpatialOutputs/, named by the beat."""
    scene, frame = rendered
    if scene.config_name != "default":
        pytest.skip("beat goldens are kept for the defaults")
    from scenes import spatial_outputs

    names = beat_ids(Path(spatial_outputs.__file__), "SpatialOutputs")
    assert [b.split("-", 1)[1] for b, _ in scene.beat_frames] == names and len(names) == 8
    last_beat = {b.split("-", 1)[1]: f for b, f in scene.beat_frames}[names[-1]]  # the last beat in the source
    np.testing.assert_array_equal(last_beat, frame)
    assert_beats_match_golden(scene.beat_frames, "SpatialOutputs")


def test_every_grid_cell_carries_its_number(rendered) -> None:
    scene, _ = rendered
    sp = scene.settings.spatial
    x, K, y, J = truth(sp)
    H, W, C = x.shape
    Ho, Wo, _ = y.shape
    for cells, nums, expected in ((scene.x_cells, scene.x_nums, x), (scene.y_cells, scene.y_nums, y),
                                  (scene.row_cells, scene.row_nums, None)):
        assert len(cells) == len(nums)
        for cell, num in zip(cells, nums, strict=True):  # each number sits inside its own cell
            assert np.abs(num.get_center() - cell.get_center()).max() < 1e-6
            assert num.width < cell.width and num.height < cell.height
        if expected is not None:
            shown = by_grid([n.get_value() for n in nums], C, *expected.shape[:2])
            np.testing.assert_allclose(shown, expected, atol=0.0051)
    # the grids' cells are in reading order: row r, column c of channel ch at the same place in x and the row map
    for ch in range(C):
        for r in range(H):
            for c in range(W):
                a, b = scene.x_cells[(ch * H + r) * W + c], scene.row_cells[(ch * H + r) * W + c]
                assert a.get_y() == pytest.approx(b.get_y()) and b.get_x() - a.get_x() == pytest.approx(
                    scene.row_cells[0].get_x() - scene.x_cells[0].get_x())
                if c:
                    assert a.get_x() > scene.x_cells[(ch * H + r) * W + c - 1].get_x()
                if r:
                    assert a.get_y() < scene.x_cells[(ch * H + r - 1) * W + c].get_y()
    # the kernel's numbers
    for c, o, cells, nums in scene.kernel_nums:
        np.testing.assert_allclose([n.get_value() for n in nums], K[:, :, c, o].ravel(), atol=0.0051)
        for cell, num in zip(cells, nums, strict=True):
            assert np.abs(num.get_center() - cell.get_center()).max() < 1e-6


def expected_window(scene, pixel) -> list[tuple[float, float, float, float]]:
    """The bounds of the input cells in output ``pixel``'s receptive field (rows and columns i - p .. i + k - 1 - p
    inside the image), from the drawn cells, per channel."""
    sp = scene.settings.spatial
    H, W, C, k = sp.height, sp.width, sp.channels, scene.k
    p = (k - 1) // 2 if sp.padding == "same" else 0
    rows = [r for r in range(pixel[0] - p, pixel[0] - p + k) if 0 <= r < H]
    cols = [c for c in range(pixel[1] - p, pixel[1] - p + k) if 0 <= c < W]
    out = []
    for ch in range(C):
        cells = [scene.x_cells[(ch * H + r) * W + c] for r in rows for c in cols]
        half = scene.cell / 2
        xs, ys = [m.get_x() for m in cells], [m.get_y() for m in cells]
        out.append((min(xs) - half, max(xs) + half, min(ys) - half, max(ys) + half))
    return out


def check_state(scene, state, values_of, scale: float) -> None:
    sp = scene.settings.spatial
    H, W, C = sp.height, sp.width, sp.channels
    Wo = scene.Wo
    pixel = state["pixel"]
    np.testing.assert_allclose(state["window"], expected_window(scene, pixel), atol=1e-6)
    # the output box sits on output pixel (i, j) of channel 1
    out_cell = scene.y_cells[pixel[0] * Wo + pixel[1]]
    np.testing.assert_allclose(state["out_box"], out_cell.get_center(), atol=1e-6)
    expected = values_of(pixel)
    np.testing.assert_allclose(by_grid(state["values"], C, H, W), expected, atol=0.0051)
    for (r, c, ch), v in np.ndenumerate(expected):
        t, sign = cell_strength(state["colours"][(ch * H + r) * W + c])
        assert t == pytest.approx(0.8 * min(1.0, abs(v) / scale), abs=3e-3), (r, c, ch)
        if abs(v) > 1e-3:
            assert sign == ("+" if v > 0 else "-")



def test_the_row_and_its_window_follow_the_pixel(rendered) -> None:
    scene, _ = rendered
    sp = scene.settings.spatial
    x, K, y, J = truth(sp)
    H, W, C = x.shape
    Wo = y.shape[1]

    def row(pixel):  # output channel 1 of pixel (i, j): row (i Wo + j) C of J, reshaped to the image
        return J[(pixel[0] * Wo + pixel[1]) * C].reshape(H, W, C)

    scale = np.abs(J).max()
    assert scene.row_shown["pixel"] == tuple(sp.pixel)
    check_state(scene, scene.row_shown, row, scale)
    # the walk visits every pixel of the path, one grid step at a time, and comes back
    visited = [tuple(sp.pixel)] + [p for p, _ in scene.steps]
    assert all(abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 for a, b in zip(visited, visited[1:], strict=False))
    assert set(map(tuple, sp.path)) <= set(visited) and visited[-1] == tuple(sp.pixel)
    for _pixel, state in scene.steps:
        check_state(scene, state, row, scale)
    check_state(scene, scene.saliency_shown, row, scale)


def test_the_total_saliency_is_the_transpose_times_ones(rendered) -> None:
    scene, _ = rendered
    sp = scene.settings.spatial
    x, K, y, J = truth(sp)
    total = (J.T @ np.ones(J.shape[0])).reshape(x.shape)
    state = {"values": [n.get_value() for n in scene.row_nums],
             "colours": [c.get_fill_color() for c in scene.row_cells]}
    np.testing.assert_allclose(by_grid(state["values"], *x.shape[2:], *x.shape[:2]), total, atol=0.0051)
    for (r, c, ch), v in np.ndenumerate(total):
        t, _ = cell_strength(state["colours"][(ch * x.shape[0] + r) * x.shape[1] + c])
        assert t == pytest.approx(0.8 * min(1.0, abs(v) / np.abs(total).max()), abs=3e-3)


def test_the_matrix_cells_are_the_jacobian_not_its_transpose(rendered) -> None:
    scene, _ = rendered
    sp = scene.settings.spatial
    x, K, y, J = truth(sp)
    pixels = np.asarray(scene.matrix.pixel_array)[..., :3]
    assert pixels.shape[:2] == J.shape  # one image pixel per entry, drawn with nearest-neighbour scaling
    scale = np.abs(J).max()
    for (r, c), v in np.ndenumerate(J):
        t, sign = cell_strength(ManimColor(pixels[r, c] / 255.0))
        assert t == pytest.approx(0.8 * min(1.0, abs(v) / scale), abs=4e-3), (r, c, v)
        if abs(v) > 1e-3:
            assert sign == ("+" if v > 0 else "-"), (r, c)
    # the image spans the matrix's frame: row r at the top - (r + 1/2) cells; the marked row is the pixel's
    top, cell = scene.matrix.get_top()[1], scene.matrix.height / J.shape[0]
    r = (sp.pixel[0] * y.shape[1] + sp.pixel[1]) * sp.channels
    assert scene.row_mark.get_y() == pytest.approx(top - (r + 0.5) * cell)
    assert scene.matrix.width / J.shape[1] == pytest.approx(cell)

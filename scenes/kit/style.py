"""The lecture's one palette, sizes and layout constants.

Colours carry meaning everywhere: e1 blue, e2 green, J e1 red, J e2 orange, phi_i in the basis colours.
Those role colours, the heatmap's colour map and the background are *settings*: they are read when a scene
asks for them (``style.E1``, ``style.HEATMAP``, ``style.BACKGROUND``, :func:`basis_color`), never frozen at
import, so the active settings of the render that draws them always win.  The background has one source,
``manim.cfg``'s ``background_color`` (Manim's config).
"""

from __future__ import annotations

from typing import Any

from manim import ManimColor, Text, config

from jacobian_settings import active_settings

TEXT = ManimColor("#E8E8E8")
MUTED = ManimColor("#8A94A6")
GRID = ManimColor("#3A4458")
AXIS = ManimColor("#B8C0CC")
HIGHLIGHT = ManimColor("#FFE066")
PANEL = ManimColor("#1A1F29")

_ROLES = {"E1": "e1", "E2": "e2", "JE1": "je1", "JE2": "je2", "MODEL": "model"}


def __getattr__(name: str) -> Any:
    """The setting-backed names: E1, E2, JE1, JE2, MODEL (ManimColor), HEATMAP (colour-map name), BACKGROUND."""
    if name in _ROLES:
        return ManimColor(getattr(active_settings().colors, _ROLES[name]))
    if name == "HEATMAP":
        return active_settings().colors.heatmap
    if name == "BACKGROUND":
        return ManimColor(config.background_color)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def basis_color(i: int) -> ManimColor:
    """Colour of phi_i (0-based), cycling through the configured basis colours."""
    basis = active_settings().colors.basis
    return ManimColor(basis[i % len(basis)])


# Prose text in Latin Modern (TeX Live's fonts-lmodern), so it matches the MathTex formulas.
FONT = "Latin Modern Roman"
Text.set_default(font=FONT)

# Font sizes (Manim units of font_size), chosen to stay readable at 480p.
TITLE_SIZE = 44
HEADING_SIZE = 34
LABEL_SIZE = 30
SMALL_SIZE = 24
MATRIX_SIZE = 30
NOTE_SIZE = 22  # a line under or beside a picture: a key's words, a rule, axis numbers of a wide plane
KEY_SIZE = 20  # a key's words and axis numbers in a small panel
TINY_SIZE = 18  # side labels of a matrix, tick numbers of a small panel

# Stroke widths, by role (thinnest first).  A scene takes its widths from here, never a bare number
# (tests/test_scene_style.py); a width only one scene needs is a class constant there with its reason.
NO_STROKE = 0  # a filled shape drawn without an outline: cells, bars, key swatches, pointers
HAIRLINE_WIDTH = 1  # background grid lines and faint warped grids
GUIDE_WIDTH = 1.5  # lines that guide the eye: contours, grid lines carried through a map, frames, links
THIN_WIDTH = 2  # axes, ticks, boxes around a readout, level curves, brackets
OUTLINE_WIDTH = 2.5  # the outline of a shape a beat is about: a cell, a parallelogram, an ellipse
LINE_WIDTH = 3  # plotted curves and paths, arrows between panels, rings, key lines
CURVE_WIDTH = 4  # the curve a beat is about: the linearisation, the Gauss-Newton path, the tangent
BOLD_WIDTH = 5  # vectors drawn from a point (e1, J e1, ...) and the Taylor error segment
HALO_WIDTH = 7  # a background-coloured halo under a line that crosses other lines

# Gaps (Manim units), by role: a scene takes its gaps (buff= of next_to, arrange, to_edge, ..., uncover's veil
# margin) from here, never a bare number (tests/test_scene_style.py); a gap only one scene needs is a class constant
# there with its reason.  A role drawn at two distances has two names (the pictures keep every distance they had).
FRAME_MARGIN = 0.3  # Manim units kept free at each frame edge
BOTTOM_MARGIN = 0.45  # a key or closing line along the frame's bottom edge
TICK_GAP = 0.06  # a tick's number from its tick
BOX_GAP = 0.08  # a box around a readout: a highlight frame, a labelled box's backing
BACKING_GAP = 0.05  # a label's opaque backing around its glyphs (add_background_rectangle)
TIP_BACKING_GAP = 0.03  # a tip label's translucent backing (kit/tip_label.py)
# ... a veil's margin around what uncover / cover fade in or out (it must cover nothing else that shows)
VEIL_MARGIN = 0.05  # around a group with neighbours
VEIL_MARGIN_TIGHT = 0.03  # around labels, brackets and lines set close to what is already shown
VEIL_MARGIN_WIDE = 0.1  # around a group with nothing near: the kit's default (a title card), a whole picture
# ... a label beside what it names
MARK_LABEL_GAP = 0.08  # beside a small mark: a tick, a ring, an arrow's tip, a bar's top, a dot
LABEL_GAP = 0.1  # beside an object: above an arrow, under a matrix, above a cell column, a panel's heading
AXIS_LABEL_GAP = 0.12  # an axis's name or numbers beside it; a matrix's side labels and brackets beside its cells
ROW_NAME_GAP = 0.15  # a grid's row names left of its cells or brackets
HEADING_GAP = 0.15  # a panel's or grid's heading above it (kit Panel)
SMALL_HEADING_GAP = 0.12  # a scaled-down heading above its panel or block
BLOCK_LABEL_GAP = 0.2  # a heading or note above or below a whole block: a grid, a stack, a row of panels
UNDER_PANEL_GAP = 0.15  # a readout, legend or note right under the panel or grid it belongs to
ARROW_GAP = 0.1  # an arrow between two panels or grids stops this short of each
# ... the parts of one line, side by side (arrange(RIGHT))
GLYPH_GAP = 0.08  # pieces of one formula set as separate mobjects: "(", x, ",", y, ")"
PART_GAP = 0.1  # a sign or factor after its number (a times sign), a readout's items in a row
READOUT_GAP = 0.12  # a readout's name and its value ("z =" 0.42), a label and its cells
KEY_GAP = 0.15  # a key's swatch or icon and its words; a readout's name and its matrix or vector
EQUATION_GAP = 0.2  # a formula's left-hand side and its matrix or row; a product's factors
SPREAD_GAP = 0.6  # items spread along a line across the frame: a key's entries, a formula and its kernel
# ... lines and blocks one under another (arrange(DOWN), next_to(..., DOWN))
TIGHT_LINE_GAP = 0.08  # a label over its matrix or numbers inside one box
LINE_GAP = 0.1  # lines of a legend, readout or note
ROW_GAP = 0.12  # rows of a list of formulas (features, weights)
KEY_ROW_GAP = 0.15  # rows of a key or readout
LEGEND_ROW_GAP = 0.2  # rows of a legend of formulas
BLOCK_GAP = 0.25  # a heading over its block; blocks of a readout (a point, its matrix, its norm)
SECTION_GAP = 0.3  # sections apart: formulas, readouts and facts; a title card's lines
BLOCK_GAP_WIDE = 0.35  # a block set apart from the one above or beside it (a key beside bars)
WIDE_SECTION_GAP = 0.45  # a section set well apart from the one above it (a legend under formulas)


# Signs and roles in the ML scenes (told apart in one picture also by colour-blind viewers: tests/test_palette.py).
SHRINK = ManimColor("#4C8DFF")  # log|det J| < 0 (cells shrink)
GROW = ManimColor("#DB7F2A")  # log|det J| > 0 (cells grow)
POSITIVE = ManimColor("#A69307")  # positive matrix entries
NEGATIVE = ManimColor("#B281FE")  # negative matrix entries
GRADIENT = HIGHLIGHT  # gradients pulled back through layers

# Roles in the regression and encoder scenes.
LINEARISED = HIGHLIGHT  # what the Jacobian predicts: J Sigma J^T, the amplified direction, the metric
SAMPLES = MUTED  # Monte-Carlo samples and what is measured from them
GAUSS_NEWTON = HIGHLIGHT  # the Gauss-Newton path and its residuals
DESCENT = ManimColor("#4C8DFF")  # the gradient-descent path and its residuals
FIRST_ORDER = ManimColor("#FF5BB1")  # first-order MAML's gradient, which skips the pull-back

"""The lecture's one palette and one set of sizes.  Colours carry meaning everywhere:
e1 blue, e2 green, J e1 red, J e2 orange, phi_i in the basis colours (from the settings)."""

from __future__ import annotations

from manim import ManimColor, Text

from scenes.settings import active_settings

_colors = active_settings().colors

BACKGROUND = ManimColor("#0E1116")  # keep in sync with manim.cfg
TEXT = ManimColor("#E8E8E8")
MUTED = ManimColor("#8A94A6")
GRID = ManimColor("#3A4458")
AXIS = ManimColor("#B8C0CC")
HIGHLIGHT = ManimColor("#FFE066")
PANEL = ManimColor("#1A1F29")

E1 = ManimColor(_colors.e1)
E2 = ManimColor(_colors.e2)
JE1 = ManimColor(_colors.je1)
JE2 = ManimColor(_colors.je2)
MODEL = ManimColor(_colors.model)
HEATMAP = _colors.heatmap


def basis_color(i: int) -> ManimColor:
    """Colour of phi_i (0-based), cycling through the configured basis colours."""
    return ManimColor(_colors.basis[i % len(_colors.basis)])


# Prose text in Latin Modern (TeX Live's fonts-lmodern), so it matches the MathTex formulas.
FONT = "Latin Modern Roman"
Text.set_default(font=FONT)

# Font sizes (Manim units of font_size), chosen to stay readable at 480p.
TITLE_SIZE = 44
HEADING_SIZE = 34
LABEL_SIZE = 30
SMALL_SIZE = 24
MATRIX_SIZE = 30

# Stroke widths and spacing.
CURVE_WIDTH = 4
THIN_WIDTH = 2
FRAME_MARGIN = 0.3  # Manim units kept free at each frame edge

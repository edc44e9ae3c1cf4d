"""Shared math for the Jacobian explainer: NumPy + SymPy only.

Every number a scene draws, and every claim a caption states, is computed here and tested in ``tests/``
against an independent computation.  It imports nothing of the project (no Manim, no scenes, no settings,
no ``lecture``) and knows nothing of pixels, colours or files: arrays in, arrays out, shapes documented.
"""

from jacobian_math.batched import BatchLayer, block_sizes, blocks, off_diagonal_size, storage_sizes
from jacobian_math.expressions import ALLOWED_FUNCTIONS, ExpressionError, parse_expression
from jacobian_math.fields import (
    FieldError,
    View,
    contour_paths,
    fit_view,
    image_bounds,
    level_values,
    nice_ticks,
    norm_field,
    value_range,
)
from jacobian_math.geometry import (
    cell_boundary,
    cell_image,
    gap_halving_ratios,
    linearisation_gap,
    linearised_cell,
    square_cell,
)
from jacobian_math.linalg import determinant, frobenius_norm, singular_values
from jacobian_math.meta import InnerStep, TanhRegression, first_order_maml_gradient, maml_gradient
from jacobian_math.ml import (
    Composition,
    CouplingFlow,
    MLInputError,
    TanhLayer,
    chain_jacobian,
    ellipse_axes,
    gaussian_density,
    grid_centres,
    grid_integral,
    loglog_fit,
    loglog_slope,
    mass_outside,
    softmax,
    softmax_jacobian,
    taylor_box,
    taylor_error_ratios,
    taylor_errors,
    taylor_offsets,
    unit_circle_image,
    unit_direction,
    vjp,
)
from jacobian_math.numerics import numerical_jacobian
from jacobian_math.plane_map import NonFiniteMapError, PlaneMap
from jacobian_math.protocols import DifferentiableMap
from jacobian_math.rbf import RBFBasis, WeightedRBF

__all__ = [
    "ALLOWED_FUNCTIONS",
    "BatchLayer",
    "InnerStep",
    "TanhRegression",
    "block_sizes",
    "blocks",
    "first_order_maml_gradient",
    "maml_gradient",
    "off_diagonal_size",
    "storage_sizes",
    "Composition",
    "DifferentiableMap",
    "CouplingFlow",
    "MLInputError",
    "TanhLayer",
    "chain_jacobian",
    "ellipse_axes",
    "gaussian_density",
    "grid_centres",
    "grid_integral",
    "loglog_fit",
    "loglog_slope",
    "mass_outside",
    "softmax",
    "softmax_jacobian",
    "taylor_box",
    "taylor_error_ratios",
    "taylor_errors",
    "taylor_offsets",
    "unit_circle_image",
    "unit_direction",
    "vjp",
    "ExpressionError",
    "FieldError",
    "View",
    "contour_paths",
    "fit_view",
    "image_bounds",
    "level_values",
    "nice_ticks",
    "norm_field",
    "value_range",
    "NonFiniteMapError",
    "PlaneMap",
    "RBFBasis",
    "WeightedRBF",
    "cell_boundary",
    "cell_image",
    "determinant",
    "frobenius_norm",
    "gap_halving_ratios",
    "linearisation_gap",
    "linearised_cell",
    "numerical_jacobian",
    "parse_expression",
    "singular_values",
    "square_cell",
]

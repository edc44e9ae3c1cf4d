"""The lecture's scenes in order: file, class, chapter title, part; the one list every other list of scenes
is derived from (the render command, the tests, the README's table).

Plain data, no Manim: ``lecture`` reads it (``lecture.storyboard`` adds loading a test's storyboard and
selecting scenes), and a scene that names other chapters reads their titles here (:func:`title_of`) rather
than importing their modules, so editing one scene leaves the others' cached clips valid.  Each scene's own
``TITLE`` is its entry's title (tested).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["PART_TITLES", "ROOT", "STORYBOARD", "SUMMARY", "SceneEntry", "title_of"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class SceneEntry:
    """One scene of the lecture.  ``file`` is relative to the project root (or absolute)."""

    file: str
    cls: str
    title: str
    part: int = 1

    @property
    def path(self) -> Path:
        return (ROOT / self.file).resolve()


PART_TITLES = {1: "The Jacobian, in motion", 2: "Jacobians in machine learning"}

# the lecture in two sentences (the course page and the upload kit's description)
SUMMARY = ("The Jacobian animated: how a map's matrix of partial derivatives follows the slopes of RBF features, "
           "builds a model's derivative and turns small grid squares into parallelograms. It then follows the "
           "Jacobian through machine learning: the chain rule, softmax, regression, encoders, flows, penalties, "
           "MAML, the Taylor error, batched inputs and the spatial outputs of a convolution.")

STORYBOARD: tuple[SceneEntry, ...] = (
    SceneEntry("scenes/rbf_jacobian.py", "RBFJacobian", "RBF features and their Jacobian", 1),
    SceneEntry("scenes/rbf_model.py", "RBFModel", "From features to a model", 1),
    SceneEntry("scenes/heatmap.py", "JacobianNormHeatmap", "The size of the Jacobian: its Frobenius norm", 1),
    SceneEntry("scenes/grid_squares.py", "GridSquaresUnderF", "Grid squares under f", 1),
    SceneEntry("scenes/chain_rule.py", "ChainRule", "The chain rule: products of Jacobians", 2),
    SceneEntry("scenes/softmax.py", "SoftmaxJacobian", "The softmax Jacobian", 2),
    SceneEntry("scenes/vector_regression.py", "VectorRegression", "Vector-valued regression", 2),
    SceneEntry("scenes/encoder_sensitivity.py", "EncoderSensitivity", "Encoders: what the code ignores", 2),
    SceneEntry("scenes/flow.py", "FlowDensity", "Flows: the determinant scales density", 2),
    SceneEntry("scenes/penalty.py", "JacobianPenalty", "Jacobian penalties and singular values", 2),
    SceneEntry("scenes/maml_step.py", "MAMLStep", "MAML: differentiating through a gradient step", 2),
    SceneEntry("scenes/taylor.py", "TaylorError", "Local linearity: the Taylor error", 2),
    SceneEntry("scenes/batched_jacobian.py", "BatchedJacobian", "Batched inputs: a block-diagonal Jacobian", 2),
    SceneEntry("scenes/spatial_outputs.py", "SpatialOutputs", "Spatial outputs: the Jacobian of a convolution", 2),
    SceneEntry("scenes/outlook.py", "MLOutlook", "Outlook", 2),
)


def title_of(cls: str) -> str:
    """The chapter title of the storyboard's scene class ``cls``; a clear error when it is not in the lecture."""
    for entry in STORYBOARD:
        if entry.cls == cls:
            return entry.title
    raise LookupError(f"no scene {cls!r} in the storyboard (scenes/storyboard.py); "
                      f"its scenes: {', '.join(e.cls for e in STORYBOARD)}")

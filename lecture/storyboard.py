"""The lecture's scenes in order: file, class, chapter title, part.

``STORYBOARD`` is the real lecture; tests pass another list with ``--storyboard module:attr``.
"""

from __future__ import annotations

import ast
import importlib
import sys
from dataclasses import dataclass
from pathlib import Path

from lecture.errors import UsageError

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
           "MAML, the Taylor error and batched inputs.")

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


def load_storyboard(spec: str | None = None) -> tuple[SceneEntry, ...]:
    """The storyboard named by ``"module:attr"`` (a sequence of :class:`SceneEntry`), or the real one."""
    if spec is None:
        return STORYBOARD
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise UsageError(f"--storyboard must look like module:attribute, got {spec!r}")
    if str(ROOT) not in sys.path:  # modules are named from the project root, e.g. tests.fixture_storyboard
        sys.path.insert(0, str(ROOT))
    try:
        entries = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise UsageError(f"--storyboard {spec}: cannot load it ({exc})") from None
    entries = tuple(entries)
    if not entries or not all(isinstance(e, SceneEntry) for e in entries):
        raise UsageError(f"--storyboard {spec}: must be a non-empty sequence of SceneEntry")
    return entries


def select(storyboard: tuple[SceneEntry, ...], names: str | None) -> tuple[SceneEntry, ...]:
    """The entries named in the comma-separated ``names`` (class names, any case), in storyboard order."""
    if not names:
        return storyboard
    by_name = {e.cls.lower(): e for e in storyboard}
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n.lower() not in by_name]
    if unknown or not wanted:
        raise UsageError(
            f"--scenes: unknown scene {', '.join(unknown) or repr(names)} "
            f"(known: {', '.join(e.cls for e in storyboard)})"
        )
    keep = {n.lower() for n in wanted}
    return tuple(e for e in storyboard if e.cls.lower() in keep)


def check_entries(entries: tuple[SceneEntry, ...]) -> None:
    """Fail early (without importing the scenes) when a scene file or class does not exist."""
    for entry in entries:
        if not entry.path.is_file():
            raise UsageError(f"scene {entry.cls}: file {entry.file} does not exist")
        try:
            tree = ast.parse(entry.path.read_text(encoding="utf-8"), filename=str(entry.path))
        except SyntaxError as exc:
            raise UsageError(f"scene {entry.cls}: {entry.file} line {exc.lineno}: {exc.msg}") from None
        classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
        if entry.cls not in classes:
            raise UsageError(f"scene {entry.cls}: no class {entry.cls} in {entry.file}")

"""Manim's own tests, for the installed Manim, with and without the lecture's render hooks (``scripts/test
--manim-suite``).

Manim's tests are not on PyPI (its sdist has no ``tests`` folder) and the CI machine reaches only package
registries, so they come from a checkout of https://github.com/ManimCommunity/manim at the installed version's
tag: ``--tests DIR`` or ``MANIM_TESTS=DIR`` (the checkout, or its ``tests`` folder; ``docs/source/_static/click.wav``
beside it is used too), else a shallow clone into
``~/.cache/jacobian-lecture/manim-tests-<version>`` when GitHub is reachable.  Nothing is written into that
source: the tests are copied into a scratch folder.

Graphical-unit tests (``tests/test_graphical_units``, OpenGL ones left out: no display here):
  1. the control frames are regenerated with Manim's own code (hooks off, ``--set_test``): Manim's stored ones
     need Cairo >= 1.18;
  2. hooks off, compared with them: what fails here is flaky in Manim itself;
  3. hooks on, compared with them; every compared frame is also checked for bit-identity.
Scene-rendering tests (``tests/test_scene_rendering``, OpenGL ones left out): hooks off, then hooks on.

Exit status 0 when every test that passes without the hooks passes with them and no frame that is identical
between two hook-off runs differs with the hooks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REPO = "https://github.com/ManimCommunity/manim"


class SuiteError(Exception):
    """A one-line reason the suite cannot run."""


def manim_version() -> str:
    out = subprocess.run([sys.executable, "-c", "import manim; print(manim.__version__)"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def find_tests(given: str | None, version: str) -> Path:
    """The ``tests`` folder of Manim's repository at ``version``."""
    if given:
        path = Path(given).expanduser()
        for candidate in (path / "tests", path):
            if (candidate / "test_graphical_units").is_dir():
                return candidate
        raise SuiteError(f"{path} holds no Manim tests folder (no tests/test_graphical_units)")
    cache = Path.home() / ".cache" / "jacobian-lecture" / f"manim-tests-{version}"
    if (cache / "tests" / "test_graphical_units").is_dir():
        return cache / "tests"
    tmp = cache.with_name(cache.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    clone = subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", f"v{version}", REPO, str(tmp)],
                           capture_output=True, text=True)
    if clone.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise SuiteError(f"Manim's tests for {version} not found and {REPO} not reachable "
                         f"({clone.stderr.strip().splitlines()[-1] if clone.stderr.strip() else 'git failed'}); "
                         f"set MANIM_TESTS to a checkout of tag v{version} (PyPI's sdist has no tests)")
    tmp.rename(cache)
    return cache / "tests"


_HEADER = 'raise Exception("Error while creating moderngl context") from e'


def prepare(source: Path, work: Path) -> Path:
    """A scratch copy of Manim's tests in ``work``, without Manim's stored control frames."""
    tests = work / "tests"
    shutil.copytree(source, tests, ignore=shutil.ignore_patterns("__pycache__"))
    control = tests / "test_graphical_units" / "control_data"
    shutil.rmtree(control)
    control.mkdir()  # --set_test makes each module's folder in it, not this one
    # test_file_writer's scenes play the documentation's click sound, found beside the tests folder
    click = Path("docs", "source", "_static", "click.wav")
    if not (source.parent / click).is_file():
        raise SuiteError(f"{source.parent / click} missing: the tests need it (take it from the same checkout)")
    (work / click).parent.mkdir(parents=True)
    shutil.copy2(source.parent / click, work / click)
    conftest = tests / "conftest.py"
    text = conftest.read_text()
    if _HEADER not in text:
        raise SuiteError(f"{source / 'conftest.py'} changed: its OpenGL report header is not where expected")
    # the report header opens an OpenGL context, which needs a display: report its absence instead
    conftest.write_text(text.replace(_HEADER, 'return f"\\nCairo Version: {cairo.cairo_version()}; no OpenGL: {e}"'))
    (work / "pytest.ini").write_text("[pytest]\nmarkers =\n    slow: slow\naddopts =\n")
    return tests


def pytest(work: Path, name: str, paths: list[str], hooks: bool, extra: list[str] = ()) -> dict:
    """Run pytest on ``paths`` in ``work``; the outcome of every test."""
    junit = work / f"{name}.xml"
    exact = work / f"{name}.exact.json"
    env = {**os.environ, "PYTHONPATH": str(HERE), "JACOBIAN_ROOT": str(ROOT),
           "MANIM_SUITE_EXACT": str(exact), "PYTHONHASHSEED": "0"}
    env.pop("JACOBIAN_MANIM_HOOKS", None)
    if hooks:
        env |= {"JACOBIAN_MANIM_HOOKS": "1", "MANIM_SUITE_HOOKS_CHECK": "1"}
    cmd = [sys.executable, "-m", "pytest", "-p", "manim_suite_plugin", "-q", "-p", "no:cacheprovider",
           "--junitxml", str(junit), *paths, *extra]
    t0 = time.monotonic()
    with open(work / f"{name}.log", "w") as log:
        subprocess.run(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - t0
    if not junit.exists():
        raise SuiteError(f"pytest wrote no report for {name}: see {work / (name + '.log')}")
    outcomes = {}
    for case in ET.parse(junit).getroot().iter("testcase"):  # noqa: S314 - pytest's own report, written just now
        test = f"{case.get('classname')}::{case.get('name')}"
        kinds = {child.tag for child in case}
        outcomes[test] = ("failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds
                          else "passed")
    differences = json.loads(exact.read_text()) if exact.exists() else []
    counts = {k: sum(v == k for v in outcomes.values()) for k in ("passed", "failed", "skipped")}
    print(f"  {name}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped "
          f"in {seconds:.0f} s" + (f"; {len(differences)} frame(s) not bit-identical" if differences else ""),
          flush=True)
    return {"outcomes": outcomes, "differences": differences, "seconds": round(seconds, 1), "counts": counts}


def failed(run: dict) -> set[str]:
    return {t for t, o in run["outcomes"].items() if o == "failed"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/test --manim-suite", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", default=os.environ.get("MANIM_TESTS"),
                        help="a checkout of Manim's repository at the installed version's tag (or its tests folder)")
    parser.add_argument("--parts", default="graphical,rendering", help="graphical, rendering or both (default)")
    parser.add_argument("--work", help="scratch folder (default: a new temporary one, removed afterwards)")
    parser.add_argument("--report", help="write the outcome of every run as JSON here")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    if not parts <= {"graphical", "rendering"}:
        print(f"manim-suite: unknown part(s) {', '.join(sorted(parts - {'graphical', 'rendering'}))}", file=sys.stderr)
        return 2
    t0 = time.monotonic()
    try:
        version = manim_version()
        source = find_tests(args.tests, version)
        work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="manim-suite-"))
        if args.work:
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
        print(f"Manim {version}'s tests from {source}, run in {work}", flush=True)
        prepare(source, work)
        runs: dict[str, dict] = {}
        problems: list[str] = []
        if "graphical" in parts:
            graphical = ["tests/test_graphical_units", "--ignore=tests/test_graphical_units/test_opengl.py"]
            runs["control"] = pytest(work, "control", graphical, hooks=False, extra=["--set_test"])
            runs["graphical_off"] = pytest(work, "graphical_off", graphical, hooks=False)
            runs["graphical_on"] = pytest(work, "graphical_on", graphical, hooks=True)
            # hooks off against frames the same code drew: whatever fails or differs is not deterministic
            flaky_tests = failed(runs["graphical_off"])
            flaky_frames = {(d["module"], d["file"]) for d in runs["graphical_off"]["differences"]}
            problems += [f"fails only with the hooks: {t}" for t in sorted(failed(runs["graphical_on"]) - flaky_tests)]
            problems += [f"frame differs only with the hooks: {d['module']}/{d['file']} frame {d['frame']} "
                         f"({d['values']} values, max {d['max']})"
                         for d in runs["graphical_on"]["differences"] if (d["module"], d["file"]) not in flaky_frames]
            for test in sorted(flaky_tests):
                print(f"  fails without the hooks too (flaky in Manim itself): {test}")
            for module, file in sorted(flaky_frames):
                print(f"  frame not bit-identical without the hooks too (flaky in Manim itself): {module}/{file}")
        if "rendering" in parts:
            rendering = ["tests/test_scene_rendering", "--ignore=tests/test_scene_rendering/opengl"]
            runs["rendering_off"] = pytest(work, "rendering_off", rendering, hooks=False)
            runs["rendering_on"] = pytest(work, "rendering_on", rendering, hooks=True)
            for test in sorted(failed(runs["rendering_off"])):
                print(f"  fails without the hooks too: {test}")
            problems += [f"fails only with the hooks: {t}"
                         for t in sorted(failed(runs["rendering_on"]) - failed(runs["rendering_off"]))]
        if args.report:
            Path(args.report).write_text(json.dumps({"manim": version, "source": str(source), "runs": runs,
                                                     "problems": problems}, indent=1))
        for problem in problems:
            print(f"  {problem}")
        kept = f" (logs in {work})" if args.work or problems else ""
        print(f"manim-suite: {'FAILED' if problems else 'passed'} in {time.monotonic() - t0:.0f} s{kept}", flush=True)
        if not args.work and not problems:
            shutil.rmtree(work, ignore_errors=True)
        return 1 if problems else 0
    except SuiteError as e:
        print(f"manim-suite: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

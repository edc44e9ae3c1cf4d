"""Shared pytest set-up: Hypothesis profiles.

``ci`` (the default) is deterministic: ``derandomize`` draws the same examples on every machine and every
run, and no example database carries state between runs, so a green run means the code is right for that
fixed set, not lucky.  ``fuzz`` (``scripts/test --fuzz``, or ``HYPOTHESIS_PROFILE=fuzz``) is the deeper,
randomised search: 50 times more examples with a fresh seed each run; a failure it finds prints the
example, which then belongs in the test as an ``@example``.  No deadline in either: CI machines vary in speed.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True, database=None,
                          print_blob=True)
settings.register_profile("fuzz", deadline=None, max_examples=3000, derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def use_config(tmp_path, monkeypatch):
    """``use_config(toml_text)``: make a user settings file the active settings for the rest of the test
    (through $JACOBIAN_CONFIG, as a ``manim`` process would get it); the defaults are active before and after."""
    from jacobian_settings import ENV_VAR, activate

    def use(text: str) -> None:
        path = tmp_path / "user.toml"
        path.write_text(text)
        monkeypatch.setenv(ENV_VAR, str(path))
        activate(None)

    monkeypatch.delenv(ENV_VAR, raising=False)
    activate(None)
    yield use
    monkeypatch.delenv(ENV_VAR, raising=False)
    activate(None)


# The slowest test files first (measured: the per-file times of a full run, 2026-12-07), the rest in their usual
# order: pytest-xdist hands out whole files (scripts/test: --dist loadfile, and --no-loadscope-reorder, or xdist
# hands out the files with the most tests first whatever their time), and a long file taken last keeps one worker
# busy while the others have nothing left.  Within a file the order is unchanged.
SLOWEST_FIRST = ("test_captions", "test_distributed", "test_lecture_e2e", "test_narration_e2e",
                 "test_layout_corpus_scenes", "test_scene_rbf", "test_page_audit", "test_layout_corpus",
                 "test_preview", "test_new_scene", "test_tex_batch", "test_scene_grid", "test_spoken_phonemes",
                 "test_colour_cues", "test_scene_ml", "test_lecture_units", "test_scene_meta_batched",
                 "test_narration")


# The deeper runs (``scripts/test --deep``, or ``JACOBIAN_DEEP_TESTS=1``): tests and cases marked ``deep`` run only
# then.  The default run keeps every scene's defaults (every golden, read-back, caption and colour check) and, for
# each settings corpus, each scene's most demanding case; ``--deep`` adds the rest of the corpora, the split-render
# variants and the whole lecture narrated.
DEEP = os.environ.get("JACOBIAN_DEEP_TESTS") == "1"


def pytest_collection_modifyitems(session, config, items) -> None:
    deep = [] if DEEP else [item for item in items if item.get_closest_marker("deep")]
    if deep:
        config.hook.pytest_deselected(items=deep)
        items[:] = [item for item in items if item not in deep]
    rank = {name: k for k, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))


@pytest.fixture(scope="session", autouse=True)
def formula_cache(tmp_path_factory):
    """One formula cache for the renders of this test process (tests/scene_harness.py: TEX_CACHE_ENV); each
    pytest-xdist worker is its own process with its own temporary folder, so its own cache.  In a pytest-xdist
    run, the folder the workers share (SHARED_ENV: the renders' captions and the pool of compiled formulas),
    beside the workers' own folders in the run's temporary folder."""
    from scene_harness import SHARED_ENV, TEX_CACHE_ENV

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(TEX_CACHE_ENV, str(tmp_path_factory.mktemp("formula_cache")))
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
        if run:
            patch.setenv(SHARED_ENV, str(tmp_path_factory.getbasetemp().parent / f"shared-{run}"))
        else:
            patch.delenv(SHARED_ENV, raising=False)
        yield

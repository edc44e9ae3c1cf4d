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

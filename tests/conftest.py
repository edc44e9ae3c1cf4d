"""Shared pytest set-up: Hypothesis profile with no deadline (CI machines vary in speed)."""

from hypothesis import settings

settings.register_profile("project", deadline=None, max_examples=60)
settings.load_profile("project")

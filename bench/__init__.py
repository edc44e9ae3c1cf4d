"""Benchmarks of the lecture's scenes, run on demand: ``bench/run`` or ``python -m bench --help``.

Never collected by pytest (no ``test_*`` files here; ``testpaths`` is ``tests/``).
"""

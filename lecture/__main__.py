"""``python -m lecture``: see :mod:`lecture.cli`."""

import sys

from lecture.cli import main

sys.exit(main())

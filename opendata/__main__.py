"""`python -m opendata ...`: the same command line as the `opendata` console script."""

import sys

from .cli import main

sys.exit(main())

"""`python -m extract` is the `extract` command."""

import sys

from extract.cli import main

sys.exit(main())

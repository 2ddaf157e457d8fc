"""`python -m pipeline` is the `govpipe` command."""

import sys

from .cli import main

sys.exit(main())

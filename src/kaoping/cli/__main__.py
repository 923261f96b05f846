"""``python -m kaoping.cli``."""

import sys

from . import main

sys.exit(main())

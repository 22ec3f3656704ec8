"""`python -m api`: serve the HTTP API (see api.server)."""

import sys

from api.server import main

sys.exit(main())

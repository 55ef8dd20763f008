"""`python -m contract_tests.proxy`: the same as `contract-proxy`."""

from __future__ import annotations

import sys

from contract_tests.proxy.app import main

sys.exit(main())

"""`python -m contract_proxy`: the same as `contract-proxy`."""

from __future__ import annotations

import sys

from contract_proxy.proxy_server import main

sys.exit(main())

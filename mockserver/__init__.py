"""Mock server for the Allmine API's live-stream viewers endpoint."""

from __future__ import annotations

__version__ = "0.1.0"

"""The deployment under test: resolving the target, set-up checks, pacing (rate cap, Retry-After, retries)."""

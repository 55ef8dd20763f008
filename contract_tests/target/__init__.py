"""The deployment under test and how the suite talks to it: its description, the paced and checked client,
the bundled mock, set-up checks (preflight), pacing (rate cap, Retry-After, retries). No pytest."""

"""The `mockserver` command: options into settings, serving, streams, tokens and fixtures."""

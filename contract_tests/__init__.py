"""Contract suite: checks any deployment of the viewers endpoint against openapi.yaml and its semantics."""

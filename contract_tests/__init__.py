"""Contract suite: checks any deployment of the viewers endpoint against openapi.yaml and its semantics.

Layers, importing one way: registry (pure checks) <- target (the deployment and its client) <- plugin
(pytest) <- the shipped tests (test_*.py).
"""

"""`contract-proxy`: forwards traffic to a deployment and holds each answer to the suite's registry of checks.

Over the registry (and the target layer's helpers) only, never the suite's pytest plugin or tests.
"""

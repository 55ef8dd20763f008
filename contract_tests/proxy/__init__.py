"""`contract-proxy`: forwards traffic to a deployment and holds each answer to the registry's checks."""

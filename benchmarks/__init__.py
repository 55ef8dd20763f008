"""Benchmarks of the mock: throughput against Prism and a bare endpoint, scale, load and hostile input."""

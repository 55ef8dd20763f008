"""The registry: what the contract promises, one small named check a promise, per answer and across answers.

Used alike by the suite, Schemathesis (as hooks: `SCHEMATHESIS_HOOKS=contract_tests.registry.checks`) and
`contract-proxy`.
"""

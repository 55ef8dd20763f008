"""The registry: what the contract promises, one small named check a promise, per answer and across answers.

Pure: no pytest, no HTTP client, no environment. Used alike by the suite, Schemathesis (as hooks:
`SCHEMATHESIS_HOOKS=contract_tests.registry.checks`) and `contract-proxy`. Importing the package registers
every check of the suite.
"""

from contract_tests.registry import response_checks, undocumented_checks, viewer_type_checks

__all__ = ["response_checks", "undocumented_checks", "viewer_type_checks"]

"""The suite's pytest plugin: settings read once, the run's ledger, profiles, report and JUnit, the fixtures
and `contract-test`; over the target client and the registry, and touching only the suite's own tests."""

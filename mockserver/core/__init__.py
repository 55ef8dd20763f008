"""The pure core: data set, generation, pagination, search, auth rules and the envelope. No web framework here."""

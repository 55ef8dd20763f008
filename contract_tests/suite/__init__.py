"""The suite's explorers beyond single requests: request sequences as a state machine, and campaigns of them."""

"""Domain-agnostic workflow runtime around SpiffWorkflow (see README.md for its import rules)."""

"""kaifang report verbs (being written)."""

"""kaifang serve verbs (being written)."""

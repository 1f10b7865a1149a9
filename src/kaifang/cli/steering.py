"""kaifang steering verbs (being written)."""

"""kaifang sensitivity verbs (being written)."""

"""Table strategies: each reads one kind of source into the same RawTable shape."""

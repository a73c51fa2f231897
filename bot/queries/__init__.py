"""Core queries: each takes `Services` and options and returns an `Answer`."""

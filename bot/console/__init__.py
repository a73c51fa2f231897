"""The local console: the same commands as on Discord, answered in a terminal or from a pipe."""

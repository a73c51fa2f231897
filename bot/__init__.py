"""Paddock: motorsport news turned into facts for Discord fan communities."""

__version__ = "0.1.0"

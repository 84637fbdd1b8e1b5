"""Gamestorm's server: a thin asyncio shell around the pure rules in ``games``."""

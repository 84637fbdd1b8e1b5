"""Helpers shared by the server, browser and reliability tests."""

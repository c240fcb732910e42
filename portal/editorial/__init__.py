"""Notices, editors, analytics, rich text."""

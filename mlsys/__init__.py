"""Companion package of the book."""

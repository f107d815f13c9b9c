"""Priorities visible to companies, and expressions of interest."""

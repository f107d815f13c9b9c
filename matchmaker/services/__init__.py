"""Use cases: plain functions taking the session first; the public ones own the commit."""

"""Metrics pages: the funnel, timings, outcomes and engagement modes, with charts and CSV."""

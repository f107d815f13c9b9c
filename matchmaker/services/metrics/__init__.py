"""Outcome metrics of an office, a city or all cities for a period: the funnel from suggestion to
active partnership, the days between its steps, the outcomes, and the split by engagement mode.

Every figure is an SQL aggregate computed in the database (GROUP BY, COUNT, SUM, AVG, and medians
by a sort read at the middle); Python only formats the few dozen numbers that come back.
"""

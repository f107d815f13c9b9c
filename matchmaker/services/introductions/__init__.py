"""Introductions: the double opt-in between an office and a company, its thread and its audit.

transitions (every stage change), people (contacts, who is emailed), notices (the emails),
messages (the thread), blocks ("no more introductions from this office"), queries (the lists),
daily (reminders and expiry), audit (the admins' event log and its CSV).
"""

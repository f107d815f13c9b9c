"""Accounts: logging in, passwords, sessions, MFA, staff and company members."""

"""Admins: the authentication audit (logins, lockouts, resets, sessions, deactivations)."""

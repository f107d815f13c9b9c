"""Notification settings and one-click unsubscribe."""

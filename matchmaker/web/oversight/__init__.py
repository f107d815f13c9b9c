"""Admin oversight of the review work: flagged suggestions, every queue, the audit log."""

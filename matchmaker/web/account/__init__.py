"""The signed-in user's own account: their active sessions."""

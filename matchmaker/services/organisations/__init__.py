"""Cities, offices and the priorities offices post."""

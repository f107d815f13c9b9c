"""The office dashboard and the priorities offices post."""

"""The office queue and the review actions."""

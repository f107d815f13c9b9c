"""What registered companies look for across all cities, what open priorities cover, the gaps."""

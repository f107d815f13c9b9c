"""Admin pages for routing rules and the sensitivity policy."""

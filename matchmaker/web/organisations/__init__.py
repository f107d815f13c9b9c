"""Admin pages for cities, offices and staff; the staff invitation page."""

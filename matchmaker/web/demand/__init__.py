"""Staff and admins: what companies look for across all cities, coverage and gaps."""

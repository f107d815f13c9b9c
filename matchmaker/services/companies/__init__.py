"""Companies: registration, trust, data rights, upkeep and the CSV import."""

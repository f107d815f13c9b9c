"""The company CSV import: its columns, row checks and batches."""

"""Matching: ranking use cases, feature inputs, the model store, the suggestion upsert."""

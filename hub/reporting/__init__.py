"""National reporting: what an entity submits for a period, kept as append-only versions."""

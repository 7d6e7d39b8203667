"""Collection: one hardened fetch, feeds, page extraction, canonical URLs and the ingest cycle."""

"""Benchmarks: runnable as `python -m bench.NAME`, printing figures measured side by side."""

"""Persistence: schema, engine and sessions, migrations."""

from monitor.store.db import Store

__all__ = ["Store"]

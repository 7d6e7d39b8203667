"""The `monitor` command: a thin click layer over the library; library errors become ClickException."""

from __future__ import annotations

import logging
import sys

from monitor.cli import config as _config  # noqa: F401  (registers commands)
from monitor.cli.common import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    cli(prog_name="monitor")

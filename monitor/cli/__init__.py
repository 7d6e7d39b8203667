"""The `monitor` command: a thin click layer over the library; library errors become ClickException."""

from __future__ import annotations

import logging
import sys

from monitor.cli import analysis as _analysis  # noqa: F401  (registers commands)
from monitor.cli import archive as _archive  # noqa: F401
from monitor.cli import config as _config  # noqa: F401  (registers commands)
from monitor.cli import crawl as _crawl  # noqa: F401
from monitor.cli import delivery as _delivery  # noqa: F401
from monitor.cli import demo as _demo  # noqa: F401
from monitor.cli.common import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    cli(prog_name="monitor")

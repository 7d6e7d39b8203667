"""The `monitor` command: a thin click layer over the library; library errors become ClickException."""

from __future__ import annotations

import logging
import sys
from typing import cast

from monitor.cli import config as _config  # noqa: F401  (registers commands)
from monitor.cli.common import LazyGroup, cli
from monitor.settings import LOG_FORMAT, QUIET_LOGGERS

__all__ = ["cli", "main"]

# The modules of the other commands, imported when their command runs (see LazyGroup).
_MODULES = {
    "monitor.cli.analysis": ["analyze"],
    "monitor.cli.archive": ["report", "search", "export", "tag", "corrections", "learn", "reply", "reply-status"],
    "monitor.cli.crawl": ["crawl"],
    "monitor.cli.delivery": ["digest", "alerts", "send", "run"],
    "monitor.cli.demo": ["demo"],
    "monitor.cli.web": ["web", "user"],
    "monitor.cli.worker": ["worker"],
}
cast(LazyGroup, cli).modules.update({name: module for module, names in _MODULES.items() for name in names})


def main() -> None:
    """Console entry point."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    cli(prog_name="monitor")

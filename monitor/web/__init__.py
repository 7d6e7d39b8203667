"""The press office's workspace in the browser: a thin layer over the same library functions as the CLI."""

from monitor.web.app import create_app

__all__ = ["create_app"]

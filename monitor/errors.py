"""The exception tree. Every message is Romanian and names what and where; the CLI turns these into
errors at one edge (`monitor.cli.common.LazyGroup.invoke`), the web layer into pages.

    PresaError
    ├── ConfigError        sources.yaml or a profile is invalid (every problem, with file and line)
    ├── StoreError         the database cannot be opened, read or written
    ├── MailConfigError    MONITOR_SMTP_URL cannot be used
    ├── FeedError          a response is not a usable RSS/Atom feed (recorded in the feed's state)
    └── RequestError       what a user asked cannot be done as asked
        ├── SearchError, ExportError, CorrectionError
        ├── ReportError, ReplyError
        └── AccountError   a workspace account cannot be made, changed or signed in
"""

from __future__ import annotations


class PresaError(Exception):
    """Base of every error the product raises on purpose; the message is for the user."""


class ConfigError(PresaError):
    """Every problem found in the configuration files, one per line, each naming file and line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class StoreError(PresaError):
    """The database cannot be opened, read or written (bad URL, read-only file, full disk, server down)."""


class MailConfigError(PresaError):
    """MONITOR_SMTP_URL cannot be used."""


class FeedError(PresaError):
    """The response is not a usable RSS/Atom feed; the message goes into the feed's state."""


class RequestError(PresaError, ValueError):
    """What a user asked cannot be done as asked."""


class SearchError(RequestError):
    """A search that cannot run as asked."""


class ExportError(RequestError):
    """An export that cannot run as asked."""


class CorrectionError(RequestError):
    """A correction that cannot be recorded."""


class ReportError(RequestError):
    """A report that cannot be made or sent as asked."""


class ReplyError(RequestError):
    """A letter that cannot be drafted or a status that cannot be set."""


class AccountError(RequestError):
    """A workspace account that cannot be made or changed, or a sign-in refused."""

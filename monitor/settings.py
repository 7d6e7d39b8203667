"""Typed run-time settings from the environment; secrets (SMTP, database URL) never come from the repo."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

USER_AGENT = "PresaMonitor/0.1 (+monitorizare presa pentru Institutia Prefectului; contact: presa@prefectura.example)"


@dataclass(frozen=True)
class Settings:
    """Everything a run needs that is not in sources.yaml or a profile."""

    database_url: str
    data_dir: Path
    output_dir: Path
    sources_path: Path
    pipelines_dir: Path
    smtp_url: str | None = None
    mail_from: str = "Presa <presa@localhost>"
    allow_hosts: frozenset[str] = field(default_factory=frozenset)  # private hosts allowed (tests, demo)
    user_agent: str = USER_AGENT
    max_body_bytes: int = 15 * 1024 * 1024
    request_deadline: float = 30.0  # seconds for a whole request, body included
    per_host_limit: int = 2
    total_limit: int = 16
    backoff_base: timedelta = timedelta(minutes=5)
    backoff_cap: timedelta = timedelta(hours=6)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Read MONITOR_* variables; keyword overrides win (tests, demo)."""
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("MONITOR_DATA_DIR", "data"))
        settings = cls(
            database_url=env.get("MONITOR_DATABASE_URL") or f"sqlite:///{data_dir / 'presa.db'}",
            data_dir=data_dir,
            output_dir=Path(env.get("MONITOR_OUTPUT_DIR", "reports/out")),
            sources_path=Path(env.get("MONITOR_SOURCES", "sources.yaml")),
            pipelines_dir=Path(env.get("MONITOR_PIPELINES", "pipelines")),
            smtp_url=env.get("MONITOR_SMTP_URL") or None,
            mail_from=env.get("MONITOR_MAIL_FROM") or cls.mail_from,
            allow_hosts=frozenset(
                host.strip().lower() for host in env.get("MONITOR_ALLOW_HOSTS", "").split(",") if host.strip()
            ),
        )
        return replace(settings, **overrides)

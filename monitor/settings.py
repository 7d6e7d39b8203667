"""Typed run-time settings from the environment; secrets (SMTP, database URL) never come from the repo.

Where the configuration lives (sources.yaml, pipelines/, reports/templates/ overrides), in this order: the
`--config DIR` option, MONITOR_HOME, the current folder when it holds sources.yaml or pipelines/, the user's
configuration folder (platformdirs: ~/.config/presa on Linux) when it exists; otherwise the defaults packaged
with the program (the example profile, the default outlets), so `monitor demo` runs anywhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs

from monitor.errors import ConfigError

USER_AGENT = "PresaMonitor/0.1 (+monitorizare presa pentru Institutia Prefectului; contact: presa@prefectura.example)"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # every process's log lines, the daemon's children too
QUIET_LOGGERS = ("alembic", "weasyprint.progress")  # step-by-step notices, not about the user's data
DEFAULTS = Path(str(resources.files("monitor.defaults")))  # sources.yaml, pipelines/, templates/


@dataclass(frozen=True)
class ConfigHome:
    """The configuration folder in use and why it was chosen (said to the operator); None: packaged defaults."""

    path: Path | None
    reason: str

    @property
    def describe(self) -> str:
        if self.path is None:
            return f"configurația implicită a programului ({DEFAULTS}); creați una cu «monitor init DOSAR»"
        return f"configurația din {self.path} ({self.reason})"


def find_config(explicit: Path | None, env: dict[str, str], cwd: Path) -> ConfigHome:
    """The configuration folder by the order in the module docstring."""
    if explicit is not None:
        return ConfigHome(explicit, "--config")
    if env.get("MONITOR_HOME"):
        return ConfigHome(Path(env["MONITOR_HOME"]), "MONITOR_HOME")
    if (cwd / "sources.yaml").is_file() or (cwd / "pipelines").is_dir():
        return ConfigHome(cwd, "dosarul curent")
    user = Path(platformdirs.user_config_dir("presa"))
    if user.is_dir():
        return ConfigHome(user, "dosarul de configurare al utilizatorului")
    return ConfigHome(None, "")


def allowed_services(value: str) -> frozenset[str]:
    """MONITOR_ALLOW_HOSTS: comma-separated host:port pairs of private services the crawler may fetch."""
    entries = [entry.strip().lower() for entry in value.split(",") if entry.strip()]
    bad = [entry for entry in entries if not entry.rpartition(":")[2].isdigit()]
    if bad:
        raise ConfigError(
            [
                f"MONITOR_ALLOW_HOSTS: «{entry}» trebuie să numească gazda și portul (de exemplu 127.0.0.1:8000)"
                for entry in bad
            ]
        )
    return frozenset(entries)


class AnalysisMode(StrEnum):
    """Who analyses the queue of new articles (MONITOR_ANALYSIS)."""

    DAEMON = "daemon"  # `monitor run`, a slice after every crawl job (the default: one process does everything)
    WORKERS = "workers"  # `monitor worker` processes, one or several, on PostgreSQL side by side; the daemon does not


def analysis_mode(value: str) -> AnalysisMode:
    """MONITOR_ANALYSIS: daemon (the default) or workers."""
    try:
        return AnalysisMode(value.strip().lower() or AnalysisMode.DAEMON)
    except ValueError:
        choices = " sau ".join(f"«{mode}»" for mode in AnalysisMode)
        raise ConfigError([f"MONITOR_ANALYSIS: «{value}» trebuie să fie {choices}"]) from None


def _count(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name) or str(default)
    if not value.isdigit():
        raise ConfigError([f"{name}: «{value}» trebuie să fie un număr întreg, 0 sau mai mare"])
    return int(value)


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
    allow_hosts: frozenset[str] = field(default_factory=frozenset)  # private "host:port" allowed (tests, demo)
    user_agent: str = USER_AGENT
    max_body_bytes: int = 15 * 1024 * 1024
    request_deadline: float = 30.0  # seconds for a whole request, body included
    smtp_timeout: float = 30.0  # seconds per SMTP socket operation
    extraction_workers: int = 2  # the daemon's page-extraction processes (0: in its own threads, no time limit)
    analysis: AnalysisMode = AnalysisMode.DAEMON  # workers: `monitor run` leaves the analysis to `monitor worker`
    per_host_limit: int = 2
    total_limit: int = 16
    backoff_base: timedelta = timedelta(minutes=5)
    backoff_cap: timedelta = timedelta(hours=6)
    templates_dir: Path | None = None  # the office's own templates (letterhead), over the packaged ones
    operator_email: str | None = None  # warned when collection stops, storage fails or mail keeps failing
    health_address: str | None = None  # HOST:PORT of the daemon's /health endpoint (unset: none)
    web_url: str | None = None  # the workspace's public address, for links in e-mail (unset: no links)
    web_address: str | None = None  # HOST:PORT where `monitor run` also serves the workspace (unset: it does not)
    secret_key: str | None = None  # signs sessions and e-mail links (unset: a key file in data_dir)
    config: ConfigHome = ConfigHome(None, "")

    @classmethod
    def from_env(
        cls, env: dict[str, str] | None = None, *, config_dir: Path | None = None, **overrides: Any
    ) -> Settings:
        """Read MONITOR_* variables and find the configuration folder; keyword overrides win (tests, demo)."""
        env = dict(os.environ if env is None else env)
        home = find_config(config_dir, env, Path.cwd())
        base = home.path
        data_dir = Path(env.get("MONITOR_DATA_DIR") or (base / "data" if base else "data"))
        templates = base / "reports" / "templates" if base else None
        settings = cls(
            database_url=env.get("MONITOR_DATABASE_URL") or f"sqlite:///{data_dir / 'presa.db'}",
            data_dir=data_dir,
            output_dir=Path(env.get("MONITOR_OUTPUT_DIR") or (base / "reports" / "out" if base else "reports/out")),
            sources_path=Path(env.get("MONITOR_SOURCES") or (base or DEFAULTS) / "sources.yaml"),
            pipelines_dir=Path(env.get("MONITOR_PIPELINES") or (base or DEFAULTS) / "pipelines"),
            smtp_url=env.get("MONITOR_SMTP_URL") or None,
            mail_from=env.get("MONITOR_MAIL_FROM") or cls.mail_from,
            allow_hosts=allowed_services(env.get("MONITOR_ALLOW_HOSTS", "")),
            templates_dir=templates if templates is not None and templates.is_dir() else None,
            operator_email=env.get("MONITOR_OPERATOR_EMAIL") or None,
            health_address=env.get("MONITOR_HEALTH") or None,
            web_url=(env.get("MONITOR_WEB_URL") or "").rstrip("/") or None,
            web_address=env.get("MONITOR_WEB_ADDRESS") or None,
            secret_key=env.get("MONITOR_SECRET_KEY") or None,
            extraction_workers=_count(env, "MONITOR_EXTRACTION_WORKERS", cls.extraction_workers),
            analysis=analysis_mode(env.get("MONITOR_ANALYSIS", "")),
            config=home,
        )
        return replace(settings, **overrides)

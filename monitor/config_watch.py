"""Notice when sources.yaml or a profile changes on disk (an edit in «Setări», or by hand) and load it again,
so a long-running process follows its configuration without a restart."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from monitor.config import Profile, Sources, load_all
from monitor.errors import ConfigError
from monitor.settings import Settings

log = logging.getLogger(__name__)

Stamp = tuple[tuple[str, int, int], ...]


def config_stamp(settings: Settings) -> Stamp:
    """What identifies the configuration's files as they are now: each path with its mtime and size."""
    files: list[Path] = [settings.sources_path, *sorted(settings.pipelines_dir.glob("*.yaml"))]
    stamp = []
    for path in files:
        try:
            status = path.stat()
        except FileNotFoundError:
            continue
        stamp.append((str(path), status.st_mtime_ns, status.st_size))
    return tuple(stamp)


@dataclass
class ConfigFiles:
    """The configuration files as last seen: `changed()` loads them once after each change."""

    settings: Settings
    stamp: Stamp = field(init=False)

    def __post_init__(self) -> None:
        self.stamp = config_stamp(self.settings)  # the caller loaded the configuration as it is now

    def changed(self) -> tuple[Sources, list[Profile]] | None:
        """The new configuration when a file changed and it is valid; None when nothing changed or the change
        is invalid (its problems are logged: the caller keeps what it runs with)."""
        stamp = config_stamp(self.settings)
        if stamp == self.stamp:
            return None
        self.stamp = stamp
        try:
            return load_all(self.settings.sources_path, self.settings.pipelines_dir)
        except ConfigError as error:
            log.error("configuration changed but is invalid; keeping the previous one:\n%s", error)
            return None

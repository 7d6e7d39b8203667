"""What every request of the workspace shares: settings, the store, the configuration (re-read when its files
change, so an edited profile is picked up without a restart), the templates, and the access rules."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar, cast

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from monitor.accounts import User
from monitor.config import Outlet, Profile, Sources, load_all
from monitor.config_watch import ConfigFiles
from monitor.deliver.render import environment as documents_environment
from monitor.links import secret_key
from monitor.record import LetterStatus, OutboxStatus, Tone
from monitor.settings import Settings
from monitor.store.db import Store
from monitor.store.models import ArticleRow
from monitor.store.workspace import profile_article

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
REMEMBERED = 24  # computed pages kept (a few months' figures per profile)
_T = TypeVar("_T")

STATIC = Path(__file__).parent / "static"


class NotFound(HTTPException):
    """404 with a Romanian page: also what a user gets for another profile's data (its existence is not told)."""

    def __init__(self, what: str = "Pagina nu există sau nu aveți acces la ea.") -> None:
        super().__init__(404, what)


class Forbidden(HTTPException):
    """403: the user sees the profile but their role may not do this."""

    def __init__(self, what: str = "Rolul dumneavoastră nu permite această acțiune.") -> None:
        super().__init__(403, what)


@dataclass
class Workspace:
    """One per server; thread-safe (uvicorn runs sync routes in a thread pool)."""

    settings: Settings
    store: Store
    key: str = ""
    _files: ConfigFiles = field(init=False)
    _config: tuple[Sources, dict[str, Profile]] = field(init=False)
    _lock: Lock = field(default_factory=Lock)
    _remembered: OrderedDict[tuple[Hashable, ...], tuple[Hashable, Any]] = field(default_factory=OrderedDict)
    templates: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.key = secret_key(self.settings)
        self.templates = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters.update(documents_environment(self.settings.templates_dir).filters)
        self.templates.globals.update(
            tones=tuple(Tone),
            status_label=lambda status: LetterStatus(status).label,
            mail_status=lambda status: OutboxStatus(status).label,
            topic_id=lambda label, topics: next((key for key, name in topics.items() if name == label), label),
        )
        sources, profiles = load_all(self.settings.sources_path, self.settings.pipelines_dir)  # a bad one stops here
        self._files = ConfigFiles(self.settings)
        self._config = sources, {profile.id: profile for profile in profiles}

    def config(self) -> tuple[Sources, dict[str, Profile]]:
        """The configuration, re-read when a file changed; a broken edit keeps the last good one (and is logged)."""
        with self._lock:
            fresh = self._files.changed()
            if fresh is not None:
                self._config = fresh[0], {profile.id: profile for profile in fresh[1]}
            return self._config

    def remembered(self, key: tuple[Hashable, ...], version: Hashable, compute: Callable[[], _T]) -> _T:
        """`compute()`, kept while `version` (store.workspace.data_version) is unchanged: a month's figures cost
        a second at a year's scale and change only when the data under them does."""
        with self._lock:
            found = self._remembered.get(key)
            if found is not None and found[0] == version:
                self._remembered.move_to_end(key)
                return cast(_T, found[1])
        value = compute()
        with self._lock:
            self._remembered[key] = (version, value)
            while len(self._remembered) > REMEMBERED:
                self._remembered.popitem(last=False)
        return value

    def profiles_of(self, user: User) -> list[Profile]:
        return [profile for profile in self.config()[1].values() if user.sees(profile.id)]

    def profile(self, user: User, profile_id: str) -> Profile:
        """The profile if the user sees it; otherwise 404, as for a profile that does not exist."""
        profile = self.config()[1].get(profile_id)
        if profile is None or not user.sees(profile_id):
            raise NotFound()
        return profile

    def article(self, profile: Profile, article_id: int) -> ArticleRow:
        """The article when it names one of the profile's targets; otherwise 404 (another prefecture's included)."""
        with self.store.session() as session:
            article = profile_article(session, profile.id, article_id)
        if article is None:
            raise NotFound()
        return article

    def outlets_of(self, profile: Profile) -> list[Outlet]:
        """The outlets the profile follows, by name."""
        watched = (outlet for outlet in self.config()[0].outlets if profile.watches(outlet))
        return sorted(watched, key=lambda outlet: outlet.name.casefold())

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """A whole page (or, for htmx, the fragment a template renders)."""
        context.setdefault("user", getattr(request.state, "user", None))
        context.setdefault("csrf", getattr(request.state, "csrf", ""))
        context.setdefault("profile", None)
        if context["user"] is not None:
            context.setdefault("profiles", self.profiles_of(context["user"]))
        else:
            context.setdefault("profiles", [])
        html = self.templates.get_template(template).render(request=request, **context)
        return HTMLResponse(html, status_code=status_code)


def workspace(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws

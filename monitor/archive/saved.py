"""Saved searches: a named archive search per profile (the workspace's «Arhivă» form as filled in); one with an
address gets, each morning with the digest, the articles published since the day before that answer it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.archive.finding import Query, find
from monitor.config import Profile
from monitor.deliver.mail import enqueue_each
from monitor.deliver.render import count_ro, date_ro, environment
from monitor.errors import SearchError
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.jobs import run_once
from monitor.store.models import SavedSearchRow

log = logging.getLogger(__name__)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WINDOW = timedelta(days=1)


def save_search(
    session: Session, profile: Profile, name: str, query: Query, email: str, *, owner: str, now: datetime
) -> SavedSearchRow:
    """Keep the search under `name` (checked now: a search that cannot run is refused)."""
    name, email = name.strip(), email.strip()
    if not name:
        raise SearchError("dați un nume căutării")
    if email and not _EMAIL.match(email):
        raise SearchError(f"adresa de e-mail «{email}» nu este validă")
    if not query.asked:
        raise SearchError("căutarea este goală: scrieți cuvinte sau alegeți un filtru")
    query.where(profile)  # a date or a target that cannot be read is refused now, not each morning
    taken = select(SavedSearchRow.id).where(SavedSearchRow.profile_id == profile.id, SavedSearchRow.name == name)
    if session.scalar(taken) is not None:
        raise SearchError(f"există deja o căutare salvată cu numele «{name}»")
    row = SavedSearchRow(
        profile_id=profile.id, name=name, query=query.fields(), email=email or None, owner=owner, created_at=now
    )
    session.add(row)
    session.flush()
    return row


def saved_searches(session: Session, profile_id: str) -> Sequence[SavedSearchRow]:
    return session.scalars(
        select(SavedSearchRow).where(SavedSearchRow.profile_id == profile_id).order_by(SavedSearchRow.name)
    ).all()


def delete_search(session: Session, profile_id: str, search_id: int) -> SavedSearchRow | None:
    """Forget the search; None when the profile has no such search."""
    row = session.scalar(
        select(SavedSearchRow).where(SavedSearchRow.id == search_id, SavedSearchRow.profile_id == profile_id)
    )
    if row is not None:
        session.delete(row)
    return row


def mail_saved_searches(store: Store, profile: Profile, settings: Settings, *, now: datetime) -> int:
    """Each saved search with an address: its articles published in the last day, e-mailed once per local day
    (nothing when there are none); returns how many e-mails were queued."""
    day = now.astimezone(profile.zone).date()
    with store.session() as session:
        searches = [row for row in saved_searches(session, profile.id) if row.email]
    queued = 0
    for search in searches:
        try:
            hits = find(store, profile, Query.of(search.query), since=now - WINDOW)
        except SearchError as error:  # the profile changed since (a target renamed): say so, keep the others
            log.warning("saved search %s of %s cannot run: %s", search.name, profile.id, error)
            continue
        if not hits:
            continue
        env = environment(settings.templates_dir)
        context = {"search": search, "hits": hits, "profile": profile, "day": day, "zone": profile.zone}
        found = count_ro(len(hits), "articol nou", "articole noi")
        mail = Mail(
            f"Căutarea salvată «{search.name}»: {found}, {date_ro(day)}",
            env.get_template("saved_search.html.j2").render(context),
            env.get_template("saved_search.txt.j2").render(context),
        )
        work = _queue(profile, settings, search, f"search:{profile.id}:{search.id}:{day.isoformat()}", mail, now)
        queued += run_once(store, f"search:{search.id}", day.isoformat(), now, work) or 0
    return queued


@dataclass(frozen=True)
class Mail:
    subject: str
    html: str
    text: str


def _queue(
    profile: Profile, settings: Settings, search: SavedSearchRow, key: str, mail: Mail, now: datetime
) -> Callable[[Session], int]:
    def work(session: Session) -> int:
        fresh, _ = enqueue_each(
            session,
            [search.email or ""],
            key_prefix=key,
            kind="search",
            profile_id=profile.id,
            subject=mail.subject,
            html=mail.html,
            text=mail.text,
            settings=settings,
            now=now,
        )
        return len(fresh)

    return work

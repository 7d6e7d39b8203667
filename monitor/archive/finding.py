"""What the office asks the archive, as it types it in the workspace's form (words in the search language, days
as zz.ll.aaaa, a target by name, a tone, an outlet), and the profile's articles that answer: the workspace's
«Arhivă» and the saved searches' morning e-mail both find through here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime

from monitor.archive.export import ExportFilter
from monitor.archive.search import SearchHit, search_articles
from monitor.config import Profile
from monitor.days import local_span, parse_day
from monitor.errors import SearchError
from monitor.record import MentionView, OutletKind, Tone
from monitor.store import Store
from monitor.store.queries import mentions_in
from monitor.store.workspace import newest_mentioned

LIMIT = 100
TONE_OVERREAD = 3  # a tone filter is checked on the effective tone (corrections applied): read that many more
NARROW_OVERREAD = 5  # the outlet kind and topic filters are checked on the mentions read: read that many more


@dataclass(frozen=True)
class Query:
    """The archive form as the user filled it (the texts are kept to refill the form)."""

    q: str = ""
    de_la: str = ""
    pana_la: str = ""
    tinta: str = ""
    ton: str = ""
    publicatia: str = ""
    tip: str = ""  # the outlet's kind (OutletKind value)
    tema: str = ""  # a topic id of the profile's taxonomy
    verificat: str = ""  # set: only the tones «de verificat» (unsure, not checked yet)

    @property
    def asked(self) -> bool:
        return any(
            (
                self.q,
                self.de_la,
                self.pana_la,
                self.tinta,
                self.ton,
                self.publicatia,
                self.tip,
                self.tema,
                self.verificat,
            )
        )

    @property
    def narrowed(self) -> bool:
        """Filters checked on the mentions read (kind, topic, «de verificat»): the read is larger, then cut."""
        return bool(self.tip or self.tema or self.verificat)

    def where(self, profile: Profile) -> ExportFilter:
        """The filter; SearchError naming the field that cannot be read."""
        days = []
        for label, text in (("de la", self.de_la), ("până la", self.pana_la)):
            day = parse_day(text) if text.strip() else None
            if text.strip() and day is None:
                raise SearchError(
                    f"data «{text}» ({label}) nu poate fi citită: scrieți zz.ll.aaaa, de exemplu 01.11.2026"
                )
            days.append(day)
        start, end = local_span(days[0], days[1], profile.zone)
        target = profile.find_target(self.tinta) if self.tinta else None
        if self.tinta and target is None:
            raise SearchError(f"ținta «{self.tinta}» nu există în profilul {profile.institution}")
        tone = Tone.parse(self.ton) if self.ton else None
        if self.ton and tone is None:
            raise SearchError(f"tonul «{self.ton}» nu există: pozitiv, neutru sau negativ")
        if self.tip and self.tip not in {kind.value for kind in OutletKind}:
            raise SearchError(f"tipul de publicație «{self.tip}» nu există")
        return ExportFilter(start, end, target.id if target else None, tone, self.publicatia or None)

    def fields(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value}

    @classmethod
    def of(cls, fields: dict[str, str]) -> Query:
        return cls(**{name: str(fields.get(name, "")).strip() for name in cls.__dataclass_fields__})


def find(
    store: Store, profile: Profile, query: Query, *, limit: int = LIMIT, since: datetime | None = None
) -> list[SearchHit]:
    """The profile's articles that match, newest first: by the words when there are any, else by the filters alone;
    `since`: published from then on only (a saved search's new results)."""
    where = query.where(profile)
    wanted = limit
    if query.narrowed:
        limit *= NARROW_OVERREAD
    if since is not None:
        where = replace(where, start=max(where.start, since) if where.start is not None else since)
    if query.q:
        hits = search_articles(
            store,
            query.q,
            now=datetime.now(UTC),
            profile_id=profile.id,
            start=where.start,
            end=where.end,
            target_id=where.target_id,
            tone=where.tone,
            outlet_id=where.outlet_id,
            limit=limit,
            mentioned_only=True,  # only what this profile monitors: never the rest of a shared archive
        )
        return _narrowed(hits, query)[:wanted]
    with store.session() as session:  # the newest first, a bounded read: never the whole period's mentions
        ids = newest_mentioned(
            session, profile.id, start=where.start, end=where.end, target_id=where.target_id,
            outlet_id=where.outlet_id, limit=limit if where.tone is None else limit * TONE_OVERREAD,
        )  # fmt: skip
        views = mentions_in(session, profile.id, ids, target_id=where.target_id)
    by_article: dict[int, list[MentionView]] = {}
    for view in reversed(views):  # newest first
        if where.tone is not None and view.tone != where.tone:  # the effective tone, corrections applied
            continue
        if view.article_id not in by_article and len(by_article) >= limit:
            break
        by_article.setdefault(view.article_id, []).append(view)
    hits = [
        SearchHit(
            article_id=first.article_id,
            url=first.url,
            title=first.title,
            outlet_id=first.outlet_id,
            outlet_name=first.outlet_name,
            published_at=first.published_at,
            snippet=next((sentence for view in mine for sentence in view.evidence if sentence.strip()), ""),
            mentions=tuple(mine),
        )
        for first, mine in ((mine[0], mine) for mine in by_article.values())
    ]
    return _narrowed(hits, query)[:wanted]


def _narrowed(hits: list[SearchHit], query: Query) -> list[SearchHit]:
    """The hits whose mentions pass the outlet-kind, topic and «de verificat» filters (corrections applied)."""
    if not query.narrowed:
        return hits
    kept = []
    for hit in hits:
        mentions = tuple(
            view
            for view in hit.mentions
            if (not query.tip or view.outlet_kind == query.tip)
            and (not query.tema or query.tema in view.topics)
            and (not query.verificat or view.to_review)
        )
        if mentions:
            kept.append(replace(hit, mentions=mentions))
    return kept

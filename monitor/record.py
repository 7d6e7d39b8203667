"""The records that flow from stage to stage: fetch outcomes, articles, and their analysis."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class FetchStatus(enum.StrEnum):
    """How one HTTP fetch ended (outcomes as values, not exceptions)."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    RETRY_LATER = "retry_later"  # 429/503 with Retry-After: not a failure
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """The result of one hardened fetch: body and headers, or the reason it failed."""

    url: str
    status: FetchStatus
    final_url: str | None = None
    http_status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds
    error: str | None = None
    no_store: bool = False  # Cache-Control: no-store, or Expires: 0 / in the past: keep no validators


class DateSource(enum.StrEnum):
    """Where an article's published_at came from; the last two are flagged as guessed."""

    FEED = "feed"
    PAGE = "page"
    FETCHED = "fetched"  # missing or unparseable: the fetch time
    CLAMPED = "clamped"  # more than an hour in the future: clamped to the fetch time
    OFFICE = "office"  # given by the press office with an item it added by hand


class Extraction(enum.StrEnum):
    """How an article's text was obtained."""

    PAGE = "page"  # extracted from the article page
    SUMMARY = "summary"  # page failed or was empty: the feed's summary is kept
    EMPTY = "empty"  # neither page nor summary gave text
    FAILED = "failed"  # the page was fetched, its extraction crashed or ran out of time: the summary is kept
    TYPED = "typed"  # pasted by the press office: a social-media post, a TV or radio transcript
    DOCUMENT = "document"  # read from an uploaded PDF or scanned page (OCR when it had no text layer)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, as it moves from feed entry to extracted text to stored row."""

    url: str  # canonical URL
    outlet_id: str
    feed_url: str
    fetched_at: datetime  # UTC
    title: str = ""
    link: str = ""  # the URL as the feed gave it
    summary: str = ""
    author: str | None = None
    published_at: datetime | None = None  # UTC
    date_source: DateSource = DateSource.FEED
    text: str = ""
    lead: str = ""
    language: str = "ro"
    extraction: Extraction = Extraction.EMPTY
    urls_seen: tuple[str, ...] = ()

    @property
    def date_guessed(self) -> bool:
        return self.date_source in (DateSource.FETCHED, DateSource.CLAMPED)


class Tone(enum.StrEnum):
    """How an article presents a target."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"

    @property
    def label(self) -> str:
        """'pozitiv', 'neutru', 'negativ'."""
        return label(self)

    @classmethod
    def parse(cls, word: str) -> Tone | None:
        """The tone an officer typed, in Romanian or as stored ('negativ', 'Negative'); None if it is none."""
        word = word.strip().casefold()
        return next((tone for tone in cls if word in (tone.value, label(tone))), None)


class Prominence(enum.StrEnum):
    """Where the target stands in the article: title, lead (first paragraph) or body."""

    TITLE = "title"
    LEAD = "lead"
    BODY = "body"

    @property
    def label(self) -> str:
        return label(self)


class AlertRule(enum.StrEnum):
    """Which crisis rule fired."""

    BURST = "burst"
    KEYWORD = "keyword"
    HIGH_REACH = "high_reach"

    @property
    def label(self) -> str:
        return label(self)


class OutboxStatus(enum.StrEnum):
    """Where a queued e-mail stands."""

    PENDING = "pending"
    SENDING = "sending"  # claimed by a sender; its lease expires if that sender dies
    SENT = "sent"
    SAVED = "saved"  # no SMTP server configured: written as an .eml file
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # the server may have it: the connection broke after the message, twice; not resent

    @property
    def label(self) -> str:
        return label(self)


class TargetKind(enum.StrEnum):
    """A watched person or an institution."""

    PERSON = "person"
    INSTITUTION = "institution"

    @property
    def label(self) -> str:
        return label(self)


class TargetRole(enum.StrEnum):
    """The office a target holds."""

    PREFECT = "prefect"
    SUBPREFECT = "subprefect"
    INSTITUTION = "institution"
    OTHER = "other"

    @property
    def label(self) -> str:
        return label(self)


class OutletKind(enum.StrEnum):
    """What kind of outlet publishes an article."""

    LOCAL = "local"
    NATIONAL = "national"
    AGENCY = "agency"
    TV = "tv"
    RADIO = "radio"
    PRINT = "print"  # a printed newspaper: its pages scanned and added by hand
    INSTITUTION = "institution"

    @property
    def label(self) -> str:
        return label(self)


class LetterStatus(enum.StrEnum):
    """Where a right-of-reply letter stands."""

    DRAFTED = "drafted"
    SENT = "sent"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return label(self)


class Role(enum.StrEnum):
    """What a workspace user may do (the profiles they see are given apart)."""

    OFFICE = "birou"  # the press office: everything for its profiles
    SPOKESPERSON = "purtator"  # read, alerts, acknowledge
    LEADERSHIP = "conducere"  # the prefect, a director: read-only and reports
    ADMIN = "admin"  # users, settings, every profile

    @property
    def label(self) -> str:
        return label(self)


# The Romanian words users read for the domain's values, in one place.
# (Keyed by enum and value: members of two StrEnums with the same value, LetterStatus.SENT and OutboxStatus.SENT,
# are equal as strings and would share one entry of a dict keyed by the members themselves.)
_WORDS: tuple[tuple[enum.StrEnum, str], ...] = (
    (Tone.POSITIVE, "pozitiv"),
    (Tone.NEUTRAL, "neutru"),
    (Tone.NEGATIVE, "negativ"),
    (Prominence.TITLE, "în titlu"),
    (Prominence.LEAD, "în introducere"),
    (Prominence.BODY, "în corpul articolului"),
    (AlertRule.BURST, "creștere bruscă a mențiunilor negative"),
    (AlertRule.KEYWORD, "cuvinte de criză lângă mențiune"),
    (AlertRule.HIGH_REACH, "articol negativ cu ținta în titlu, într-o publicație cu audiență mare"),
    (TargetKind.PERSON, "persoană"),
    (TargetKind.INSTITUTION, "instituție"),
    (TargetRole.PREFECT, "prefect"),
    (TargetRole.SUBPREFECT, "subprefect"),
    (TargetRole.INSTITUTION, "instituția"),
    (TargetRole.OTHER, "altă funcție"),
    (OutletKind.NATIONAL, "națională"),
    (OutletKind.LOCAL, "locală"),
    (OutletKind.AGENCY, "agenție"),
    (OutletKind.TV, "televiziune"),
    (OutletKind.RADIO, "radio"),
    (OutletKind.PRINT, "presă scrisă (tipărită)"),
    (OutletKind.INSTITUTION, "instituțională"),
    (LetterStatus.DRAFTED, "redactată"),
    (LetterStatus.SENT, "trimisă"),
    (LetterStatus.PUBLISHED, "publicată"),
    (OutboxStatus.PENDING, "în așteptare"),
    (OutboxStatus.SENDING, "se trimite"),
    (OutboxStatus.SENT, "trimis"),
    (OutboxStatus.SAVED, "salvat ca fișier (fără server SMTP)"),
    (OutboxStatus.FAILED, "eșuat"),
    (OutboxStatus.UNCERTAIN, "incert (conexiunea s-a rupt la trimitere)"),
    (Role.OFFICE, "biroul de presă"),
    (Role.SPOKESPERSON, "purtătorul de cuvânt"),
    (Role.LEADERSHIP, "conducerea"),
    (Role.ADMIN, "administrator"),
)
LABELS: dict[tuple[type[enum.StrEnum], str], str] = {(type(member), member.value): word for member, word in _WORDS}


def label(member: enum.StrEnum) -> str:
    """The Romanian word users read for a value of one of the enums above."""
    return LABELS[(type(member), member.value)]


# A tone less sure than this is shown «de verificat» in the digest, «Azi», the alerts, the report, the exports and the
# archive. Chosen on the real dev split, cross-validated (`python -m bench.accuracy --real`): at 0.7 one tone in five
# is flagged and two in five of those are wrong (with the model of 2026-12-06: 0.48 below 0.6, 0.40 from 0.65 to
# 0.75, 0.38 at 0.8), so the office's checks stay well spent while catching 37% of the tone errors.
REVIEW_BELOW = 0.7


def unsure(confidence: float) -> bool:
    """An automatic tone this unsure is «de verificat»."""
    return confidence < REVIEW_BELOW


@dataclass(frozen=True, slots=True)
class Span:
    """One mention of a target: character offsets in the analysed text and its sentence."""

    start: int
    end: int
    sentence: str
    field: str = "text"  # "title" or "text"


@dataclass(frozen=True, slots=True)
class TargetMention:
    """Everything an article says of one target: mentions, prominence, tone and its evidence."""

    target: str
    count: int
    prominence: Prominence
    tone: Tone
    score: float
    evidence: tuple[str, ...]
    spans: tuple[Span, ...] = ()
    confidence: float = 1.0  # how sure the tone is (probability); below REVIEW_BELOW it is flagged «de verificat»

    @property
    def to_review(self) -> bool:
        """«de verificat»: the learned layer is unsure of the tone."""
        return unsure(self.confidence)


@dataclass(frozen=True, slots=True)
class TopicHit:
    topic: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Analysis:
    """The analysis of one article for one profile."""

    mentions: tuple[TargetMention, ...] = ()
    topics: tuple[TopicHit, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class MentionView:
    """One article's mention of one target, as the press office sees it (corrections applied)."""

    article_id: int
    cluster_id: int
    url: str  # the address to click: the article's link as first seen, else its canonical URL
    title: str
    outlet_id: str
    outlet_name: str
    outlet_kind: OutletKind
    outlet_reach: int
    published_at: datetime
    date_guessed: bool
    target_id: str
    count: int
    prominence: Prominence
    tone: Tone  # effective: the latest correction for (profile, cluster, target), else the automatic tone
    auto_tone: Tone
    corrected: bool
    score: float  # the automatic score, or CORRECTED_SCORE when a correction changed the tone
    evidence: tuple[str, ...]
    topics: tuple[str, ...]  # automatic topic ids, then the ones a correction added
    also_in: tuple[str, ...]  # names of the other outlets that ran the same story, sorted
    confidence: float = 1.0  # how sure the automatic tone is

    @property
    def to_review(self) -> bool:
        """«de verificat»: an automatic tone the learned layer is unsure of (a correction settles it)."""
        return not self.corrected and unsure(self.confidence)

"""The database schema (SQLAlchemy 2 declarative); changed only through Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so it is stored naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


# --- ingest (migration 0001) -------------------------------------------------------------------


class OutletRow(Base):
    __tablename__ = "outlets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    county: Mapped[str | None] = mapped_column(String(64))
    homepage: Mapped[str | None] = mapped_column(String(500))
    reach: Mapped[int] = mapped_column(BigInteger, default=0)
    language: Mapped[str] = mapped_column(String(8), default="ro")
    contact: Mapped[str | None] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)


class FeedRow(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outlet_id: Mapped[str] = mapped_column(ForeignKey("outlets.id"), index=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    poll_seconds: Mapped[int] = mapped_column(Integer, default=900)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    last_checked_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_check_at: Mapped[datetime | None]


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)  # canonical: an identity key (always https)
    link: Mapped[str] = mapped_column(String(2000), default="", server_default="")  # as first linked: to click
    outlet_id: Mapped[str] = mapped_column(ForeignKey("outlets.id"), index=True)  # first outlet seen
    title: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(String(300))
    published_at: Mapped[datetime] = mapped_column(index=True)
    date_source: Mapped[str] = mapped_column(String(16))
    fetched_at: Mapped[datetime] = mapped_column(index=True)  # first collected: the digest's window (migration 0008)
    text: Mapped[str] = mapped_column(Text, default="")
    lead: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="ro")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    extraction: Mapped[str] = mapped_column(String(16))
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)  # MinHash of word shingles


class ArticleUrlRow(Base):
    """Every URL under which an article was seen (before canonicalisation)."""

    __tablename__ = "article_urls"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)


class ArticleSourceRow(Base):
    """The link of an article to every feed (and so outlet) it appeared in."""

    __tablename__ = "article_sources"
    __table_args__ = (Index("ix_article_sources_outlet_seen", "outlet_id", "first_seen_at"),)  # migration 0008

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id"), primary_key=True)
    outlet_id: Mapped[str] = mapped_column(ForeignKey("outlets.id"), index=True)
    first_seen_at: Mapped[datetime]


# --- analysis (migration 0002) -----------------------------------------------------------------


class AnalysisRow(Base):
    """One article analysed for one profile; profile_hash says which profile version produced it."""

    __tablename__ = "analyses"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    profile_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    profile_hash: Mapped[str] = mapped_column(String(64))
    analyzed_at: Mapped[datetime]
    topics: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{topic, terms}]


class MentionRow(Base):
    """What one article says of one target of one profile (automatic tone; corrections are separate)."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("article_id", "profile_id", "target_id"),
        Index("ix_mentions_profile_target", "profile_id", "target_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    profile_id: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    prominence: Mapped[str] = mapped_column(String(8))
    tone: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float, default=1.0, server_default="1.0")
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    spans: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class CorrectionRow(Base):
    """A tone or topic set by the press officer; applies to the whole story cluster and always wins."""

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_cluster", "profile_id", "cluster_id", "target_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    cluster_id: Mapped[int] = mapped_column(Integer)
    target_id: Mapped[str] = mapped_column(String(64))
    tone: Mapped[str | None] = mapped_column(String(8))
    topic: Mapped[str | None] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class ToneModelRow(Base):
    """A profile's tone model, retrained with its press officer's corrections (`monitor learn`)."""

    __tablename__ = "tone_models"

    profile_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    model: Mapped[str] = mapped_column(Text)  # ToneModel.to_json()
    corrections: Mapped[int] = mapped_column(Integer)  # how many corrections it learned from
    last_correction_id: Mapped[int] = mapped_column(Integer)  # the newest correction it saw
    trained_at: Mapped[datetime]


# --- delivery (migration 0003) -----------------------------------------------------------------


class OutboxRow(Base):
    """A message to send; written in the same transaction as the decision to send it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)  # digest:PROFILE:DATE:RECIPIENT, alert:...
    kind: Mapped[str] = mapped_column(String(16))
    profile_id: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(300))
    message: Mapped[bytes] = mapped_column(LargeBinary)  # the whole RFC 5322 message
    # pending | sending (claimed, lease in next_attempt_at) | sent | saved (.eml, no SMTP) | failed (5xx)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    uncertain: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # attempts of unknown outcome
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class AlertRow(Base):
    """One crisis alert for a target and story cluster, and the updates sent since."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_profile_target", "profile_id", "target_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[str] = mapped_column(String(64))
    cluster_id: Mapped[int | None] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime]
    last_update_at: Mapped[datetime]
    updates: Mapped[int] = mapped_column(Integer, default=0)
    article_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # migration 0006: who took the crisis in hand, whether its updates are muted, when it was closed
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    acknowledged_at: Mapped[datetime | None]
    muted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    closed_at: Mapped[datetime | None]


class JobRunRow(Base):
    """A scheduled period already done (digest of a day, report of a month): never done twice."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(100), primary_key=True)
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    done_at: Mapped[datetime]


class LockRow(Base):
    """A lease held by the one process that runs scheduled jobs."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]


# --- archive (migration 0004) ------------------------------------------------------------------


class ReplyRow(Base):
    """A right-of-reply letter drafted for an article and target, and its status."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="drafted")  # drafted | sent | published
    text_path: Mapped[str] = mapped_column(String(500))
    html_path: Mapped[str] = mapped_column(String(500))
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)  # what to complete before sending (0014)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ArticleSearchRow(Base):
    """The search form of an article: lemma-folded, diacritic-free words (FTS5 on SQLite; on PostgreSQL a stored
    `vector` column with a GIN index, migration 0012), and the article's publication time to read matches newest
    first."""

    __tablename__ = "article_search"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime]
    indexed_at: Mapped[datetime]


# --- web workspace (migration 0006) ------------------------------------------------------------


class UserRow(Base):
    """A person who signs in to the workspace: a role and the profiles (prefectures) whose data they see."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # Argon2id, PHC string
    role: Mapped[str] = mapped_column(String(16))  # record.Role
    profiles: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]


class WebSessionRow(Base):
    """A signed-in browser; the cookie carries the token, the row only its hash (a stolen database opens nothing)."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class AuditRow(Base):
    """Every change made through the workspace or the user command: who, when, what, before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_profile_at", "profile_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    login: Mapped[str] = mapped_column(String(100))
    profile_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class UsedTokenRow(Base):
    """A single-purpose e-mail link already used (acknowledge an alert): it never works twice."""

    __tablename__ = "used_tokens"

    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime]


# --- scale (migration 0007) --------------------------------------------------------------------


class ArticleBandRow(Base):
    """One LSH band key of an article's MinHash signature (`dedup.band_keys`): a new article's story candidates
    are the articles sharing one of its keys within the date window, found through this table's key order.

    The publication time is kept as whole seconds since 1970 (UTC), an integer: about 106 rows per article, so
    every byte counts (a timestamp string would triple the row on SQLite). On SQLite the table is its own
    primary key index (WITHOUT ROWID)."""

    __tablename__ = "article_bands"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    published: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True)


# --- the office's hand on a digest (migration 0009) ---------------------------------------------


class DigestEditRow(Base):
    """What the press office changed in one day's digest before it leaves: stories left out, stories put first,
    stories it flagged «de reacționat», its comment, and (when the profile asks for it) who approved it."""

    __tablename__ = "digest_edits"

    profile_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO date of the digest
    comment: Mapped[str] = mapped_column(Text, default="")
    excluded: Mapped[list[int]] = mapped_column(JSON, default=list)  # story cluster ids left out
    first: Mapped[list[int]] = mapped_column(JSON, default=list)  # story cluster ids shown first, in this order
    react: Mapped[list[int]] = mapped_column(JSON, default=list)  # story cluster ids flagged «de reacționat» (0013)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None]
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime]


# --- the analysis queue (migration 0010) -------------------------------------------------------


class AnalysisQueueRow(Base):
    """An article waiting for analysis: by every profile that watches its outlets (profile_id "*": the crawl or the
    office stored it, or linked it to another feed) or by one profile whose version changed (its backfill)."""

    __tablename__ = "analysis_queue"
    __table_args__ = (Index("ix_analysis_queue_profile", "profile_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    profile_id: Mapped[str] = mapped_column(String(64))
    queued_at: Mapped[datetime]


class AnalysisVersionRow(Base):
    """The version of a profile whose (re-)analysis was queued, store.queue.version_of its profile_fingerprint and
    the outlets it watches: a new one is queued once."""

    __tablename__ = "analysis_versions"

    profile_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    queued_at: Mapped[datetime]


# --- saved searches (migration 0011) ------------------------------------------------------------


class SavedSearchRow(Base):
    """A search the office keeps, by name; with an address, its new results are e-mailed each morning."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("profile_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[dict[str, str]] = mapped_column(JSON)  # the archive form's fields (words, dates, target, tone...)
    email: Mapped[str | None] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]

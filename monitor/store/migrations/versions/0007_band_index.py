"""scale: the LSH band index of story clustering (each article's MinHash band keys, indexed by key)

Revision ID: 0007
Revises: 0006

Band keys are written with each new signature (monitor.dedup); this migration backfills them for the articles
that already have one, a batch at a time, computing them with monitor.dedup.band_keys.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from monitor.dedup import Signature, band_keys
from monitor.store.bands import epoch_seconds
from monitor.store.models import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 1000  # articles read and their band rows written per round

_ARTICLES = sa.table(
    "articles",
    sa.column("id", sa.Integer()),
    sa.column("published_at", UTCDateTime()),
    sa.column("signature", sa.LargeBinary()),
)


def upgrade() -> None:
    bands = op.create_table(
        "article_bands",
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("published", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.PrimaryKeyConstraint("key", "published", "article_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_article_bands_article_id", "article_bands", ["article_id"])
    _backfill(op.get_bind(), bands)


def _backfill(connection: sa.Connection, bands: sa.Table) -> None:
    """Band rows for every article that has a signature, in id order, BATCH articles a round."""
    last = 0
    while True:
        rows = connection.execute(
            sa.select(_ARTICLES.c.id, _ARTICLES.c.published_at, _ARTICLES.c.signature)
            .where(_ARTICLES.c.id > last, _ARTICLES.c.signature.is_not(None))
            .order_by(_ARTICLES.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = [
            {"key": key, "published": epoch_seconds(row.published_at), "article_id": row.id}
            for row in rows
            for key in band_keys(Signature.from_bytes(row.signature))
        ]
        connection.execute(bands.insert(), values)
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_article_bands_article_id", "article_bands")
    op.drop_table("article_bands")

"""search by date: each search form carries its article's publication time, so a search can read the newest
matches first; on PostgreSQL the text vector is stored (no stemming again when a match is checked) and indexed

Revision ID: 0012
Revises: 0011

A frequent word matches a tenth of a national archive. PostgreSQL then visited every match's row (and, where
the bitmap of matches grew lossy, stemmed each row's text again) before sorting them by date: seconds over
2,000,000 articles. With the publication time beside the vector, monitor.archive.search reads the matches a
period at a time, newest first (a bitmap of the vector's GIN index and of the date's index, combined), and
stops once it has enough. SQLite's FTS5 answers through its own index and keeps the column for the same rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.store.models

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_COPY = (
    "UPDATE article_search SET published_at = "
    "(SELECT articles.published_at FROM articles WHERE articles.id = article_search.article_id)"
)
_POSTGRES = (
    "ALTER TABLE article_search ALTER COLUMN published_at SET NOT NULL",
    "ALTER TABLE article_search ADD COLUMN vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('romanian'::regconfig, body)) STORED",
    "CREATE INDEX ix_article_search_vector ON article_search USING GIN (vector)",
    "DROP INDEX ix_article_search_tsv",
    "CREATE INDEX ix_article_search_published_at ON article_search (published_at)",
    "ANALYZE article_search",
)


def upgrade() -> None:
    # SQLite cannot add a NOT NULL column without a default nor alter one without copying the table (its FTS5
    # triggers would go with it): there the column stays nullable, and every writer fills it.
    op.add_column(
        "article_search", sa.Column("published_at", monitor.store.models.UTCDateTime(timezone=True), nullable=True)
    )
    op.execute(_COPY)
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRES:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_article_search_published_at")
        op.execute("CREATE INDEX ix_article_search_tsv ON article_search USING GIN (to_tsvector('romanian', body))")
        op.execute("ALTER TABLE article_search DROP COLUMN vector")
    op.drop_column("article_search", "published_at")  # SQLite 3.35+ drops a column in place, triggers kept

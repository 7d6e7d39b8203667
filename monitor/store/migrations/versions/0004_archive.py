"""archive: right-of-reply letters and the full-text search index

Revision ID: 0004
Revises: 0003

`article_search` holds each article's search form (lemma-folded, diacritic-free words, written by
monitor.archive.search.index_articles). SQLite searches it through the FTS5 table `article_search_fts` (external
content, kept in step by triggers); PostgreSQL through a GIN index on to_tsvector('romanian', body).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.store.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE article_search_fts USING fts5("
    "body, content='article_search', content_rowid='article_id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER article_search_ai AFTER INSERT ON article_search BEGIN "
    "INSERT INTO article_search_fts(rowid, body) VALUES (new.article_id, new.body); END",
    "CREATE TRIGGER article_search_ad AFTER DELETE ON article_search BEGIN "
    "INSERT INTO article_search_fts(article_search_fts, rowid, body) VALUES ('delete', old.article_id, old.body); END",
    "CREATE TRIGGER article_search_au AFTER UPDATE ON article_search BEGIN "
    "INSERT INTO article_search_fts(article_search_fts, rowid, body) VALUES ('delete', old.article_id, old.body); "
    "INSERT INTO article_search_fts(rowid, body) VALUES (new.article_id, new.body); END",
)
_POSTGRES_GIN = "CREATE INDEX ix_article_search_tsv ON article_search USING GIN (to_tsvector('romanian', body))"


def upgrade() -> None:
    op.create_table(
        "replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.String(length=64), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("text_path", sa.String(length=500), nullable=False),
        sa.Column("html_path", sa.String(length=500), nullable=False),
        sa.Column("created_at", monitor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", monitor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replies_article_id"), ["article_id"], unique=False)

    op.create_table(
        "article_search",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("indexed_at", monitor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(_POSTGRES_GIN)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("article_search_au", "article_search_ad", "article_search_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS article_search_fts")
    op.drop_table("article_search")
    op.drop_table("replies")

"""read-side indexes: articles by first collection time (the digest's window and «Azi» select by it), and an
article's sources by outlet and time (the workspace's «Surse», articles per outlet in the last 7 days)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_fetched_at", "articles", ["fetched_at"])
    op.create_index("ix_article_sources_outlet_seen", "article_sources", ["outlet_id", "first_seen_at"])


def downgrade() -> None:
    op.drop_index("ix_article_sources_outlet_seen", "article_sources")
    op.drop_index("ix_articles_fetched_at", "articles")

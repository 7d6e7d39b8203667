"""scale: the analysis queue (articles waiting for analysis) and the profile versions whose re-analysis is queued

Revision ID: 0010
Revises: 0009

Nothing is backfilled here: analysis_versions starts empty, so the first analysis after the upgrade queues, once per
profile, the watched articles that profile has not analysed in its current version (monitor.store.queue).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.store.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_WHEN = monitor.store.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "analysis_queue",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("profile_id", sa.String(64), nullable=False),
        sa.Column("queued_at", _WHEN, nullable=False),
    )
    op.create_index("ix_analysis_queue_article_id", "analysis_queue", ["article_id"])
    op.create_index("ix_analysis_queue_profile", "analysis_queue", ["profile_id", "id"])
    op.create_table(
        "analysis_versions",
        sa.Column("profile_id", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("queued_at", _WHEN, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("analysis_versions")
    op.drop_index("ix_analysis_queue_profile", "analysis_queue")
    op.drop_index("ix_analysis_queue_article_id", "analysis_queue")
    op.drop_table("analysis_queue")

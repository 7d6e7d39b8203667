"""the office's hand on a digest: stories left out or put first, its comment, its approval

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.store.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_WHEN = monitor.store.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "digest_edits",
        sa.Column("profile_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.Column("first", sa.JSON(), nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=True),
        sa.Column("approved_at", _WHEN, nullable=True),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("digest_edits")

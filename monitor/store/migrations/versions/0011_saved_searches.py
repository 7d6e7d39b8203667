"""saved searches: a named archive search per profile, its new results e-mailed each morning when it has an address

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.store.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("profile_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("email", sa.String(300), nullable=True),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("created_at", monitor.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("profile_id", "name"),
    )
    op.create_index("ix_saved_searches_profile_id", "saved_searches", ["profile_id"])


def downgrade() -> None:
    op.drop_index("ix_saved_searches_profile_id", "saved_searches")
    op.drop_table("saved_searches")

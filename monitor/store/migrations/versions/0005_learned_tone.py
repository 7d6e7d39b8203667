"""learned tone: each mention's confidence («de verificat» below a threshold), per-profile tone models; and the
outbox's count of sends whose outcome is unknown (at most one resend after one)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.store.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=False, server_default="1.0"))
    op.create_table(
        "tone_models",
        sa.Column("profile_id", sa.String(64), primary_key=True),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("last_correction_id", sa.Integer(), nullable=False),
        sa.Column("trained_at", monitor.store.models.UTCDateTime(timezone=True), nullable=False),
    )

    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("uncertain", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("uncertain")
    op.drop_table("tone_models")
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("confidence")

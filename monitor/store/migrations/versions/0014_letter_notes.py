"""a right-of-reply letter keeps what the press officer must complete or check before it leaves (a missing
contact address, the audiovisual code's facts-only rule, an expired deadline), shown with it in the workspace

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("replies", sa.Column("notes", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    op.drop_column("replies", "notes")

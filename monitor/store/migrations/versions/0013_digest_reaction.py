"""the office flags a story «de reacționat» in a day's digest (beside the automatic reasons)

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("digest_edits", sa.Column("react", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    op.drop_column("digest_edits", "react")

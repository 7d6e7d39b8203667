"""web workspace: users, sessions, the audit log, single-use e-mail links; an alert's acknowledgement, mute, close

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monitor.store.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_WHEN = monitor.store.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("login", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("profiles", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", _WHEN, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("last_login_at", _WHEN, nullable=True),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("last_seen_at", _WHEN, nullable=False),
        sa.Column("expires_at", _WHEN, nullable=False),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("login", sa.String(100), nullable=False),
        sa.Column("profile_id", sa.String(64), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
    )
    op.create_index("ix_audit_profile_at", "audit_log", ["profile_id", "at"])
    op.create_table(
        "used_tokens",
        sa.Column("token_id", sa.String(64), primary_key=True),
        sa.Column("used_at", _WHEN, nullable=False),
    )
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("acknowledged_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("acknowledged_at", _WHEN, nullable=True))
        batch.add_column(sa.Column("muted", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("closed_at", _WHEN, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        for column in ("closed_at", "muted", "acknowledged_at", "acknowledged_by"):
            batch.drop_column(column)
    op.drop_table("used_tokens")
    op.drop_index("ix_audit_profile_at", "audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_web_sessions_user_id", "web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("users")

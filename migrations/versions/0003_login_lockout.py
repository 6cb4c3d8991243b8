"""login_lockout: failed-login counter, lock end, last login and session revocation on users.

Five failed logins lock an account for a while; the state lives in the database so that it
holds across restarts and Streamlit replicas. ``sessions_revoked_at`` voids every login cookie
issued before it (logout, deactivation).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("failed_login_count", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column("users", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "users", sa.Column("sessions_revoked_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_check_constraint(
        op.f("ck_users_failed_login_count_positive"), "users", "failed_login_count >= 0"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_users_failed_login_count_positive"), "users", type_="check")
    op.drop_column("users", "sessions_revoked_at")
    op.drop_column("users", "last_login_at")
    op.drop_column("users", "locked_until")
    op.drop_column("users", "failed_login_count")

"""Facilitator invites in the database, so any process can redeem one (once).

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invites",
        sa.Column("hash", sa.String(), primary_key=True),
        sa.Column("board_id", sa.String(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_invites_board_id", "invites", ["board_id"])


def downgrade() -> None:
    op.drop_index("ix_invites_board_id", "invites")
    op.drop_table("invites")

"""The schema as ``SQLModel.metadata.create_all`` made it before migrations existed.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "boards",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("join_code", sa.String(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_boards_join_code", "boards", ["join_code"], unique=True)
    op.create_table(
        "tokens",
        sa.Column("hash", sa.String(), primary_key=True),
        sa.Column("board_id", sa.String(), nullable=False),
        sa.Column("participant_id", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
    )
    op.create_index("ix_tokens_board_id", "tokens", ["board_id"])
    op.create_table(
        "events",
        sa.Column("board_id", sa.String(), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("events")
    op.drop_index("ix_tokens_board_id", "tokens")
    op.drop_table("tokens")
    op.drop_index("ix_boards_join_code", "boards")
    op.drop_table("boards")

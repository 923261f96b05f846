"""Observations keep a censored value's bound and a break's value on the old basis.

``censor`` is ``>`` for a value known only as a lower bound (``>25``, ``25以上``), ``<``
for an upper bound (``<0.5``, ``0.5以下``) and empty for an exact value: every row held
already is exact, so it gets the empty default. ``previous_basis`` is the same year's
value on the statistical basis used before a break (flag ``break``); NULL when not given.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # both columns are added in place (no table copy on SQLite): the existing revisions,
    # their decisions and unlocks keep their ids
    op.add_column(
        "observations",
        sa.Column("censor", sa.String(length=2), server_default="", nullable=False),
    )
    op.add_column("observations", sa.Column("previous_basis", sa.Double(), nullable=True))


def downgrade() -> None:
    # in place too (SQLite 3.35 and later drop a column without copying the table, whose
    # rows decisions and unlocks refer to)
    op.execute(sa.text("ALTER TABLE observations DROP COLUMN previous_basis"))
    op.execute(sa.text("ALTER TABLE observations DROP COLUMN censor"))

"""Supervision: assignment versions, tasks, progress updates with evidence, ratings, the
reporting calendar, notices, e-mail addresses, explanations of off-track indicators and
assessment adjustments.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "user_emails",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_user_emails")),
    )
    op.create_table(
        "adjustments",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Double(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.plan_id"], name=op.f("fk_adjustments_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustments")),
    )
    op.create_index(op.f("ix_adjustments_year"), "adjustments", ["year"], unique=False)
    op.create_table(
        "assignment_versions",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label_zh", sa.Text(), server_default="", nullable=False),
        sa.Column("label_en", sa.Text(), server_default="", nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.plan_id"], name=op.f("fk_assignment_versions_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("plan_id", "version", name=op.f("pk_assignment_versions")),
    )
    op.create_table(
        "explanations",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("corrective_task", sa.String(length=64), nullable=True),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.plan_id"], name=op.f("fk_explanations_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_explanations")),
        sa.UniqueConstraint(
            "plan_id",
            "indicator",
            "area",
            "year",
            "revision",
            name=op.f("uq_explanations_plan_id_indicator_area_year_revision"),
        ),
    )
    op.create_table(
        "notices",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("emailed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.plan_id"], name=op.f("fk_notices_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint(
            "plan_id",
            "username",
            "kind",
            "period",
            name=op.f("uq_notices_plan_id_username_kind_period"),
        ),
    )
    op.create_index(op.f("ix_notices_username"), "notices", ["username"], unique=False)
    op.create_table(
        "report_periods",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.plan_id"], name=op.f("fk_report_periods_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("plan_id", "key", name=op.f("pk_report_periods")),
    )
    op.create_index(op.f("ix_report_periods_year"), "report_periods", ["year"], unique=False)
    op.create_table(
        "task_updates",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("task", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("narrative", sa.Text(), server_default="", nullable=False),
        sa.Column("links", sa.Text(), server_default="[]", nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.plan_id"], name=op.f("fk_task_updates_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_updates")),
        sa.UniqueConstraint(
            "plan_id",
            "task",
            "period",
            "revision",
            name=op.f("uq_task_updates_plan_id_task_period_revision"),
        ),
    )
    op.create_table(
        "tasks",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("article", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), server_default="", nullable=False),
        sa.Column("lead", sa.String(length=64), nullable=False),
        sa.Column("co", sa.Text(), server_default="", nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("milestones", sa.Text(), server_default="[]", nullable=False),
        sa.Column("indicators", sa.Text(), server_default="", nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead"], ["departments.key"], name=op.f("fk_tasks_lead_departments")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.plan_id"], name=op.f("fk_tasks_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("plan_id", "key", name=op.f("pk_tasks")),
    )
    op.create_table(
        "task_evidence",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("update_id", BIG_ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["update_id"], ["task_updates.id"], name=op.f("fk_task_evidence_update_id_task_updates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_evidence")),
    )
    op.create_index(
        op.f("ix_task_evidence_update_id"), "task_evidence", ["update_id"], unique=False
    )
    op.create_table(
        "task_ratings",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("update_id", BIG_ID, nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("scale_min", sa.Integer(), nullable=False),
        sa.Column("scale_max", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("rated_by", sa.String(length=64), nullable=False),
        sa.Column("rated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["update_id"], ["task_updates.id"], name=op.f("fk_task_ratings_update_id_task_updates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_ratings")),
    )
    op.create_index(op.f("ix_task_ratings_update_id"), "task_ratings", ["update_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_task_ratings_update_id"), table_name="task_ratings")
    op.drop_table("task_ratings")
    op.drop_index(op.f("ix_task_evidence_update_id"), table_name="task_evidence")
    op.drop_table("task_evidence")
    op.drop_table("tasks")
    op.drop_table("task_updates")
    op.drop_index(op.f("ix_report_periods_year"), table_name="report_periods")
    op.drop_table("report_periods")
    op.drop_index(op.f("ix_notices_username"), table_name="notices")
    op.drop_table("notices")
    op.drop_table("explanations")
    op.drop_table("assignment_versions")
    op.drop_index(op.f("ix_adjustments_year"), table_name="adjustments")
    op.drop_table("adjustments")
    op.drop_table("user_emails")

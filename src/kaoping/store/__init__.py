"""The store: plans, users, observation revisions with review, verdicts and the audit log.

:class:`Store` is the one service layer the web and the command line call for anything
persistent. Every write checks the user's permission here, runs in one transaction and
is audited. SQLite by default, PostgreSQL by URL.
"""

from __future__ import annotations

from ..settings import Settings
from .assessment_data import AssessmentDataMixin
from .audit import AuditMixin
from .base import ROLES, SYSTEM, Actor, StoreBase
from .batches import ImportReviewMixin
from .db import current_revision, make_engine, migrate
from .errors import Conflict, Locked, NotFound, PermissionDenied, ReasonRequired
from .imports import ImportsMixin
from .login_limits import LoginLimitsMixin
from .observation_reads import ObservationReadsMixin
from .observations import ObservationsMixin
from .plans import PlansMixin
from .sessions import SessionsMixin
from .supervision import SupervisionMixin
from .tokens import TokensMixin
from .users import UsersMixin
from .verdicts import VerdictsMixin


class Store(
    PlansMixin,
    UsersMixin,
    SessionsMixin,
    TokensMixin,
    LoginLimitsMixin,
    ObservationsMixin,
    ObservationReadsMixin,
    VerdictsMixin,
    ImportsMixin,
    ImportReviewMixin,
    SupervisionMixin,
    AssessmentDataMixin,
    AuditMixin,
    StoreBase,
):
    """The persistent state of kaoping. Open with :meth:`Store.open`."""

    @classmethod
    def open(cls, url: str | None = None, settings: Settings | None = None) -> Store:
        """Connect (``url``, else the settings' database URL), migrate to the latest schema."""
        settings = settings or Settings.from_env()
        engine = make_engine(url or settings.resolved_database_url())
        migrate(engine)
        return cls(engine, settings)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def schema_revision(self) -> str | None:
        return current_revision(self.engine)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def evaluation(
        self,
        plan_id: str | None = None,
        year: int | None = None,
        as_of=None,
        **methods: object,
    ):
        """Evaluate the active plan version on the approved data (as of a time, if given)."""
        from ..core import Loaded, evaluate_loaded

        plan = self.plan(plan_id)
        loaded = Loaded(
            plan,
            self.engine_observations(plan.id, as_of=as_of),  # the engine's columns only
            f"store:{plan.id}",
            self.verdicts(plan.id, as_of=as_of),
        )
        return evaluate_loaded(loaded, year, **methods)  # type: ignore[arg-type]


__all__ = [
    "ROLES",
    "SYSTEM",
    "Actor",
    "Conflict",
    "Locked",
    "NotFound",
    "PermissionDenied",
    "ReasonRequired",
    "Store",
]

"""Supervision (督查): tasks from an assignment file, progress updates with evidence, ratings,
the reporting calendar, completeness, overdue lists, notices and the off-track loop.

Progress updates are revisions: per (plan, task, period) they are numbered 1, 2, …; a new
update never replaces an old one. Ratings, explanations and evidence are only inserted.
Every write checks the user's permission here, runs in one transaction and is audited.

One module per subject, each a mixin of :class:`~kaoping.store.Store`:

- :mod:`.tasks`: the assignment file and its tasks; who may report on a task;
- :mod:`.updates`: progress updates, evidence files, ratings;
- :mod:`.calendar`: the reporting calendar, completeness, the overdue list;
- :mod:`.notices`: notices (due soon, overdue), read marks, e-mail addresses;
- :mod:`.offtrack`: explanations of off-track indicators and their corrective tasks;
- :mod:`._common`: the helpers they share.
"""

from __future__ import annotations

from ._common import MAX_EVIDENCE, OFF_TRACK, _rating_dict
from .calendar import CalendarMixin
from .notices import NoticesMixin
from .offtrack import OffTrackMixin
from .tasks import TasksMixin
from .updates import UpdatesMixin


class SupervisionMixin(TasksMixin, UpdatesMixin, CalendarMixin, NoticesMixin, OffTrackMixin):
    """Every supervision method of the store (the mixins above, composed)."""


__all__ = ["MAX_EVIDENCE", "OFF_TRACK", "SupervisionMixin", "_rating_dict"]

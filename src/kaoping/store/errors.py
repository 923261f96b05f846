"""Errors of the store: each is a :class:`~kaoping.errors.KaopingError` the web maps to a 4xx."""

from __future__ import annotations

from typing import Any

from ..errors import KaopingError, UsageError


class PermissionDenied(KaopingError):
    """The user may not do this (HTTP 403)."""

    code = "permission"


class OwnSubmission(PermissionDenied):
    """Four-eyes review: nobody approves or rejects what they submitted (HTTP 403)."""

    code = "four-eyes"


class NotFound(UsageError):
    """No such user, token, revision or plan (HTTP 404)."""

    code = "not-found"


class Conflict(KaopingError):
    """Someone else wrote first (HTTP 409). Nothing was written.

    ``current`` is the cell's latest revision now (a dict, or None), ``attempted`` what
    the caller tried to write, so that nothing the user typed is lost.
    """

    code = "conflict"

    def __init__(
        self, message: str, current: dict[str, Any] | None = None, attempted: dict | None = None
    ):
        super().__init__(message)
        self.current = current
        self.attempted = attempted


class Locked(KaopingError):
    """The value is approved and locked (HTTP 423): a reviewer must unlock it first."""

    code = "locked"

    def __init__(self, message: str, current: dict[str, Any] | None = None):
        super().__init__(message)
        self.current = current


class ReasonRequired(UsageError):
    """Rejecting and unlocking need a reason (HTTP 422)."""

    code = "reason-required"

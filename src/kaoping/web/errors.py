"""Errors the web raises itself, and the HTTP status of every kaoping error."""

from __future__ import annotations

from ..errors import DataError, KaopingError, PlanError, ProblemsError


class WebError(KaopingError):
    """An error with its HTTP status."""

    status = 400
    code = "bad_request"


class AuthRequired(WebError):
    status = 401
    code = "auth_required"


class Forbidden(WebError):
    status = 403
    code = "forbidden"


class CsrfFailed(Forbidden):
    code = "csrf"


class TooManyAttempts(WebError):
    status = 429
    code = "too_many_attempts"


class NoStore(WebError):
    """A write, or staff page, on a read-only source (``kaoping serve --files``)."""

    status = 404
    code = "read_only"


# store errors by class name, so that this module needs no store to be importable
_BY_NAME = {
    "PermissionDenied": 403,
    "Conflict": 409,
    "Locked": 423,
    "NotFound": 404,
    "ReasonRequired": 422,
    "TooLarge": 413,  # an upload over KAOPING_MAX_UPLOAD_MB
}


def http_status(e: KaopingError) -> int:
    """The HTTP status for a kaoping error (4xx: the request, not the server, is wrong)."""
    if isinstance(e, WebError):
        return e.status
    for cls in type(e).__mro__:
        if cls.__name__ in _BY_NAME:
            return _BY_NAME[cls.__name__]
    if getattr(e, "code", "") == "not_found":
        return 404
    if isinstance(e, (DataError, PlanError, ProblemsError)):
        return 422
    return 400


def error_body(e: KaopingError) -> dict:
    """The JSON body of an error response."""
    body: dict = {"error": getattr(e, "code", "error") or "error", "message": str(e)}
    if isinstance(e, ProblemsError):
        body["problems"] = [
            {"code": p.code, "message": p.message, "row": p.line, "column": p.field}
            for p in e.problems
        ]
    for extra in ("current", "attempted"):  # a conflict keeps both sides (store errors)
        value = getattr(e, extra, None)
        if value is not None:
            body[extra] = value
    return body

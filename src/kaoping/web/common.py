"""What every request carries: language, year, area, the evaluation it reads, its user."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from ..errors import UsageError
from .auth import Principal, principal
from .cache import Snapshot
from .i18n import choose_lang
from .views import check_area

LANG_COOKIE = "lang"


@dataclass
class Ctx:
    request: Request
    lang: str
    year: int | None
    area: str
    snap: Snapshot
    who: Principal
    lang_asked: str | None

    @property
    def approved_only(self) -> bool:
        return self.snap.approved_only

    @property
    def cache_key(self) -> tuple:
        return (self.snap.key, self.area, self.lang)


def _int(v: str | None, name: str) -> int | None:
    if v is None or v == "":
        return None
    try:
        return int(v)
    except ValueError:
        raise UsageError(f"{name}={v!r} is not a whole number") from None


def wants_pending(request: Request, who: Principal) -> bool:
    """Data awaiting review are shown only to logged-in staff who ask for them."""
    flag = request.query_params.get("pending", "")
    return who.is_staff and flag.lower() in ("1", "true", "yes", "on")


def context(request: Request) -> Ctx:
    """The request's language, year, area and evaluation snapshot."""
    q = request.query_params
    asked = q.get("lang")
    if asked is not None and asked not in ("en", "zh"):
        raise UsageError(f"lang={asked!r}: choose en or zh")
    lang = choose_lang(
        asked, request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
    )
    who = principal(request)
    year = _int(q.get("year"), "year")
    cache = request.app.state.cache
    snap = cache.snapshot(year, approved_only=not wants_pending(request, who))
    area = check_area(snap, q.get("area"))
    return Ctx(request, lang, year, area, snap, who, asked)


def _default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    if isinstance(o, (set, tuple)):
        return list(o)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _clean(o: Any) -> Any:
    if isinstance(o, float):
        return None if math.isnan(o) or math.isinf(o) else o
    if isinstance(o, dict):
        return {k: _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def dumps(data: Any) -> bytes:
    """JSON bytes (UTF-8, Chinese unescaped; NaN and infinity as null)."""
    try:
        text = json.dumps(
            data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_default
        )
    except ValueError:
        text = json.dumps(_clean(data), ensure_ascii=False, separators=(",", ":"), default=_default)
    return text.encode("utf-8")


class JSONBytes(Response):
    media_type = "application/json"


def json_response(data: Any, status: int = 200) -> Response:
    return JSONBytes(dumps(data), status_code=status)


def remember_lang(ctx: Ctx, response: Response) -> Response:
    """Keep a language chosen with ?lang= in a cookie."""
    if ctx.lang_asked:
        response.set_cookie(
            LANG_COOKIE,
            ctx.lang_asked,
            max_age=365 * 86400,
            samesite="lax",
            secure=ctx.request.app.state.settings.secure_cookies,
        )
    return response

"""Settings, read from the environment (``KAOPING_*``) with defaults that work out of the box.

Every variable, its meaning and its default are listed in ``docs/settings.md``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError


def _data_dir() -> Path:
    env = os.environ.get("KAOPING_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("kaoping", appauthor=False))


def _bool(name: str, default: bool) -> bool:
    v = os.environ.get(name)
    if v is None:
        return default
    return v.strip().lower() in ("1", "true", "yes", "on")


def _int(name: str, default: int) -> int:
    v = os.environ.get(name)
    if v is None:
        return default
    try:
        return int(v)
    except ValueError:
        raise UsageError(f"{name}={v!r} is not a whole number") from None


def _zone(name: str, default: str) -> str:
    v = (os.environ.get(name) or "").strip() or default
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"{name}={v!r} is not a time zone (e.g. Asia/Shanghai, UTC)") from None
    return v


@dataclass
class Settings:
    data_dir: Path = field(default_factory=_data_dir)
    database_url: str = ""
    plan: str = "zhengzhou-2009-2020"
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    secure_cookies: bool = False
    login_attempts: int = 5
    # sessions and accounts (docs/settings.md)
    login_attempts_per_address: int = 20
    login_window_minutes: int = 15
    session_hours: int = 12
    token_days: int = 90
    token_max_days: int = 365
    four_eyes: bool = True
    # imports (docs/settings.md): the largest file accepted, how long an upload is kept
    max_upload_mb: int = 20
    import_keep_hours: int = 24
    # the local time zone of the pages' times (docs/settings.md)
    timezone: str = "Asia/Shanghai"

    @classmethod
    def from_env(cls) -> Settings:
        s = cls(
            database_url=os.environ.get("KAOPING_DATABASE_URL", ""),
            plan=os.environ.get("KAOPING_PLAN", "zhengzhou-2009-2020"),
            secret_key=os.environ.get("KAOPING_SECRET_KEY", ""),
            host=os.environ.get("KAOPING_HOST", "127.0.0.1"),
            port=_int("KAOPING_PORT", 8000),
            secure_cookies=_bool("KAOPING_SECURE_COOKIES", False),
            login_attempts=_int("KAOPING_LOGIN_ATTEMPTS", 5),
            login_attempts_per_address=_int("KAOPING_LOGIN_ATTEMPTS_PER_ADDRESS", 20),
            login_window_minutes=_int("KAOPING_LOGIN_WINDOW_MINUTES", 15),
            session_hours=_int("KAOPING_SESSION_HOURS", 12),
            token_days=_int("KAOPING_TOKEN_DAYS", 90),
            token_max_days=_int("KAOPING_TOKEN_MAX_DAYS", 365),
            four_eyes=_bool("KAOPING_FOUR_EYES", True),
            max_upload_mb=_int("KAOPING_MAX_UPLOAD_MB", 20),
            import_keep_hours=_int("KAOPING_IMPORT_KEEP_HOURS", 24),
            timezone=_zone("KAOPING_TIMEZONE", "Asia/Shanghai"),
        )
        return s

    def resolved_database_url(self) -> str:
        """The database URL, creating the data folder for the default SQLite file."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # the owner's only
        return f"sqlite:///{self.data_dir / 'kaoping.db'}"

    def resolved_secret_key(self) -> str:
        """The session key: the setting, or one generated once and kept in the data folder."""
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()

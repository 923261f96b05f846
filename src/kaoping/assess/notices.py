"""E-mail for notices, when an SMTP server is configured (never otherwise).

Settings from the environment: ``KAOPING_SMTP_HOST`` (no host: no e-mail),
``KAOPING_SMTP_PORT`` (25), ``KAOPING_SMTP_USER`` and ``KAOPING_SMTP_PASSWORD`` (log in
when given; STARTTLS first when the server offers it), ``KAOPING_SMTP_FROM``.
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str = ""
    password: str = ""
    sender: str = "kaoping@localhost"
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """The SMTP settings, or None when ``KAOPING_SMTP_HOST`` is not set."""
        env = os.environ if env is None else env
        host = (env.get("KAOPING_SMTP_HOST") or "").strip()
        if not host:
            return None
        return cls(
            host=host,
            port=int(env.get("KAOPING_SMTP_PORT") or 25),
            user=env.get("KAOPING_SMTP_USER") or "",
            password=env.get("KAOPING_SMTP_PASSWORD") or "",
            sender=env.get("KAOPING_SMTP_FROM") or "kaoping@localhost",
        )


def notice_message(notice: dict[str, Any], to: str, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = f"[kaoping] {notice['title_zh']} / {notice['title_en']}"
    msg.set_content(f"{notice['message_zh']}\n\n{notice['message_en']}\n")
    return msg


def send_notices(smtp: SmtpSettings, items: Iterable[tuple[dict[str, Any], str]]) -> list[int]:
    """Send each (notice, address) in one SMTP session; return the ids of notices sent."""
    items = list(items)
    if not items:
        return []
    sent: list[int] = []
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as conn:
        conn.ehlo()
        if smtp.user:
            if conn.has_extn("starttls"):
                conn.starttls()
                conn.ehlo()
            conn.login(smtp.user, smtp.password)
        for notice, to in items:
            conn.send_message(notice_message(notice, to, smtp.sender))
            sent.append(notice["id"])
    return sent

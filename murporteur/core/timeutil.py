"""Times are stored in UTC and shown in Europe/Paris."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def to_paris(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(PARIS)


def paris_today(now: datetime | None = None) -> date:
    return to_paris(now or datetime.now(UTC)).date()

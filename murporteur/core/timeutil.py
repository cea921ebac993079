"""Times are stored in UTC and shown in Europe/Paris."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def to_paris(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(PARIS)


def paris_today(now: datetime | None = None) -> date:
    return to_paris(now or datetime.now(UTC)).date()


def paris_instant(day: date, hour: time) -> datetime:
    """A date and time typed by someone in France, as the instant the database keeps."""
    return datetime.combine(day, hour, tzinfo=PARIS)

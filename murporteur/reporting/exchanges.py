"""Two figures of the collective's aim, beside the report's: the flash meetings' qualified
exchanges (per event and per organisation), and the share of crossed interventions year after
year.

A qualified exchange is a meeting of a held event that one side at least wants to follow
("interested" or "to follow"). For one organisation (a member's view), its own meetings only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from murporteur.extensions import db
from murporteur.meetings.models import FlashEvent, FlashMeeting, Participant
from murporteur.meetings.workflow import EventState
from murporteur.reporting.periods import Period
from murporteur.reporting.services import supporters_of_supported


@dataclass(frozen=True)
class EventExchanges:
    event: FlashEvent
    meetings: int
    qualified: int


def flash_exchanges(period: Period, organisation_id: int | None = None) -> dict:
    """The held events of ``period``: each one's meetings and qualified exchanges, and the
    qualified exchanges per organisation (one organisation's only when it is given)."""
    start, until = period.bounds
    events = db.session.scalars(
        select(FlashEvent).where(FlashEvent.state == EventState.HELD,
                                 FlashEvent.starts_at >= start, FlashEvent.starts_at < until)
        .order_by(FlashEvent.starts_at)
        .options(selectinload(FlashEvent.meetings).selectinload(FlashMeeting.follow_ups),
                 selectinload(FlashEvent.meetings).selectinload(FlashMeeting.representative)
                 .selectinload(Participant.organisation))).all()
    rows: list[EventExchanges] = []
    per_organisation: Counter[str] = Counter()
    for event in events:
        meetings = [m for m in event.meetings if organisation_id is None
                    or m.representative.organisation_id == organisation_id]
        qualified = [m for m in meetings if m.qualified]
        for meeting in qualified:
            organisation = meeting.representative.organisation
            per_organisation[organisation.name if organisation else "—"] += 1
        if meetings:
            rows.append(EventExchanges(event, len(meetings), len(qualified)))
    return {"events": rows, "qualified": sum(r.qualified for r in rows),
            "per_organisation": sorted(per_organisation.items(), key=lambda kv: (-kv[1], kv[0]))}


def crossed_trend(year: int, years: int = 5) -> list[tuple[int, int, int, float | None]]:
    """(year, crossed, supported, share) for ``years`` years up to ``year``: projects supported
    that year, and among them those backed by two organisations or more."""
    trend = []
    for each in range(year - years + 1, year + 1):
        supporters = supporters_of_supported(Period.of_year(each))
        crossed = sum(len(ids) >= 2 for ids in supporters.values())
        trend.append((each, crossed, len(supporters),
                      crossed / len(supporters) if supporters else None))
    return trend

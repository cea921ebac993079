"""Celery tasks of the committee domain: the reminders before a convened session.

Each one is a plain function taking ``now`` (tests call it directly) and a beat task around
it; the idempotency keys make a second run on the same day send nothing more.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from celery import shared_task
from sqlalchemy import select

from murporteur.committee.models import CommitteeSession
from murporteur.committee.notifications import (
    items_context,
    member_session_url,
    session_context,
    staff_session_url,
)
from murporteur.committee.services import invited_members, missing_positions
from murporteur.committee.workflow import SessionState
from murporteur.core.db import utcnow
from murporteur.core.timeutil import PARIS, to_paris
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.notifications.services import active_animators, locale_of, queue


def convened_sessions_on(day: date) -> list[CommitteeSession]:
    """The convened sessions that start on ``day`` in Paris."""
    start = datetime.combine(day, time.min, tzinfo=PARIS)
    return list(db.session.scalars(select(CommitteeSession).where(
        CommitteeSession.state == SessionState.CONVENED, CommitteeSession.starts_at >= start,
        CommitteeSession.starts_at < start + timedelta(days=1))
        .order_by(CommitteeSession.starts_at)))


def remind_missing_positions(now: datetime | None = None) -> int:
    """Three days before a session, each member whose organisation has not given its position
    on every item is told which ones are missing. Returns how many members are concerned."""
    day = to_paris(now or utcnow()).date() + timedelta(days=3)
    count = 0
    for session in convened_sessions_on(day):
        missing = {o.id: items for o, items in missing_positions(session).items()}
        for member in invited_members(session):
            organisation = member.organisation
            items = missing.get(organisation.id) if organisation is not None else None
            if organisation is None or not items:
                continue
            queue("committee_position_reminder", member, dict(
                session_context(session, locale_of(member)), full_name=member.display_name,
                organisation=organisation.name, items=items_context(items),
                url=member_session_url(session)),
                idempotency_key=f"committee-position-reminder:{session.id}:{member.id}")
            count += 1
    return count


def digest_missing_positions(now: datetime | None = None) -> int:
    """The day before a session, the animators get, per organisation, the items still
    without a position (nothing when every position is in). Returns the sessions concerned."""
    day = to_paris(now or utcnow()).date() + timedelta(days=1)
    count = 0
    for session in convened_sessions_on(day):
        missing = missing_positions(session)
        if not missing:
            continue
        organisations = [{"name": o.name, "dossiers": items_context(items)}
                         for o, items in sorted(missing.items(), key=lambda e: e[0].name)]
        for animator in active_animators():
            queue("committee_missing_positions", animator, dict(
                session_context(session, locale_of(animator)), organisations=organisations,
                url=staff_session_url(session)),
                idempotency_key=f"committee-missing-positions:{session.id}:{animator.id}")
        count += 1
    return count


@shared_task(name="murporteur.committee.remind_missing_positions", ignore_result=True)
def remind_missing_positions_task() -> int:
    count = remind_missing_positions()
    commit_and_dispatch()
    return count


@shared_task(name="murporteur.committee.digest_missing_positions", ignore_result=True)
def digest_missing_positions_task() -> int:
    count = digest_missing_positions()
    commit_and_dispatch()
    return count


def quarterly_crossed_digest(now: datetime | None = None) -> int:
    """At the start of each quarter, each member hears of the projects of the last quarter
    (and before, still open) that a single organisation backs: those another landlord could
    join. Nothing is sent to a member with nothing to read. Returns the members told."""
    from murporteur.committee.crossed import digest_items, members_to_tell
    from murporteur.committee.notifications import member_item_url

    now = now or utcnow()
    today = to_paris(now).date()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    since = now - timedelta(days=120)
    count = 0
    for member in members_to_tell():
        items = digest_items(member, since)
        if not items:
            continue
        queue("committee_crossed_digest", member, {
            "full_name": member.display_name, "quarter": quarter,
            "items": [{"number": item.dossier.number, "title": item.dossier.title,
                       "structure_name": item.dossier.structure_name,
                       "supporter": backed.supporters[0].name,
                       "url": member_item_url(item)} for item, backed in items]},
            idempotency_key=f"committee-crossed-digest:{quarter}:{member.id}")
        count += 1
    return count


@shared_task(name="murporteur.committee.quarterly_crossed_digest", ignore_result=True)
def quarterly_crossed_digest_task() -> int:
    count = quarterly_crossed_digest()
    commit_and_dispatch()
    return count

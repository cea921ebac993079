"""What the committee's events send, and to whom: convocations, slots, schedule changes and
decisions. Runs inside the sender's transaction, like ``triage/notifications.py``.

Every mail about the schedule of a session is keyed ``committee-schedule:<session>:<change>:
<recipient>``: the change is the convocation's event, or for a later change ``n``, the number
of schedule mails the session had already produced. A real change thus gets new keys and is
sent; the same row handed over twice is still one e-mail (the outbox sees to that); and ``n``
serves as the iCalendar SEQUENCE, which only grows, so that a calendar knows which version of
an event replaces the other.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from murporteur import signals
from murporteur.accounts.models import User
from murporteur.committee.calendar import paris_hour
from murporteur.committee.models import AgendaItem, CommitteeSession
from murporteur.committee.services import invited_members
from murporteur.core.templating import paris_datetime
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.models import OutboxMessage
from murporteur.notifications.services import locale_of, queue
from murporteur.triage.notifications import dossier_context, tracking_url

SCHEDULE_PREFIX = "committee-schedule"


# --- Addresses and contexts (the reminder tasks use them too) -------------------------------

def committee_url(endpoint: str, fallback_path: str, **values) -> str:
    """``external_url(endpoint)``; while that page's view is not written yet, the address it
    will have, so that a convocation never fails for a missing link."""
    try:
        return external_url(endpoint, **values)
    except BuildError:
        return current_app.config["BASE_URL"].rstrip("/") + fallback_path


def member_item_url(item: AgendaItem) -> str:
    return external_url("members.show_item", session_id=item.session_id, item_id=item.id)


def member_session_url(session: CommitteeSession) -> str:
    return committee_url("members.show_session", f"/comite/seances/{session.id}",
                         session_id=session.id)


def staff_session_url(session: CommitteeSession) -> str:
    return committee_url("committee.show_session", f"/instruction/comites/{session.id}",
                         session_id=session.id)


def session_context(session: CommitteeSession, locale: str) -> dict:
    """When and where, written in ``locale`` (the context keeps JSON values only)."""
    with force_locale(locale):
        return {"quarter": session.quarter, "date": paris_datetime(session.starts_at),
                "day": paris_datetime(session.starts_at, "d MMMM yyyy"),
                "start": paris_hour(session.starts_at), "end": paris_hour(session.ends_at),
                "place": session.place, "video_link": session.video_link}


def agenda_context(session: CommitteeSession) -> list[dict]:
    """The agenda as members read it: each slot and its dossier."""
    agenda = []
    for item in session.items:
        start, end = session.slot_of(item)
        agenda.append({"start": paris_hour(start), "end": paris_hour(end),
                       "number": item.dossier.number, "title": item.dossier.title,
                       "structure_name": item.dossier.structure_name})
    return agenda


def items_context(items: list[AgendaItem]) -> list[dict]:
    return [{"number": i.dossier.number, "title": i.dossier.title} for i in items]


# --- Schedule mails ------------------------------------------------------------------------

def _outbox_keys_like(pattern: str) -> int:
    return db.session.execute(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.idempotency_key.like(pattern))).scalar_one()


def next_sequence(session: CommitteeSession) -> int:
    """How many schedule mails ``session`` has produced: the ``n`` of the next change."""
    return _outbox_keys_like(f"{SCHEDULE_PREFIX}:{session.id}:%")


def _key(session: CommitteeSession, change: str | int, recipient: str) -> str:
    return f"{SCHEDULE_PREFIX}:{session.id}:{change}:{recipient}"


def _ics(session: CommitteeSession, sequence: int, item: AgendaItem | None = None) -> list:
    return [{"kind": "session_ics", "session_id": session.id,
             "item_id": item.id if item else None, "sequence": sequence}]


def _tell_member(key: str, session: CommitteeSession, member: User, sequence: int,
                 change: str | None = None) -> None:
    """``change`` names what is announced (the convocation's event); by default, the
    sequence number of this change of schedule."""
    context = dict(session_context(session, locale_of(member)), full_name=member.display_name,
                   agenda=agenda_context(session), url=member_session_url(session),
                   attachments=_ics(session, sequence))
    queue(key, member, context,
          idempotency_key=_key(session, change or sequence, f"member-{member.id}"))


def _was_told_of_slot(session: CommitteeSession, item: AgendaItem) -> bool:
    return _outbox_keys_like(f"{SCHEDULE_PREFIX}:{session.id}:%:item-{item.id}") > 0


def _tell_holder(key: str, session: CommitteeSession, item: AgendaItem, sequence: int,
                 change: str | None = None) -> None:
    # Holders read their own slot only: the other projects on the agenda are not theirs to see.
    dossier = item.dossier
    start, end = session.slot_of(item)
    context = dict(session_context(session, locale_of(dossier.holder)),
                   **dossier_context(dossier), slot_start=paris_hour(start),
                   slot_end=paris_hour(end), slot_minutes=session.slot_minutes,
                   changed=_was_told_of_slot(session, item),
                   attachments=_ics(session, sequence, item))
    queue(key, dossier.holder, context,
          idempotency_key=_key(session, change or sequence, f"item-{item.id}"),
          dossier_id=dossier.id)


@signals.session_transitioned.connect
def on_session_transition(session, event, actor, **_):
    if event.transition == "publish_minutes":
        # The minutes go to every invited member; holders had their own outcome already,
        # when the decisions were published (they never receive the others').
        for member in invited_members(session):
            queue("committee_minutes", member, dict(
                session_context(session, locale_of(member)), full_name=member.display_name,
                url=committee_url("members.download_minutes",
                                  f"/comite/seances/{session.id}/compte-rendu.pdf",
                                  session_id=session.id),
                attachments=[{"kind": "minutes_pdf", "session_id": session.id}]),
                idempotency_key=f"committee-minutes:{session.id}:member-{member.id}")
        return
    if event.transition != "convene":
        return
    # The session is convened now; writing every convocation (with its calendar file) is
    # the background job ``committee_convocations`` (committee/jobs.py), which the session's
    # page follows. Its sequence is taken now, so that a later change of schedule comes after.
    from murporteur.jobs import services as jobs

    jobs.start("committee_convocations", actor, {
        "session_id": session.id, "quarter": session.quarter, "event_id": event.id,
        "sequence": next_sequence(session)}, subject=job_subject(session),
        dedupe_key=f"convene:{event.id}", locale=locale_of(actor) if actor else None)


def job_subject(session: CommitteeSession) -> str:
    """What the session's background jobs are about (its page shows their progress)."""
    return f"committee_session:{session.id}"


#: Convocations written between two reports of progress (each report commits them).
CONVOCATION_BATCH = 10


def send_convocations(session: CommitteeSession, sequence: int, change: str,
                      progress: Callable[[int, str], None]) -> dict:
    """Each invited member's convocation with the whole agenda, and each holder's with their
    own slot, both with an .ics; said again, nothing is written twice (idempotency keys).
    Returns how many of each."""
    members, items = invited_members(session), list(session.items)
    total, written = max(1, len(members) + len(items)), 0
    for start in range(0, len(members), CONVOCATION_BATCH):
        for member in members[start:start + CONVOCATION_BATCH]:
            _tell_member("committee_invitation", session, member, sequence, change)
            written += 1
        progress(5 + 90 * written // total, "members")
    for start in range(0, len(items), CONVOCATION_BATCH):
        for item in items[start:start + CONVOCATION_BATCH]:
            _tell_holder("committee_holder_slot", session, item, sequence, change)
            written += 1
        progress(5 + 90 * written // total, "holders")
    return {"members": len(members), "holders": len(items)}


@signals.agenda_changed.connect
def on_agenda_changed(session, change, items=(), dossier=None, **_):
    sequence = next_sequence(session)
    if change == "time":
        for member in invited_members(session):
            _tell_member("committee_schedule_changed", session, member, sequence)
        for item in session.items:
            _tell_holder("committee_schedule_changed", session, item, sequence)
    elif change == "slots":
        for item in items:
            _tell_holder("committee_holder_slot", session, item, sequence)
    elif change == "removed":
        queue("committee_item_removed", dossier.holder,
              dict(session_context(session, locale_of(dossier.holder)),
                   **dossier_context(dossier)),
              idempotency_key=_key(session, sequence, f"removed-{dossier.id}"),
              dossier_id=dossier.id)


# --- Decisions -----------------------------------------------------------------------------

@signals.decisions_published.connect
def on_decisions_published(session, items, **_):
    """Each holder hears of their own project's outcome, and of nothing else."""
    for item in items:
        dossier = item.dossier
        queue("committee_decision", dossier.holder, dict(
            dossier_context(dossier), quarter=session.quarter, decision=item.decision.value,
            supporters=[o.name for o in item.supporters], comment=item.decision_comment,
            tracking_url=tracking_url(dossier)),
            idempotency_key=f"committee-decision:{item.id}", dossier_id=dossier.id,
            sensitive=True)

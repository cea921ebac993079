"""What flash meeting participants are told: their personal link when invited, their agenda
(with an .ics) when the schedule is sent, a change only to the two people it concerns, the
cancellation to everyone. Written to the outbox in the caller's transaction; each message has
an idempotency key, so that telling twice sends once."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import func, select

from murporteur import signals
from murporteur.core.templating import paris_datetime
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.meetings import services
from murporteur.meetings.models import FlashEvent, FlashMeeting, Participant
from murporteur.notifications.models import OutboxMessage
from murporteur.notifications.services import queue


def event_context(event: FlashEvent, locale: str) -> dict:
    with force_locale(locale):
        return {"event": event.title, "place": event.place,
                "day": paris_datetime(event.starts_at, "d MMMM yyyy"),
                "start": paris_datetime(event.starts_at, "HH:mm"),
                "end": paris_datetime(event.ends_at, "HH:mm"),
                "slot_minutes": event.slot_minutes}


def personal_url(token: str) -> str:
    return external_url("meetings.participant_home", token=token)


def _agenda_lines(participant: Participant) -> list[dict]:
    return [{"start": paris_datetime(m.starts_at, "HH:mm"),
             "end": paris_datetime(m.ends_at, "HH:mm"), "table": m.table_number,
             "with": m.other(participant).label} for m in services.agenda(participant)]


def invite(participant: Participant, token: str) -> None:
    queue("flash_invitation", participant.email,
          dict(event_context(participant.event, participant.language), name=participant.name,
               url=personal_url(token)),
          idempotency_key=f"flash:{participant.event_id}:invite:{participant.id}:"
                          f"{participant.token_hash[:16]}",
          locale=participant.language, sensitive=True)


def _sent_count(prefix: str) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.idempotency_key.like(f"{prefix}%"))) or 0


def _send_agenda(participant: Participant, key: str, change: str) -> None:
    prefix = f"flash:{participant.event_id}:agenda:{participant.id}:"
    sequence = _sent_count(prefix)
    token = services.new_link(participant)  # the mail carries a fresh personal link
    queue(key, participant.email,
          dict(event_context(participant.event, participant.language), name=participant.name,
               agenda=_agenda_lines(participant), url=personal_url(token),
               attachments=[{"kind": "flash_agenda_ics", "participant_id": participant.id,
                             "sequence": sequence}]),
          idempotency_key=f"{prefix}{change}", locale=participant.language, sensitive=True)


@signals.event_transitioned.connect
def _event_moved(flash_event: FlashEvent, *, event, actor=None, **_extra) -> None:
    row, event = event, flash_event
    transition = row.transition
    if transition == "publish":
        for participant in services.active(event):
            _send_agenda(participant, "flash_agenda", f"publish-{row.id}")
    elif transition == "cancel":
        for participant in services.active(event):
            queue("flash_event_cancelled", participant.email,
                  dict(event_context(event, participant.language), name=participant.name,
                       comment=row.comment),
                  idempotency_key=f"flash:{event.id}:cancel:{participant.id}",
                  locale=participant.language)


@signals.flash_meeting_changed.connect
def _meeting_changed(meeting: FlashMeeting, *, people: tuple[Participant, Participant],
                     slot: int, table: int, removed: bool = False, **_extra) -> None:
    """Only the two people of the meeting hear of it."""
    change = f"change-{meeting.id}-{slot}-{table}-{int(removed)}"
    for participant in people:
        if not participant.withdrawn:
            _send_agenda(participant, "flash_agenda_changed", change)

"""A participant's agenda as an iCalendar file: one event per meeting, with a stable UID per
meeting so that a calendar replaces what it holds when the schedule changes."""

from __future__ import annotations

from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress

from murporteur.collective import settings as collective_settings
from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.meetings.models import FlashEvent, FlashMeeting, Participant

MIMETYPE = "text/calendar; charset=utf-8; method=PUBLISH"


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Mur porteur//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    return calendar


def _event(meeting: FlashMeeting, summary: str, description: str, sequence: int) -> Event:
    event = Event()
    event.add("uid", f"flash-{meeting.event_id}-{meeting.holder_id}-"
                     f"{meeting.representative_id}@murporteur")
    event.add("dtstamp", utcnow())
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("description", description)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("location", meeting.event.place)
    organiser = vCalAddress(f"mailto:{collective_settings.get('contact_email')}")
    organiser.params["cn"] = "Mur porteur"
    event.add("organizer", organiser)
    event.add("status", "CONFIRMED")
    return event


def agenda_ics(participant: Participant, meetings: list[FlashMeeting], sequence: int = 0
               ) -> bytes:
    """``participant``'s meetings; texts in the active locale (the mailer's, the page's)."""
    calendar = _calendar()
    for meeting in meetings:
        other = meeting.other(participant)
        summary = _("Rencontre flash avec %(name)s", name=other.label)
        description = _("%(event)s — table %(table)s", event=meeting.event.title,
                        table=meeting.table_number)
        calendar.add_component(_event(meeting, summary, description, sequence))
    return calendar.to_ical()


def event_ics(event: FlashEvent) -> bytes:
    """Every meeting of ``event`` (the animators' export)."""
    calendar = _calendar()
    for meeting in event.meetings:
        summary = f"{meeting.holder.name} × {meeting.representative.label}"
        description = _("%(event)s — table %(table)s", event=event.title,
                        table=meeting.table_number)
        calendar.add_component(_event(meeting, summary, description, 0))
    return calendar.to_ical()


def agenda_attachment(participant_id: int, sequence: int = 0
                      ) -> tuple[str, str, bytes] | None:
    """The outbox attachment ``flash_agenda_ics``: the agenda as it is when the mail leaves.
    None when the participant is gone or withdrawn."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.withdrawn:
        return None
    meetings = [m for m in participant.event.meetings
                if participant.id in (m.holder_id, m.representative_id)]
    return "rencontres-flash.ics", MIMETYPE, agenda_ics(participant, meetings, sequence)

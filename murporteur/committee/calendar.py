"""The invitations people add to their calendar: one iCalendar event per session or slot.

Members get the whole session; a holder gets the slot of their own presentation. The UID is
stable, so that a calendar replaces the event it already holds when the schedule changes (a
higher SEQUENCE tells it which version is the newer one).
"""

from __future__ import annotations

from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress

from murporteur.collective import settings as collective_settings
from murporteur.committee.models import AgendaItem, CommitteeSession
from murporteur.core.db import utcnow
from murporteur.core.templating import paris_datetime
from murporteur.extensions import db

# UTF-8 said out loud: a text part without a charset is read as ASCII by mail clients.
MIMETYPE = "text/calendar; charset=utf-8; method=REQUEST"


def event_uid(session: CommitteeSession, item: AgendaItem | None = None) -> str:
    if item is None:
        return f"session-{session.id}@murporteur"
    return f"session-{session.id}-item-{item.id}@murporteur"


def paris_hour(value) -> str:
    """``14:20``: a time of day in Paris."""
    return paris_datetime(value, "HH:mm")


def _where(session: CommitteeSession) -> list[str]:
    lines = []
    # The same words as the mails' (committee_parts), so that they are translated once.
    if session.place:
        lines.append(f"{_('Lieu :')} {session.place}")
    if session.video_link:
        lines.append(f"{_('Visioconférence :')} {session.video_link}")
    return lines


def _agenda(session: CommitteeSession) -> str:
    lines = [_("Ordre du jour :")]
    for item in session.items:
        start, end = session.slot_of(item)
        lines.append(f"{paris_hour(start)}–{paris_hour(end)}  {item.dossier.number} — "
                     f"{item.dossier.title} ({item.dossier.structure_name})")
    return "\n".join(lines + [""] + _where(session))


def _preparation(session: CommitteeSession, item: AgendaItem) -> str:
    start, end = session.slot_of(item)
    return "\n".join([
        _("Vous présentez votre projet %(number)s « %(title)s » au comité Mur porteur.",
          number=item.dossier.number, title=item.dossier.title),
        _("Votre passage : le %(day)s, de %(start)s à %(end)s.",
          day=paris_datetime(start, "d MMMM yyyy"), start=paris_hour(start),
          end=paris_hour(end)),
        _("Préparez une présentation de 10 minutes ; les membres du comité vous poseront "
          "ensuite leurs questions. Dites-leur ce dont votre projet a besoin : un local, une "
          "commande, un financement, des contacts…"),
        "", *_where(session)])


def session_ics(session: CommitteeSession, *, item: AgendaItem | None = None,
                sequence: int = 0) -> bytes:
    """The session (for members) or ``item``'s slot (for its holder) as an iCalendar request.

    Texts follow the active locale: the mailer builds it inside the recipient's.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Mur porteur//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", event_uid(session, item))
    event.add("dtstamp", utcnow())
    event.add("sequence", sequence)
    if item is None:
        start, end = session.starts_at, session.ends_at
        event.add("summary", _("Comité Mur porteur — %(quarter)s", quarter=session.quarter))
        event.add("description", _agenda(session))
    else:
        start, end = session.slot_of(item)
        event.add("summary", _("Présentation de votre projet au comité Mur porteur"))
        event.add("description", _preparation(session, item))
    # Stored in UTC, sent in UTC: no time zone definition for a calendar to misread.
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("location", session.place or session.video_link)
    if session.video_link:
        event.add("url", session.video_link)
    # A request without an organiser is refused by some calendars.
    organiser = vCalAddress(f"mailto:{collective_settings.get('contact_email')}")
    organiser.params["cn"] = "Mur porteur"
    event.add("organizer", organiser)
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def session_attachment(session_id: int, item_id: int | None = None, sequence: int = 0
                       ) -> tuple[str, str, bytes] | None:
    """The outbox attachment ``session_ics``: read again when the mail leaves, so that it
    carries the schedule as it is then. None when the session or the item is gone."""
    session = db.session.get(CommitteeSession, session_id)
    if session is None:
        return None
    item = None
    if item_id is not None:
        item = db.session.get(AgendaItem, item_id)
        if item is None or item.session_id != session.id:
            return None
    return ("comite.ics" if item is None else "passage-comite.ics", MIMETYPE,
            session_ics(session, item=item, sequence=sequence))

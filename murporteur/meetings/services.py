"""The rules of flash meeting events: the event, who takes part, and the schedule (computed by
``scheduler``, adjusted by hand). Whom they wish to meet is in ``wishes``, what each side
makes of a meeting in ``follow_ups``.

Plain functions on the models; they flush, never commit (the request commits once)."""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from murporteur import signals
from murporteur.accounts.models import Organisation, Role, User
from murporteur.audit import services as audit
from murporteur.core.errors import DomainError
from murporteur.core.lifecycle import apply_transition
from murporteur.core.templating import paris_datetime
from murporteur.extensions import db
from murporteur.meetings import scheduler
from murporteur.meetings.models import (
    FlashEvent,
    FlashMeeting,
    Participant,
    Side,
    Wish,
)
from murporteur.meetings.workflow import ADJUSTABLE_STATES, OPEN_STATES, EventState
from murporteur.submissions.models import Dossier


class MeetingRefused(DomainError):
    """A change the event's rules forbid (the message says which, and who)."""

    status = 409


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def participant_by_token(token: str) -> Participant | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Participant).where(
        Participant.token_hash == token_hash(token)))


# --- The event ------------------------------------------------------------------------------

def create_event(actor: User, *, title: str, place: str, starts_at: datetime,
                 slot_minutes: int, slot_count: int, tables: int, breaks: list[int],
                 registration_open: bool = False) -> FlashEvent:
    event = FlashEvent(title=title.strip(), place=place.strip(), starts_at=starts_at,
                       slot_minutes=slot_minutes, slot_count=slot_count, tables=tables,
                       breaks=_breaks(breaks, slot_count), registration_open=registration_open,
                       state=EventState.PREPARING)
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "flash_event.created", event, {"title": event.title})
    return event


def _breaks(breaks: list[int], slot_count: int) -> list[int]:
    wrong = [b for b in breaks if not 0 <= b < slot_count]
    if wrong:
        raise DomainError(_l("Une pause doit tomber sur un créneau de la rencontre "
                             "(entre 1 et %(count)s).", count=slot_count), field="breaks")
    return sorted(set(breaks))


def update_event(actor: User, event: FlashEvent, **values) -> None:
    if event.state not in ADJUSTABLE_STATES:
        raise MeetingRefused(_l("Cette rencontre ne peut plus être modifiée."))
    if event.meetings and any(values.get(k) != getattr(event, k) for k in
                              ("starts_at", "slot_minutes", "slot_count", "breaks")
                              if k in values):
        raise MeetingRefused(_l(
            "L'horaire ne peut plus changer : des rendez-vous sont placés. Effacez d'abord "
            "le planning."), field="starts_at")
    values["breaks"] = _breaks(values.get("breaks", event.breaks), values.get(
        "slot_count", event.slot_count))
    if values.get("tables", event.tables) < max(
            Counter(m.slot for m in event.meetings).values(), default=0):
        raise MeetingRefused(_l("Des rendez-vous occupent déjà plus de tables à un même "
                                "créneau."), field="tables")
    for key, value in values.items():
        setattr(event, key, value)
    audit.record(actor, "flash_event.updated", event, {"fields": sorted(values)})


def transition(event: FlashEvent, name: str, actor: User, comment: str = "") -> None:
    if name == "publish" and not event.meetings:
        raise MeetingRefused(_l("Faites d'abord le planning : il n'y a aucun rendez-vous."))
    apply_transition(event, name, actor, comment)


# --- Participants ---------------------------------------------------------------------------

def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def _same_address(event: FlashEvent, email: str) -> Participant | None:
    return db.session.scalar(select(Participant).where(
        Participant.event_id == event.id, func.lower(Participant.email) == email.lower()))


def add_participant(actor: User | None, event: FlashEvent, *, side: Side, name: str,
                    email: str, summary: str = "", dossier: Dossier | None = None,
                    organisation: Organisation | None = None, user: User | None = None,
                    language: str = "fr") -> tuple[Participant, str]:
    """A new participant and the token of their personal link (given once, kept hashed)."""
    if event.state not in OPEN_STATES:
        raise MeetingRefused(_l("Les inscriptions à cette rencontre sont closes."))
    email = email.strip()
    existing = _same_address(event, email)
    if existing is not None:
        raise MeetingRefused(_l("%(name)s participe déjà avec l'adresse %(email)s.",
                                name=existing.name, email=email), field="email")
    if side == Side.ORGANISATION and organisation is None:
        raise DomainError(_l("Choisissez l'organisation représentée."), field="organisation")
    token, digest = _new_token()
    participant = Participant(
        event=event, side=side, name=name.strip(), email=email, summary=summary.strip(),
        dossier=dossier, organisation=organisation if side == Side.ORGANISATION else None,
        user=user, token_hash=digest, language=language)
    db.session.add(participant)
    db.session.flush()
    audit.record(actor, "flash_participant.added", event,
                 {"participant": participant.id, "side": str(side)})
    return participant, token


def register_holder(event: FlashEvent, *, name: str, email: str, summary: str,
                    language: str) -> tuple[Participant, str]:
    """The public registration: a new holder, or — for an address already registered — a
    fresh link for that participant, so that the page says the same whatever the address
    (it tells nobody who takes part)."""
    existing = _same_address(event, email.strip())
    if existing is not None and not existing.withdrawn:
        return existing, new_link(existing)
    if existing is not None:
        raise MeetingRefused(_l("Cette inscription a été retirée par l'équipe d'animation : "
                                "écrivez-lui pour la reprendre."), field="email")
    return add_participant(None, event, side=Side.HOLDER, name=name, email=email,
                           summary=summary, language=language)


def add_holder_of(actor: User, event: FlashEvent, dossier: Dossier) -> tuple[Participant, str]:
    holder = dossier.holder
    return add_participant(
        actor, event, side=Side.HOLDER, name=dossier.contact_name or holder.full_name,
        email=holder.mail_address, summary=f"{dossier.number} — {dossier.title}",
        dossier=dossier, user=holder, language=holder.locale or "fr")


def add_member(actor: User, event: FlashEvent, member: User) -> tuple[Participant, str]:
    if member.role != Role.MEMBER or member.organisation is None:
        raise DomainError(_l("Seuls les membres d'une organisation la représentent."),
                          field="member")
    return add_participant(
        actor, event, side=Side.ORGANISATION, name=member.full_name, email=member.email,
        organisation=member.organisation, user=member, language=member.locale or "fr")


def new_link(participant: Participant) -> str:
    """A fresh personal link for ``participant`` (the previous one stops working)."""
    token, participant.token_hash = _new_token()
    return token


def withdraw(actor: User | None, participant: Participant) -> None:
    """The participant no longer comes: their wishes, the wishes for them and their meetings
    go (those they were to meet are told when agendas were sent)."""
    event = participant.event
    if event.state not in ADJUSTABLE_STATES:
        raise MeetingRefused(_l("Cette rencontre ne peut plus être modifiée."))
    participant.withdrawn = True
    for meeting in [m for m in event.meetings if participant.id in
                    (m.holder_id, m.representative_id)]:
        _remove_meeting(actor, meeting)
    db.session.execute(delete(Wish).where(
        (Wish.participant_id == participant.id) | (Wish.target_id == participant.id)))
    db.session.expire(participant, ["wishes"])
    audit.record(actor, "flash_participant.withdrawn", event, {"participant": participant.id})


def active(event: FlashEvent, side: Side | None = None) -> list[Participant]:
    return [p for p in event.participants if not p.withdrawn and (side is None or p.side == side)]


# --- The schedule ---------------------------------------------------------------------------

def instance_of(event: FlashEvent) -> scheduler.Instance:
    holders = active(event, Side.HOLDER)
    representatives = active(event, Side.ORGANISATION)
    ids = {p.id for p in holders + representatives}
    wishes = {(w.participant_id, w.target_id): w.rank
              for p in holders + representatives for w in p.wishes if w.target_id in ids}
    available = {p.id: frozenset(p.available_slots) for p in holders + representatives
                 if p.available_slots is not None}
    return scheduler.Instance(
        holders=tuple(p.id for p in holders), representatives=tuple(p.id for p in
                                                                    representatives),
        slots=tuple(event.meeting_slots), tables=event.tables, wishes=wishes,
        available=available)


def make_schedule(actor: User, event: FlashEvent) -> scheduler.Schedule:
    """Compute the schedule and put it in place of the current one (hand-made changes go)."""
    if event.state != EventState.PREPARING:
        raise MeetingRefused(_l("Le planning se calcule avant l'envoi des agendas : rouvrez "
                                "d'abord les souhaits."))
    result = scheduler.solve(instance_of(event))
    db.session.execute(delete(FlashMeeting).where(FlashMeeting.event_id == event.id))
    db.session.expire(event, ["meetings"])
    for m in result.meetings:
        db.session.add(FlashMeeting(event_id=event.id, slot=m.slot, table_number=m.table,
                                    holder_id=m.holder, representative_id=m.representative))
    event.schedule_share = round(result.share_met * 1000)
    event.schedule_status = result.status
    db.session.flush()
    db.session.expire(event, ["meetings"])
    audit.record(actor, "flash_event.scheduled", event,
                 {"meetings": len(result.meetings), "wishes": result.wishes,
                  "met": result.wishes_met, "status": result.status})
    return result


def slot_label(event: FlashEvent, slot: int) -> str:
    return paris_datetime(event.slot_start(slot), "HH:mm")


def _who(p: Participant) -> str:
    return p.name


def place_meeting(actor: User, event: FlashEvent, *, holder: Participant,
                  representative: Participant, slot: int, table: int,
                  moving: FlashMeeting | None = None) -> FlashMeeting:
    """Put (or move) a meeting by hand; refused, naming who and when, when it would book
    someone twice, outside their availabilities, or at a table already taken."""
    if event.state not in ADJUSTABLE_STATES:
        raise MeetingRefused(_l("Le planning de cette rencontre ne peut plus changer."))
    if holder.event_id != event.id or representative.event_id != event.id \
            or holder.side != Side.HOLDER or representative.side != Side.ORGANISATION \
            or holder.withdrawn or representative.withdrawn:
        raise DomainError(_l("Choisissez un porteur et un représentant inscrits à cette "
                             "rencontre."), field="holder")
    if slot not in event.meeting_slots:
        raise DomainError(_l("Choisissez un créneau de la rencontre (hors pauses)."),
                          field="slot")
    if not 1 <= table <= event.tables:
        raise DomainError(_l("Choisissez une table entre 1 et %(count)s.", count=event.tables),
                          field="table")
    when = slot_label(event, slot)
    others = [m for m in event.meetings if moving is None or m.id != moving.id]
    for person in (holder, representative):
        clash = next((m for m in others if m.slot == slot and person.id in
                      (m.holder_id, m.representative_id)), None)
        if clash is not None:
            raise MeetingRefused(_l(
                "%(name)s a déjà un rendez-vous à %(time)s (avec %(other)s, table %(table)s).",
                name=_who(person), time=when, other=_who(clash.other(person)),
                table=clash.table_number), field="slot")
        if person.available_slots is not None and slot not in person.available_slots:
            raise MeetingRefused(_l("%(name)s n'est pas disponible à %(time)s.",
                                    name=_who(person), time=when), field="slot")
    taken = next((m for m in others if m.slot == slot and m.table_number == table), None)
    if taken is not None:
        raise MeetingRefused(_l(
            "La table %(table)s est déjà prise à %(time)s (%(holder)s et %(other)s).",
            table=table, time=when, holder=_who(taken.holder),
            other=_who(taken.representative)), field="table")
    twice = next((m for m in others if m.holder_id == holder.id
                  and m.representative_id == representative.id), None)
    if twice is not None:
        raise MeetingRefused(_l("%(holder)s et %(other)s se rencontrent déjà à %(time)s.",
                                holder=_who(holder), other=_who(representative),
                                time=slot_label(event, twice.slot)), field="holder")
    before = None
    if moving is None:
        meeting = FlashMeeting(event_id=event.id, holder_id=holder.id,
                               representative_id=representative.id, slot=slot,
                               table_number=table, by_hand=True)
        db.session.add(meeting)
    else:
        meeting, before = moving, (moving.slot, moving.table_number)
        meeting.slot, meeting.table_number, meeting.by_hand = slot, table, True
    db.session.flush()
    db.session.expire(event, ["meetings"])
    audit.record(actor, "flash_meeting.placed", event,
                 {"meeting": meeting.id, "slot": slot, "table": table, "before": before})
    if event.state == EventState.SCHEDULED:
        signals.flash_meeting_changed.send(meeting, people=(holder, representative),
                                           slot=slot, table=table)
    return meeting


def _remove_meeting(actor: User | None, meeting: FlashMeeting) -> None:
    event = meeting.event
    people, slot, table = (meeting.holder, meeting.representative), meeting.slot, \
        meeting.table_number
    db.session.delete(meeting)
    db.session.flush()
    db.session.expire(event, ["meetings"])
    audit.record(actor, "flash_meeting.removed", event, {"meeting": meeting.id})
    if event.state == EventState.SCHEDULED:
        signals.flash_meeting_changed.send(meeting, people=people, slot=slot, table=table,
                                           removed=True)


def remove_meeting(actor: User, meeting: FlashMeeting) -> None:
    if meeting.event.state not in ADJUSTABLE_STATES:
        raise MeetingRefused(_l("Le planning de cette rencontre ne peut plus changer."))
    _remove_meeting(actor, meeting)


def agenda(participant: Participant) -> list[FlashMeeting]:
    return [m for m in participant.event.meetings
            if participant.id in (m.holder_id, m.representative_id)]


def grid(event: FlashEvent) -> list[tuple[int, list[FlashMeeting | None]]]:
    """Slot by slot, the meeting at each table (None for a free table)."""
    at = {(m.slot, m.table_number): m for m in event.meetings}
    return [(s, [at.get((s, t)) for t in range(1, event.tables + 1)])
            for s in event.meeting_slots]


def wish_summary(event: FlashEvent) -> dict:
    total, hit = scheduler.wishes_met(
        instance_of(event), {(m.holder_id, m.representative_id) for m in event.meetings})
    return {"wishes": total, "met": hit, "share": (hit / total) if total else None}

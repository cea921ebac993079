"""What a participant says before a flash meeting event: when they are available, and whom
they wish to meet, ranked (``suggestions`` proposes a first choice).

Plain functions on the models; they flush, never commit (the request commits once)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete

from murporteur.core.errors import DomainError
from murporteur.extensions import db
from murporteur.meetings.models import Participant, Side, Wish
from murporteur.meetings.services import MeetingRefused, active, slot_label
from murporteur.meetings.workflow import OPEN_STATES

#: How many people one participant may rank.
MAX_WISHES = 10


def set_availability(participant: Participant, slots: list[int] | None) -> None:
    event = participant.event
    if event.state not in OPEN_STATES:
        raise MeetingRefused(_l("Les souhaits de cette rencontre sont clos."))
    if slots is None:
        participant.available_slots = None
        return
    allowed = set(event.meeting_slots)
    outside = sorted(set(slots) - allowed)
    if outside:
        raise DomainError(_l("Ce créneau n'existe pas dans cette rencontre : %(slots)s.",
                             slots=", ".join(slot_label(event, s) for s in outside
                                             if 0 <= s < 10_000) or "?"),
                          field="available")
    if not slots:
        raise DomainError(_l("Cochez au moins un créneau où vous êtes disponible."),
                          field="available")
    participant.available_slots = sorted(set(slots))


def candidates(participant: Participant) -> list[Participant]:
    """Whom ``participant`` may wish to meet: the other side's active participants."""
    other = Side.ORGANISATION if participant.side == Side.HOLDER else Side.HOLDER
    return active(participant.event, other)


def set_wishes(participant: Participant, ranked_ids: list[int]) -> None:
    """Replace ``participant``'s wishes by ``ranked_ids``, first choice first."""
    event = participant.event
    if event.state not in OPEN_STATES:
        raise MeetingRefused(_l("Les souhaits de cette rencontre sont clos."))
    if len(ranked_ids) != len(set(ranked_ids)):
        raise DomainError(_l("Chaque personne ne peut être choisie qu'une fois."),
                          field="wishes")
    if len(ranked_ids) > MAX_WISHES:
        raise DomainError(_l("Choisissez au plus %(count)s personnes.", count=MAX_WISHES),
                          field="wishes")
    allowed = {p.id: p for p in candidates(participant)}
    unknown = [i for i in ranked_ids if i not in allowed]
    if unknown:
        raise DomainError(_l("Une des personnes choisies ne participe pas (ou plus) à cette "
                             "rencontre : choisissez-en une autre."), field="wishes")
    db.session.execute(delete(Wish).where(Wish.participant_id == participant.id))
    db.session.expire(participant, ["wishes"])
    for rank, target_id in enumerate(ranked_ids, start=1):
        db.session.add(Wish(participant_id=participant.id, target_id=target_id, rank=rank))
    db.session.flush()

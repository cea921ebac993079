"""Whom a flash meeting participant is offered to meet first: the other side's participants
linked to them by the committee ("wants to meet" positions) or by the premises catalogue (a
unit of the organisation fits the holder's idea)."""

from __future__ import annotations

from sqlalchemy import select

from murporteur.committee.models import AgendaItem, Position, Stance
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.meetings.models import Participant, Side
from murporteur.meetings.wishes import candidates
from murporteur.premises import matching
from murporteur.premises.models import PremisesUnit
from murporteur.premises.workflow import OFFERABLE


def suggested_wishes(participant: Participant) -> list[Participant]:
    """Whom to meet, pre-filled: the other side's participants linked to this one by a
    "wants to meet" position of the committee (first), then by premises that fit the holder's
    idea (the catalogue's matching)."""
    found: dict[int, Participant] = {}
    for p in _linked_by_positions(participant) + _linked_by_premises(participant):
        found.setdefault(p.id, p)
    return list(found.values())


def _linked_by_positions(participant: Participant) -> list[Participant]:
    others = candidates(participant)
    if participant.side == Side.ORGANISATION:
        dossiers = set(db.session.scalars(
            select(AgendaItem.dossier_id).join(Position, Position.item_id == AgendaItem.id)
            .where(Position.organisation_id == participant.organisation_id,
                   Position.stance == Stance.WANTS_TO_MEET)))
        return [p for p in others if p.dossier_id in dossiers]
    if participant.dossier_id is None:
        return []
    organisations = set(db.session.scalars(
        select(Position.organisation_id).join(AgendaItem, Position.item_id == AgendaItem.id)
        .where(AgendaItem.dossier_id == participant.dossier_id,
               Position.stance == Stance.WANTS_TO_MEET)))
    return [p for p in others if p.organisation_id in organisations]


def _linked_by_premises(participant: Participant) -> list[Participant]:
    """Between a holder whose idea seeks premises and an organisation whose units fit it
    (offerable units only), best fit first."""
    others = candidates(participant)
    pairs = ([(participant, p) for p in others] if participant.side == Side.HOLDER
             else [(p, participant) for p in others])
    pairs = [(h, r) for h, r in pairs if h.dossier is not None and r.organisation_id]
    if not pairs:
        return []
    organisation_ids = {r.organisation_id for _h, r in pairs}
    units = db.session.scalars(select(PremisesUnit).where(
        PremisesUnit.organisation_id.in_(organisation_ids),
        PremisesUnit.state.in_(OFFERABLE))).all()
    today = paris_today()
    best: dict[int, int] = {}
    for holder, representative in pairs:
        dossier = holder.dossier
        assert dossier is not None
        if not matching.seeks_premises(dossier):
            continue
        wish = matching.wish_of(dossier)
        points = max((matching.score(u, dossier, wish, today).score for u in units
                      if u.organisation_id == representative.organisation_id), default=0)
        if points:
            other = representative if participant.side == Side.HOLDER else holder
            best[other.id] = points
    return sorted((p for p in others if p.id in best), key=lambda p: (-best[p.id], p.id))

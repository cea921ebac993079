"""Demo flash meetings: one held a month ago, with its meetings and both sides' follow-ups,
and one in three weeks taking registrations, with wishes but no schedule yet.

Everything goes through the real rules (registrations, wishes pre-filled from the committee's
"souhaite rencontrer" positions, the CP-SAT schedule, the lifecycle); what those write is dated
to the event."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from murporteur.core.timeutil import PARIS, to_paris
from murporteur.extensions import db
from murporteur.meetings import follow_ups, services, suggestions, wishes
from murporteur.meetings.models import Outcome, Side
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import DossierState

NOTES = {
    Outcome.INTERESTED: ["On visite le local de la rue Pasteur la semaine prochaine.",
                         "Envoyer le budget prévisionnel à l'agence.",
                         "Intéressés par une commande pour l'entretien des espaces verts."],
    Outcome.TO_FOLLOW: ["À revoir quand le projet aura trouvé son lieu.",
                        "Nous rappeler après le conseil d'administration de juin."],
    Outcome.NOT_INTERESTED: ["Pas de patrimoine sur ce quartier.", ""],
}


def _morning(now: datetime, days: int) -> datetime:
    day = to_paris(now).date() + timedelta(days=days)
    return datetime.combine(day, time(9, 30), tzinfo=PARIS)


def _register(event, animator, holders, members, rng: random.Random) -> None:
    for dossier in holders:
        services.add_holder_of(animator, event, dossier)
    for member in members:
        services.add_member(animator, event, member)
    representatives = services.active(event, Side.ORGANISATION)
    for participant in services.active(event):
        suggested = [p.id for p in suggestions.suggested_wishes(participant)]
        others = [p.id for p in wishes.candidates(participant) if p.id not in suggested]
        rng.shuffle(others)
        wanted = (suggested + others)[:rng.randint(2, 4)]
        wishes.set_wishes(participant, wanted)
        if participant.side == Side.HOLDER and rng.random() < 0.25:
            slots = event.meeting_slots
            wishes.set_availability(participant, slots[: len(slots) // 2 + 1])
    assert representatives  # the demo always has members


def seed_meetings(animator, members, now: datetime, rng: random.Random) -> None:
    dossiers = list(db.session.scalars(
        select(Dossier).where(Dossier.state.not_in([DossierState.DRAFT,
                                                    DossierState.WITHDRAWN]))
        .order_by(Dossier.id)))
    if len(dossiers) < 4 or not members:
        return
    place = "Maison de l'économie sociale et solidaire, Lyon 7e"
    held_at = _morning(now, -30)
    past = services.create_event(
        animator, title="Rencontres flash bailleurs × ESS — printemps", place=place,
        starts_at=held_at, slot_minutes=15, slot_count=10, tables=len(members), breaks=[5])
    _register(past, animator, dossiers[: min(10, len(dossiers))], members, rng)
    services.make_schedule(animator, past)
    services.transition(past, "publish", animator)
    services.transition(past, "hold", animator)
    for row in past.events:
        row.created_at = held_at
    for meeting in past.meetings:
        for participant in (meeting.holder, meeting.representative):
            if rng.random() < 0.8:
                outcome = rng.choice([Outcome.INTERESTED] * 2 + [Outcome.TO_FOLLOW,
                                                                  Outcome.NOT_INTERESTED])
                follow_ups.record_follow_up(participant, meeting, outcome,
                                          rng.choice(NOTES[outcome]))
    upcoming = services.create_event(
        animator, title="Rencontres flash — quartiers prioritaires de l'Est lyonnais",
        place="Centre social Arc-en-Ciel, Vaulx-en-Velin", starts_at=_morning(now, 21),
        slot_minutes=20, slot_count=8, tables=max(2, len(members) - 1), breaks=[4],
        registration_open=True)
    _register(upcoming, animator, dossiers[-min(8, len(dossiers)):], members[:-1] or members,
              rng)

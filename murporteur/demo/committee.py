"""Demo committees: last quarter's session, held and published, and the next one, convened.

The dossiers go through the real committee rules (agenda, positions, decisions published
together, minutes), and what those write is dated to the session, as in a real year.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from murporteur.committee import services as committee
from murporteur.committee.minutes import publish_minutes
from murporteur.committee.models import AttendanceStatus, Decision, Stance
from murporteur.core.lifecycle import apply_transition
from murporteur.core.timeutil import PARIS, to_paris
from murporteur.demo import walk

DECISIONS = {"support": Decision.SUPPORTED, "postpone": Decision.POSTPONED,
             "not_support": Decision.NOT_SUPPORTED}
OFFERS = [(Stance.SUPPORTS, ["premises"], 450000, "Un rez-de-chaussée disponible au printemps."),
          (Stance.SUPPORTS, ["financing"], 800000, "Subvention au titre de l'abattement TFPB."),
          (Stance.SUPPORTS, ["order", "introductions"], 1200000,
           "Commande de prestations et mise en relation avec le gardien."),
          (Stance.WANTS_TO_MEET, ["introductions"], None, "À rencontrer avec l'agence locale."),
          (Stance.NOT_CONCERNED, [], None, "Pas de patrimoine dans ce quartier."),
          (Stance.ABSTAINS, [], None, "")]


def _at(now: datetime, days: int) -> datetime:
    day = to_paris(now).date() + timedelta(days=days)
    return datetime.combine(day, time(14, 0), tzinfo=PARIS)


def _positions(session, members, rng, answered_share: float) -> None:
    for item in session.items:
        for member in members:
            if member.organisation not in session.organisations or rng.random() > answered_share:
                continue
            stance, kinds, amount, comment = rng.choice(OFFERS)
            committee.record_position(item, member, stance=stance, offer_kinds=kinds,
                                      amount_cents=amount, comment=comment,
                                      expected_version=None)


def seed_committees(waiting: list[tuple], animator, members, now: datetime, rng,
                    structures) -> None:
    """``waiting``: (dossier, holder, steps after put_on_agenda) for each retained dossier the
    demo puts on an agenda."""
    past = [(d, h, steps) for d, h, steps in waiting if steps]
    upcoming = [(d, h, steps) for d, h, steps in waiting if not steps]
    held_at = _at(now, -45)
    session = committee.create_session(animator, starts_at=held_at,
                                       place="Maison de l'économie sociale et solidaire, Lyon 7e")
    marks = {d.id: walk._last_ids(d) for d, _h, _s in past}
    for dossier, _holder, _steps in past:
        committee.add_item(session, dossier, animator)
    committee.convene(session, animator)
    _positions(session, members, rng, answered_share=0.8)
    for member in members:
        committee.set_attendance(session, member, rng.choice(
            [AttendanceStatus.PRESENT] * 4 + [AttendanceStatus.EXCUSED]), animator)
    for item, (_dossier, _holder, steps) in zip(session.items, past, strict=True):
        decision = DECISIONS[steps[0]]
        supporters = [p.organisation for p in item.positions if p.stance == Stance.SUPPORTS]
        if decision == Decision.SUPPORTED and not supporters:
            supporters = [session.organisations[0]]
        committee.record_decision(
            item, decision, animator,
            walk.COMMENTS.get("not_support", "") if decision == Decision.NOT_SUPPORTED else "",
            supporters=supporters if decision == Decision.SUPPORTED else None)
    committee.publish_decisions(session, animator)
    publish_minutes(session, animator)
    for event in session.events:
        event.created_at = held_at
    for dossier, _holder, steps in past:
        walk._date_rows(dossier, *marks[dossier.id], held_at)
        if "convention" in steps:
            _conventions(dossier, animator, members, held_at, now, rng,
                         close="close" in steps)

    if upcoming:
        session = committee.create_session(
            animator, starts_at=_at(now, 20), place="Est Métropole Habitat, Villeurbanne",
            video_link="https://visio.murporteur.example/comite-t1")
        for dossier, _holder, _steps in upcoming:
            committee.add_item(session, dossier, animator)
        committee.convene(session, animator)
        _positions(session, members, rng, answered_share=0.4)


def _conventions(dossier, animator, members, held_at, now, rng, *, close: bool) -> None:
    """The supported project's conventions: signed by each organisation, a schedule of
    payments, the first ones paid; all completed when the project is over."""
    from murporteur.conventions import services as conventions

    signed_at = held_at + timedelta(days=rng.randint(15, 25))
    for convention in conventions.create_conventions(dossier, animator):
        if convention.committed_cents == 0 and convention.in_kind_cents == 0:
            convention.committed_cents = 500000
        convention.start_date = to_paris(signed_at).date()
        convention.end_date = convention.start_date + timedelta(days=365)
        convention.signatories = f"{dossier.contact_name} ; {convention.organisation.name}"
        apply_transition(convention, "send_for_signature", animator)
        signer = next(m for m in members if m.organisation_id == convention.organisation_id)
        apply_transition(convention, "sign", signer)
        convention.signed_at = signed_at
        apply_transition(convention, "activate", animator)
        if convention.committed_cents:
            half = convention.committed_cents // 2
            first = conventions.schedule_payment(convention, animator,
                                                 convention.start_date + timedelta(days=10), half)
            conventions.schedule_payment(convention, animator,
                                         convention.start_date + timedelta(days=180),
                                         convention.committed_cents - half)
            conventions.mark_paid(first, animator, first.planned_date, half)
        if close:
            apply_transition(convention, "complete", animator)
        for event in convention.events:
            event.created_at = signed_at
    for event in dossier.events:
        if event.transition in ("convention", "close") and event.created_at > signed_at:
            event.created_at = signed_at

"""Counts of sent dossiers per state and assignee, and each dossier's milestones.

``dossier_tally`` is kept by database triggers (migration 0019_perf) in the transaction of the
change, so that the dashboard's tabs read a few dozen rows instead of counting every dossier.
``dossier_milestone`` is written by the lifecycle (``record_milestone``, the hook of the
dossier's ``Lifecycle``). ``recount`` rebuilds both from the dossiers and their history
(``flask dossiers recount``): after a restore, or if a check ever finds them apart.
"""

from __future__ import annotations

from collections import defaultdict

import click
from flask.cli import AppGroup
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from murporteur.extensions import db
from murporteur.submissions.models import Dossier, DossierEvent, DossierMilestone, DossierTally
from murporteur.submissions.workflow import DossierState

#: The key of "nobody" in ``dossier_tally.assignee_key``.
NOBODY = 0


def tallies() -> dict[tuple[str, int], int]:
    """(state, assignee id or 0) -> how many sent dossiers, as the triggers keep it."""
    return {(state, assignee): count for state, assignee, count in db.session.execute(
        select(DossierTally.state, DossierTally.assignee_key, DossierTally.count)
        .where(DossierTally.count != 0)).tuples()}


def fresh_tallies() -> dict[tuple[str, int], int]:
    """The same, counted from the dossiers now (what ``recount`` writes)."""
    assignee = func.coalesce(Dossier.assigned_to_id, NOBODY)
    return {(str(state), key): count for state, key, count in db.session.execute(
        select(Dossier.state, assignee, func.count())
        .where(Dossier.state != DossierState.DRAFT)
        .group_by(Dossier.state, assignee)).tuples()}


def fresh_milestones() -> dict[tuple[int, str], tuple]:
    """(dossier id, state) -> (first reached at, by whom), from the whole history."""
    rank = func.row_number().over(partition_by=(DossierEvent.dossier_id, DossierEvent.to_state),
                                  order_by=(DossierEvent.created_at, DossierEvent.id))
    ranked = select(DossierEvent.dossier_id, DossierEvent.to_state, DossierEvent.created_at,
                    DossierEvent.actor_id, rank.label("k")).subquery()
    rows = db.session.execute(select(ranked.c.dossier_id, ranked.c.to_state,
                                     ranked.c.created_at, ranked.c.actor_id)
                              .where(ranked.c.k == 1)).tuples()
    return {(d, s): (at, actor) for d, s, at, actor in rows}


def recount() -> tuple[int, int]:
    """Rebuild both tables from the dossiers and their history; returns how many tally and
    milestone rows differed."""
    kept, fresh = tallies(), fresh_tallies()
    tally_changes = sum(1 for key in set(kept) | set(fresh) if kept.get(key) != fresh.get(key))
    db.session.execute(delete(DossierTally))
    if fresh:
        db.session.execute(insert(DossierTally), [
            {"state": s, "assignee_key": a, "count": n} for (s, a), n in fresh.items()])
    stored = {(m.dossier_id, m.step): m.reached_at for m in
              db.session.scalars(select(DossierMilestone))}
    firsts = fresh_milestones()
    milestone_changes = sum(1 for key in set(stored) | set(firsts)
                            if key not in stored or key not in firsts
                            or stored[key] != firsts[key][0])
    db.session.execute(delete(DossierMilestone))
    if firsts:
        db.session.execute(insert(DossierMilestone), [
            {"dossier_id": d, "step": s, "reached_at": at, "actor_id": actor}
            for (d, s), (at, actor) in firsts.items()])
    db.session.flush()
    return tally_changes, milestone_changes


def record_milestone(dossier, event) -> None:
    """The lifecycle's hook: the first time ``dossier`` reaches ``event.to_state``, noted once
    (a second arrival in the same state changes nothing)."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(DossierMilestone).values(
        dossier_id=dossier.id, step=str(event.to_state), reached_at=event.created_at,
        actor_id=event.actor_id if event.actor_id is not None else getattr(
            event.actor, "id", None)).on_conflict_do_nothing(
        index_elements=[DossierMilestone.dossier_id, DossierMilestone.step]))


def per_assignee(counts: dict[tuple[str, int], int]) -> dict[int, dict[str, int]]:
    """assignee key -> state -> count."""
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for (state, assignee), count in counts.items():
        result[assignee][state] = count
    return result


dossiers_cli = AppGroup("dossiers", help="The dossiers' kept counts and milestones.")


@dossiers_cli.command("recount")
def recount_command() -> None:
    """Rebuild the tab counts and the milestones from the dossiers and their history."""
    tally_changes, milestone_changes = recount()
    db.session.commit()
    click.echo(f"Counts rebuilt ({tally_changes} corrected); milestones rebuilt "
               f"({milestone_changes} corrected).")


def backdate_event(event, when) -> None:
    """Date a history row ``when`` (demo data, tests of reporting), and the milestone it may
    be the first arrival of."""
    event.created_at = when
    db.session.flush()
    first = (select(func.min(DossierEvent.created_at))
             .where(DossierEvent.dossier_id == event.dossier_id,
                    DossierEvent.to_state == event.to_state).scalar_subquery())
    db.session.execute(update(DossierMilestone).where(
        DossierMilestone.dossier_id == event.dossier_id,
        DossierMilestone.step == event.to_state).values(reached_at=first))

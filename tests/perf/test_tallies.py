"""The counts the dashboard's tabs read, and the milestones reporting reads, stay equal to a
fresh count whatever happens to the dossiers (issue 16)."""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update

from murporteur.core.lifecycle import apply_transition, available_transitions
from murporteur.extensions import db
from murporteur.submissions.models import Dossier, DossierMilestone, DossierTally
from murporteur.submissions.tallies import (
    fresh_milestones,
    fresh_tallies,
    recount,
    recount_command,
    tallies,
)
from murporteur.triage.dashboard import Filters
from murporteur.triage.tab_counts import counted_tab_counts, kept_tab_counts
from tests.conftest import login
from tests.factories import AnimatorFactory, DraftFactory, submitted_dossier

# One step of the story: what to do, to which dossier (an index), with what.
STEPS = st.lists(st.tuples(
    st.sampled_from(["submit_new", "draft", "transition", "assign", "unassign", "bulk_assign",
                     "delete_draft"]),
    st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=50)),
    min_size=1, max_size=25)


def _stored_milestones():
    return {(m.dossier_id, m.step): (m.reached_at, m.actor_id)
            for m in db.session.scalars(db.select(DossierMilestone))}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(steps=STEPS)
def test_kept_counts_equal_a_fresh_count_after_any_story(app, steps):
    nested = db.session.begin_nested()
    try:
        animators = [AnimatorFactory(), AnimatorFactory()]
        dossiers: list[Dossier] = [submitted_dossier()]
        for action, a, b in steps:
            dossier = dossiers[a % len(dossiers)]
            if action == "submit_new":
                dossiers.append(submitted_dossier())
            elif action == "draft":
                dossiers.append(DraftFactory())
            elif action == "transition" and dossier.state != "draft":
                # Whoever may: an animator, the holder, or the application itself.
                moves = [(t, actor) for actor in (animators[0], dossier.holder, None)
                         for t in available_transitions(dossier, actor)]
                if moves:
                    transition, actor = moves[b % len(moves)]
                    comment = "Parce que." if transition.comment_required else ""
                    apply_transition(dossier, transition.name, actor, comment)
            elif action == "assign":
                dossier.assigned_to = animators[b % 2]
            elif action == "unassign":
                dossier.assigned_to = None
            elif action == "bulk_assign":  # a statement outside the ORM: the triggers count it
                db.session.flush()
                db.session.execute(update(Dossier).where(Dossier.id == dossier.id)
                                   .values(assigned_to_id=animators[b % 2].id))
                db.session.expire(dossier)
            elif action == "delete_draft" and dossier.state == "draft":
                db.session.flush()
                db.session.execute(delete(Dossier).where(Dossier.id == dossier.id))
                db.session.expunge(dossier)
                dossiers.remove(dossier)
                if not dossiers:
                    dossiers.append(submitted_dossier())
            db.session.flush()
        assert tallies() == fresh_tallies()
        for animator in animators:
            assert kept_tab_counts(animator) == counted_tab_counts(Filters(), animator)
        assert _stored_milestones() == fresh_milestones()
    finally:
        nested.rollback()
        db.session.expunge_all()  # SQLite gives the rolled-back ids again


def test_the_dashboard_tabs_show_the_kept_counts(app, client):
    animator = AnimatorFactory()
    submitted_dossier()
    mine = submitted_dossier()
    mine.assigned_to = animator
    apply_transition(mine, "start_qualification", animator)
    db.session.flush()
    login(client, animator)
    page = client.get("/instruction/").get_data(as_text=True)
    assert "À qualifier <span class=\"count\">(1)</span>" in page
    assert "Mes dossiers <span class=\"count\">(1)</span>" in page
    assert "Tous <span class=\"count\">(2)</span>" in page


def test_recount_repairs_counts_and_milestones_gone_wrong(app):
    animator = AnimatorFactory()
    dossier = submitted_dossier()
    apply_transition(dossier, "start_qualification", animator)
    db.session.flush()
    good_tallies, good_milestones = fresh_tallies(), _stored_milestones()
    db.session.execute(update(DossierTally).values(count=DossierTally.count + 7))
    db.session.execute(delete(DossierMilestone).where(DossierMilestone.step == "qualifying"))
    assert tallies() != good_tallies
    assert recount() == (2, 1)  # the emptied "submitted" row counted too
    assert tallies() == good_tallies
    assert _stored_milestones() == good_milestones
    assert recount() == (0, 0)  # nothing left to correct


def test_recount_command_says_what_it_corrected(app):
    submitted_dossier()
    db.session.flush()
    db.session.execute(update(DossierTally).values(count=0))
    with app.app_context():
        result = CliRunner().invoke(recount_command, [], obj=app.cli, standalone_mode=False)
    assert result.exit_code == 0, result.output
    assert "1 corrected" in result.output
    assert tallies() == fresh_tallies()


def test_a_milestone_keeps_the_first_arrival_and_who_made_it(app):
    first, second = AnimatorFactory(), AnimatorFactory()
    dossier = submitted_dossier()
    apply_transition(dossier, "start_qualification", first)
    reached = dossier.events[-1].created_at
    apply_transition(dossier, "request_info", first, "Une question ?")
    apply_transition(dossier, "answer_info", dossier.holder)  # back in qualification
    apply_transition(dossier, "decline", second, "Non.")
    db.session.flush()
    milestones = _stored_milestones()
    assert milestones[(dossier.id, "qualifying")] == (reached, first.id)
    assert milestones[(dossier.id, "declined")][1] == second.id


def test_filtered_counts_are_counted_under_the_filters(app):
    animator = AnimatorFactory()
    submitted_dossier()
    submitted_dossier().assigned_to = animator
    db.session.flush()
    f = Filters.from_args(__import__("werkzeug").datastructures.MultiDict(
        {"assigned": str(animator.id)}))
    assert counted_tab_counts(f, animator)["all"] == 1
    assert kept_tab_counts(animator)["all"] == 2

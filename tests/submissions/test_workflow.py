"""Every transition of the table, allowed and refused, for each kind of actor."""

import pytest
from sqlalchemy import select

from murporteur.core.errors import AccessDenied
from murporteur.core.lifecycle import TransitionRefused, apply_transition, available_transitions
from murporteur.extensions import db
from murporteur.submissions.models import DossierEvent
from murporteur.submissions.workflow import FINISHED, STATES, TRANSITIONS
from tests.factories import (
    AdminFactory,
    AnimatorFactory,
    DraftFactory,
    HolderFactory,
    MemberFactory,
)
from tests.helpers import outbox


def _actors(dossier):
    return {"holder": dossier.holder, "other_holder": HolderFactory(),
            "animator": AnimatorFactory(), "member": MemberFactory(), "admin": AdminFactory(),
            "system": None}


EXPECTED = {  # transition -> actors allowed
    "submit": {"holder"}, "start_qualification": {"animator"}, "request_info": {"animator"},
    "answer_info": {"holder"}, "retain": {"animator"}, "redirect": {"animator"},
    "decline": {"animator"}, "put_on_agenda": {"animator", "system"},
    "remove_from_agenda": {"animator", "system"},
    "support": {"animator", "system"}, "postpone": {"animator", "system"},
    "not_support": {"animator", "system"}, "convention": {"animator", "system"},
    "close": {"animator", "system"}, "withdraw": {"holder"}, "reopen": {"animator"},
}


def test_every_transition_is_declared_with_known_states():
    assert set(TRANSITIONS) == set(EXPECTED)
    for t in TRANSITIONS.values():
        assert t.target in STATES
        assert t.sources <= set(STATES)
    assert {"closed", "redirected", "declined", "not_supported", "withdrawn"} == FINISHED


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("who", ["holder", "other_holder", "animator", "member", "admin",
                                 "system"])
def test_who_may_trigger_each_transition(app, name, who):
    transition = TRANSITIONS[name]
    dossier = DraftFactory(state=sorted(transition.sources)[0], number="MP-2026-0042")
    actor = _actors(dossier)[who]
    comment = "Une raison" if transition.comment_required else ""
    if who in EXPECTED[name]:
        event = apply_transition(dossier, name, actor, comment)
        assert dossier.state == transition.target
        assert event.from_state == sorted(transition.sources)[0]
        assert event.actor is actor
    else:
        with pytest.raises(AccessDenied):
            apply_transition(dossier, name, actor, comment)
        assert dossier.state == sorted(transition.sources)[0]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_transition_is_refused_from_any_other_state(app, name):
    transition = TRANSITIONS[name]
    other = sorted(set(STATES) - transition.sources)[0]
    dossier = DraftFactory(state=other)
    actor = None if "system" in EXPECTED[name] else (
        dossier.holder if "holder" in EXPECTED[name] else AnimatorFactory())
    with pytest.raises(TransitionRefused):
        apply_transition(dossier, name, actor, "raison")
    assert dossier.state == other


@pytest.mark.parametrize("name", [n for n, t in TRANSITIONS.items() if t.comment_required])
def test_decisions_that_must_be_explained_refuse_an_empty_comment(app, name):
    dossier = DraftFactory(state=sorted(TRANSITIONS[name].sources)[0])
    with pytest.raises(TransitionRefused, match="obligatoire"):
        apply_transition(dossier, name, AnimatorFactory(), "   ")


def test_history_is_written_with_who_when_from_to_and_comment(app):
    dossier = DraftFactory(state="qualifying")
    animator = AnimatorFactory()
    apply_transition(dossier, "decline", animator, "Hors du champ du collectif.")
    event = db.session.scalars(select(DossierEvent).where(
        DossierEvent.dossier_id == dossier.id)).one()
    assert (event.from_state, event.to_state, event.actor_id, event.comment) == (
        "qualifying", "declined", animator.id, "Hors du champ du collectif.")
    assert event.created_at.tzinfo is not None


def test_the_holder_hears_of_a_decision_in_the_same_transaction(app):
    dossier = DraftFactory(state="qualifying", number="MP-2026-0099")
    apply_transition(dossier, "decline", AnimatorFactory(), "Hors du champ du collectif.")
    messages = outbox("dossier_state_changed", to=dossier.holder.email)
    assert len(messages) == 1
    assert messages[0].context["comment"] == "Hors du champ du collectif."
    db.session.rollback()
    assert outbox("dossier_state_changed") == []


def test_available_transitions_follow_the_table(app):
    dossier = DraftFactory(state="submitted")
    assert [t.name for t in available_transitions(dossier, dossier.holder)] == ["withdraw"]
    names = [t.name for t in available_transitions(dossier, AnimatorFactory())]
    assert names == ["start_qualification", "request_info", "redirect", "decline"]
    assert available_transitions(dossier, MemberFactory()) == []

"""The one lifecycle engine, on each object that has states: dossier, session, convention."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from murporteur import signals
from murporteur.audit.models import AuditEntry
from murporteur.committee import services as committee
from murporteur.committee.models import CommitteeSession
from murporteur.committee.workflow import SessionState
from murporteur.conventions.models import Convention, ConventionKind
from murporteur.conventions.workflow import ConventionState, may_sign
from murporteur.core.errors import AccessDenied
from murporteur.core.lifecycle import TransitionRefused, apply_transition, available_transitions
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import DossierState
from tests.factories import (
    AnimatorFactory,
    HolderFactory,
    MemberFactory,
    OrganisationFactory,
    designated,
    submitted_dossier,
)

START = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)


def _session():
    organisation = OrganisationFactory()
    return committee.create_session(AnimatorFactory(), starts_at=START, place="Maison de l'ESS",
                                    organisations=[organisation])


def _convention():
    dossier = submitted_dossier()
    convention = Convention(dossier=dossier, organisation=OrganisationFactory(),
                            kind=ConventionKind.PARTNERSHIP, state=ConventionState.DRAFT)
    db.session.add(convention)
    db.session.flush()
    return convention


#: object maker, a transition refused from its first state, one it starts with, the model.
CASES = {
    "dossier": (submitted_dossier, "retain", "start_qualification", Dossier),
    "session": (_session, "hold", "convene", CommitteeSession),
    "convention": (_convention, "sign", "send_for_signature", Convention),
}


@pytest.fixture(params=sorted(CASES))
def case(request, app):
    make, wrong, right, model = CASES[request.param]
    return make(), wrong, right, model


def test_a_transition_from_a_state_it_does_not_start_from_is_refused(case):
    obj, wrong, _right, _model = case
    state = obj.state
    with pytest.raises(TransitionRefused, match="Ce n'est plus possible"):
        apply_transition(obj, wrong, AnimatorFactory())
    assert obj.state == state


def test_a_user_who_may_not_act_is_refused_and_nothing_moves(case):
    obj, _wrong, right, _model = case
    state, events = obj.state, len(obj.events)
    with pytest.raises(AccessDenied):
        apply_transition(obj, right, HolderFactory())
    assert obj.state == state and len(obj.events) == events
    assert right not in {t.name for t in available_transitions(obj, HolderFactory())}


def test_a_transition_writes_one_history_row_one_audit_entry_and_one_signal(case):
    obj, _wrong, right, model = case
    signal = {Dossier: signals.dossier_transitioned, CommitteeSession: signals.session_transitioned,
              Convention: signals.convention_transitioned}[model]
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs["event"]))

    before = len(obj.events)
    db.session.commit()  # what the setup audited is chained now
    last = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    actor = AnimatorFactory()
    with signal.connected_to(receiver):
        event = apply_transition(obj, right, actor, "  Pourquoi pas.  ")
    db.session.expire(obj, ["events"])
    assert len(obj.events) == before + 1 and obj.events[-1] is event
    assert (event.actor, event.transition, event.comment) == (actor, right, "Pourquoi pas.")
    assert event.to_state == obj.state and event.from_state != event.to_state
    assert received == [(obj, event)]
    db.session.commit()  # the audit chain is written as the transaction commits
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > last)).all()
    assert [e.action for e in entries] == [f"{model.__tablename__}.{right}"]


def test_who_signs_a_convention_is_asked_of_its_transition(app):
    convention = _convention()
    member = designated(MemberFactory(organisation=convention.organisation))
    colleague = MemberFactory(organisation=convention.organisation)
    outsider = MemberFactory(organisation=OrganisationFactory())
    assert may_sign(member, convention) and may_sign(AnimatorFactory(), convention)
    assert not may_sign(outsider, convention)
    assert not may_sign(colleague, convention)  # not the organisation's signatory
    assert not may_sign(HolderFactory(), convention)
    apply_transition(convention, "send_for_signature", None)
    with pytest.raises(AccessDenied):
        apply_transition(convention, "sign", outsider)
    apply_transition(convention, "sign", member)
    assert convention.state == ConventionState.SIGNED


@pytest.mark.parametrize("table", ["dossier", "committee_session", "convention"])
def test_the_database_refuses_a_state_the_lifecycle_does_not_know(app, table):
    obj = {"dossier": submitted_dossier, "committee_session": _session,
           "convention": _convention}[table]()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(text(f"UPDATE {table} SET state = 'lost' WHERE id = :id"),
                           {"id": obj.id})


def test_states_are_read_back_as_enum_members(app):
    dossier, session = submitted_dossier(), _session()
    db.session.expire_all()
    assert db.session.get(Dossier, dossier.id).state is DossierState.SUBMITTED
    assert db.session.get(CommitteeSession, session.id).state is SessionState.PLANNED

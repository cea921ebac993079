"""The dossier policy: who sees a dossier, who may withdraw it, who reads the holder's
contact; and the SQL twin agreeing with the one-object check for every kind of user."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from murporteur.committee import services as committee
from murporteur.core.policy import can
from murporteur.extensions import db
from murporteur.submissions import policies
from murporteur.submissions.models import Document, Dossier
from tests.factories import (
    AdminFactory,
    AnimatorFactory,
    DraftFactory,
    HolderFactory,
    MemberFactory,
    OrganisationFactory,
    submitted_dossier,
)

START = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)


@pytest.fixture
def world(app):
    animator = AnimatorFactory()
    invited, other = OrganisationFactory(), OrganisationFactory()
    session = committee.create_session(animator, starts_at=START, place="Maison de l'ESS",
                                       organisations=[invited])
    on_agenda = submitted_dossier(title="À l'ordre du jour")
    on_agenda.state = "retained"
    committee.add_item(session, on_agenda, animator)
    db.session.flush()
    return {
        "draft": DraftFactory(), "sent": submitted_dossier(title="Envoyé"),
        "on_agenda": on_agenda,
        "users": {"animator": animator, "admin": AdminFactory(),
                  "invited member": MemberFactory(organisation=invited),
                  "other member": MemberFactory(organisation=other),
                  "stranger": HolderFactory(), "nobody": None},
    }


def test_the_holder_sees_their_dossier_even_as_a_draft(world):
    draft = world["draft"]
    assert policies.may_view_dossier(draft.holder, draft)
    assert not policies.may_view_dossier(world["users"]["stranger"], draft)


def test_animators_see_sent_dossiers_but_not_drafts(world):
    animator = world["users"]["animator"]
    assert policies.may_view_dossier(animator, world["sent"])
    assert not policies.may_view_dossier(animator, world["draft"])


def test_members_see_only_the_dossiers_on_an_agenda_they_may_open(world):
    """The committee lets them in through the policy's hook (committee/dossier_access.py)."""
    invited, other = world["users"]["invited member"], world["users"]["other member"]
    assert policies.may_view_dossier(invited, world["on_agenda"])
    assert not policies.may_view_dossier(invited, world["sent"])
    assert not policies.may_view_dossier(other, world["on_agenda"])


def test_admins_and_visitors_see_no_dossier(world):
    for name in ("admin", "nobody"):
        assert not policies.may_view_dossier(world["users"][name], world["sent"]), name


def test_the_sql_twin_lists_exactly_what_the_check_lets_each_user_see(world):
    dossiers = db.session.scalars(select(Dossier)).all()
    everyone = {**world["users"], "holder": world["draft"].holder,
                "agenda holder": world["on_agenda"].holder}
    for name, user in everyone.items():
        listed = {d.id for d in db.session.scalars(policies.visible_dossiers(user))}
        assert listed == {d.id for d in dossiers if policies.may_view_dossier(user, d)}, name
    assert world["on_agenda"].id in {
        d.id for d in db.session.scalars(policies.visible_dossiers(
            world["users"]["invited member"]))}


def test_documents_follow_the_dossier_for_members(world, app):
    """The document twin asks the same hook: a member lists the files of an agenda dossier."""
    from murporteur.submissions.models import DocumentKind

    dossier = world["on_agenda"]
    document = Document(dossier=dossier, kind=DocumentKind.HOLDER, original_name="plan.pdf",
                        storage_name="policy-test", content_type="application/pdf", size=1,
                        sha256="0" * 64)
    db.session.add(document)
    db.session.flush()
    invited, other = world["users"]["invited member"], world["users"]["other member"]
    for user, expected in ((invited, True), (other, False)):
        assert policies.may_view_document(user, document) is expected
        listed = set(db.session.scalars(policies.visible_documents(user)))
        assert (document in listed) is expected


def test_only_the_holder_may_withdraw_until_a_decision(world):
    sent = world["sent"]
    assert policies.may_withdraw_dossier(sent.holder, sent)
    assert can("withdraw_dossier", sent, user=sent.holder)
    assert not policies.may_withdraw_dossier(world["users"]["animator"], sent)
    sent.state = "supported"
    assert not policies.may_withdraw_dossier(sent.holder, sent)


def test_the_holders_contact_is_for_the_holder_and_the_animators_not_the_committee(world):
    dossier = world["on_agenda"]
    assert can("see_holder_contact", dossier, user=dossier.holder)
    assert can("see_holder_contact", dossier, user=world["users"]["animator"])
    assert not can("see_holder_contact", dossier, user=world["users"]["invited member"])
    assert can("view_dossier", dossier, user=world["users"]["invited member"])

"""The triage policy: animators only, and never a draft; its SQL twin agrees."""

from __future__ import annotations

from sqlalchemy import select

from murporteur.core.policy import can
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.triage import policies
from tests.factories import (
    AdminFactory,
    AnimatorFactory,
    DraftFactory,
    HolderFactory,
    MemberFactory,
    submitted_dossier,
)


def test_animators_triage_sent_dossiers_and_nobody_triages_a_draft(app):
    animator, sent, draft = AnimatorFactory(), submitted_dossier(), DraftFactory()
    assert can("triage", user=animator) and policies.may_triage_dossier(animator, sent)
    assert not policies.may_triage_dossier(animator, draft)
    for other in (AdminFactory(), MemberFactory(), sent.holder, HolderFactory(), None):
        assert not policies.may_triage(other), other
        assert not policies.may_triage_dossier(other, sent), other


def test_the_sql_twin_agrees_with_the_check(app):
    submitted_dossier(), DraftFactory()
    dossiers = db.session.scalars(select(Dossier)).all()
    for user in (AnimatorFactory(), AdminFactory(), MemberFactory(), HolderFactory(), None):
        listed = {d.id for d in db.session.scalars(policies.triageable_dossiers(user))}
        assert listed == {d.id for d in dossiers if policies.may_triage_dossier(user, d)}, user

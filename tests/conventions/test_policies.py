"""The conventions' access rules (conventions/policies.py): each one allowed and refused, and
the conventions' query agreeing with the one-convention check for every user and convention."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from murporteur.conventions import services
from murporteur.conventions.models import Convention, ConventionKind
from murporteur.conventions.policies import (
    may_manage_convention,
    may_record_payment,
    may_sign,
    may_view_convention,
    visible_conventions,
)
from murporteur.conventions.workflow import may_sign as lifecycle_may_sign
from murporteur.core.policy import can
from murporteur.extensions import db
from tests.factories import (
    AdminFactory,
    AnimatorFactory,
    MemberFactory,
    OrganisationFactory,
    designated,
    submitted_dossier,
)


@pytest.fixture
def small(app):
    """Two projects: the first with a convention for A (sent for signature) and one for B
    (draft), the second with one for A; a member of each organisation, one of C (no
    convention), one without organisation, both holders, an admin, an anonymous visitor."""
    org_a, org_b, org_c = (OrganisationFactory(name=n) for n in ("Alliade", "Vilogia",
                                                                 "Dynacité"))
    first, second = submitted_dossier(title="Jardin"), submitted_dossier(title="Recyclerie")
    conventions = {
        "first_a": Convention(dossier=first, organisation=org_a, kind=ConventionKind.FINANCING,
                              state="sent_for_signature", committed_cents=100000,
                              in_kind_cents=0),
        "first_b": Convention(dossier=first, organisation=org_b, kind=ConventionKind.PREMISES,
                              state="draft", committed_cents=0, in_kind_cents=50000),
        "second_a": Convention(dossier=second, organisation=org_a,
                               kind=ConventionKind.PARTNERSHIP, state="signed",
                               committed_cents=0, in_kind_cents=0),
    }
    db.session.add_all(conventions.values())
    db.session.flush()
    users = {"animator": AnimatorFactory(), "admin": AdminFactory(),
             "a": designated(MemberFactory(organisation=org_a)),
             "a_colleague": MemberFactory(organisation=org_a),
             "b": designated(MemberFactory(organisation=org_b)),
             "c": MemberFactory(organisation=org_c), "loose": MemberFactory(organisation=None),
             "first_holder": first.holder, "second_holder": second.holder,
             "anonymous": AnonymousUserMixin()}
    return {"users": users, "conventions": conventions, "orgs": {"a": org_a, "b": org_b}}


def test_the_conventions_query_lists_exactly_what_each_user_may_see(small):
    for name, user in small["users"].items():
        listed = {c.id for c in db.session.scalars(visible_conventions(user))}
        for label, convention in small["conventions"].items():
            assert (convention.id in listed) == may_view_convention(user, convention), (
                name, label)


def test_who_sees_which_convention(small):
    users, conventions = small["users"], small["conventions"]
    assert all(may_view_convention(users["animator"], c) for c in conventions.values())
    assert may_view_convention(users["a"], conventions["second_a"])
    assert not may_view_convention(users["a"], conventions["first_b"])
    assert may_view_convention(users["first_holder"], conventions["first_b"])
    assert not may_view_convention(users["first_holder"], conventions["second_a"])
    for name in ("c", "loose", "admin", "anonymous"):
        assert not any(may_view_convention(users[name], c) for c in conventions.values()), name


def test_the_list_filters_in_the_database_what_the_user_may_see(small):
    users, conventions, orgs = small["users"], small["conventions"], small["orgs"]
    assert {c.id for c in services.conventions_for(users["a"])} == {
        conventions["first_a"].id, conventions["second_a"].id}
    assert [c.id for c in services.conventions_for(users["a"], state="signed")] == [
        conventions["second_a"].id]
    assert [c.id for c in services.conventions_for(users["animator"],
                                                   organisation_id=orgs["b"].id)] == [
        conventions["first_b"].id]
    assert services.count_conventions(users["a"]) == 2
    assert [o.name for o in services.organisations_with_conventions(users["animator"])] == [
        "Alliade", "Vilogia"]
    assert services.organisations_with_conventions(users["c"]) == []


def test_a_convention_is_signed_by_its_organisation_or_an_animator(small):
    users, conventions = small["users"], small["conventions"]
    assert may_sign(users["a"], conventions["first_a"])
    assert may_sign(users["animator"], conventions["first_a"])
    for name in ("b", "first_holder", "admin", "loose", "a_colleague"):
        assert not may_sign(users[name], conventions["first_a"]), name
    assert may_sign is lifecycle_may_sign  # written once, in the lifecycle


def test_only_the_animators_manage_conventions_and_payments(small):
    users, convention = small["users"], small["conventions"]["first_a"]
    assert may_manage_convention(users["animator"], convention)
    assert may_record_payment(users["animator"], convention)
    for name in ("a", "first_holder", "admin", "anonymous"):
        assert not may_manage_convention(users[name], convention), name
        assert not may_record_payment(users[name], convention), name


def test_templates_ask_the_same_rules_by_name(small):
    users, convention = small["users"], small["conventions"]["first_a"]
    assert can("view_convention", convention, user=users["a"])
    assert not can("view_convention", convention, user=users["b"])
    assert can("sign_convention", convention, user=users["a"])
    assert not can("sign_convention", convention, user=users["b"])
    assert can("manage_convention", convention, user=users["animator"])
    assert not can("manage_convention", convention, user=users["a"])
    assert can("record_payment", convention, user=users["animator"])

"""The committee's access rules (committee/policies.py): each one allowed and refused, and the
sessions' query agreeing with the one-session check for every user and every session."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_login import AnonymousUserMixin

from murporteur.committee import services
from murporteur.committee.policies import (
    may_give_proxy,
    may_record_position,
    may_run_committee,
    may_view_item,
    may_view_positions,
    may_view_session,
    speaking_organisation_ids,
    visible_sessions,
)
from murporteur.committee.workflow import SessionState
from murporteur.core.policy import can
from murporteur.extensions import db
from tests.factories import (
    AdminFactory,
    AnimatorFactory,
    HolderFactory,
    MemberFactory,
    OrganisationFactory,
    submitted_dossier,
)

START = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)


@pytest.fixture
def small(app):
    """A and B invited to the first session, B alone to the second (held); C invited
    nowhere but holding A's proxy for the first; a member without organisation, a holder, an
    admin, an anonymous visitor."""
    animator = AnimatorFactory()
    org_a, org_b, org_c = (OrganisationFactory(name=n) for n in ("Alliade", "Vilogia",
                                                                 "Dynacité"))
    users = {"animator": animator, "admin": AdminFactory(), "holder": HolderFactory(),
             "a": MemberFactory(organisation=org_a), "b": MemberFactory(organisation=org_b),
             "c": MemberFactory(organisation=org_c), "loose": MemberFactory(organisation=None),
             "anonymous": AnonymousUserMixin()}
    first = services.create_session(animator, starts_at=START, place="Salle 1",
                                    organisations=[org_a, org_b])
    second = services.create_session(animator, starts_at=START, place="Salle 2",
                                     organisations=[org_b])
    dossier = submitted_dossier(title="Café solidaire")
    dossier.state = "retained"
    item = services.add_item(first, dossier, animator)
    services.give_proxy(first, users["a"], users["c"])
    second.state = SessionState.HELD
    db.session.flush()
    return {"users": users, "sessions": {"first": first, "second": second}, "item": item,
            "orgs": {"a": org_a, "b": org_b, "c": org_c}}


def test_the_sessions_query_lists_exactly_the_sessions_each_user_may_open(small):
    for name, user in small["users"].items():
        listed = {s.id for s in db.session.scalars(visible_sessions(user))}
        for label, session in small["sessions"].items():
            assert (session.id in listed) == may_view_session(user, session), (name, label)


def test_who_opens_which_session(small):
    users, first, second = small["users"], small["sessions"]["first"], small["sessions"]["second"]
    assert may_view_session(users["animator"], second)
    assert may_view_session(users["a"], first) and not may_view_session(users["a"], second)
    assert may_view_session(users["c"], first)  # through A's proxy
    assert not may_view_session(users["c"], second)
    for name in ("admin", "holder", "loose", "anonymous"):
        assert not may_view_session(users[name], first), name


def test_the_members_list_holds_the_sessions_they_hold_a_proxy_for(small):
    users = small["users"]
    assert services.sessions_for(users["c"]) == [small["sessions"]["first"]]
    assert services.sessions_for(users["holder"]) == []


def test_an_item_is_seen_by_whoever_opens_its_session(small):
    users, item = small["users"], small["item"]
    assert may_view_item(users["b"], item) and may_view_item(users["c"], item)
    assert not may_view_item(users["holder"], item)


def test_the_other_positions_are_hidden_from_members_until_the_session_is_held(small):
    users, first, second = small["users"], small["sessions"]["first"], small["sessions"]["second"]
    assert may_view_positions(users["animator"], first)
    assert not may_view_positions(users["a"], first)
    assert may_view_positions(users["b"], second)  # held
    assert not may_view_positions(users["anonymous"], second)
    first.positions_open_early = True
    assert may_view_positions(users["a"], first)


def test_a_position_is_given_for_ones_organisation_or_the_one_that_gave_a_proxy(small):
    users, item, orgs = small["users"], small["item"], small["orgs"]
    assert may_record_position(users["a"], item)
    assert not may_record_position(users["a"], item, orgs["b"].id)
    assert may_record_position(users["c"], item, orgs["a"].id)
    assert not may_record_position(users["c"], item)  # Dynacité is not invited
    assert speaking_organisation_ids(users["c"], item.session) == {orgs["a"].id}
    for name in ("animator", "holder", "loose", "anonymous"):
        assert not may_record_position(users[name], item), name


def test_an_invited_member_gives_a_proxy_no_one_else(small):
    users, first, second = small["users"], small["sessions"]["first"], small["sessions"]["second"]
    assert may_give_proxy(users["a"], first) and may_give_proxy(users["b"], second)
    assert not may_give_proxy(users["a"], second)
    for name in ("animator", "holder", "anonymous"):
        assert not may_give_proxy(users[name], first), name


def test_only_the_animators_run_the_committee(small):
    users = small["users"]
    assert may_run_committee(users["animator"])
    for name in ("admin", "a", "holder", "anonymous"):
        assert not may_run_committee(users[name]), name


def test_templates_ask_the_same_rules_by_name(small):
    users, first, item = small["users"], small["sessions"]["first"], small["item"]
    assert can("view_session", first, user=users["c"])
    assert not can("view_session", first, user=users["holder"])
    assert can("view_item", item, user=users["b"])
    assert can("run_committee", user=users["animator"])
    assert not can("view_positions", first, user=users["a"])
    assert can("record_position", item, user=users["a"])
    assert can("give_proxy", first, user=users["a"])

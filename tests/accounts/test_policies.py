"""The accounts' permissions, by name: what the menus and the account pages ask."""

from __future__ import annotations

import pytest

from murporteur.core.policy import can
from tests.factories import AdminFactory, AnimatorFactory, HolderFactory, MemberFactory

#: permission -> the kinds of account that have it
EXPECTED = {
    "animate": {"animator"},
    "administer": {"admin"},
    "sit_on_committee": {"member"},
    "hold_dossiers": {"holder"},
    "use_second_factor": {"animator", "admin", "member"},
    "use_api": {"animator", "member"},
}


@pytest.fixture
def accounts(app):
    return {"animator": AnimatorFactory(), "admin": AdminFactory(), "member": MemberFactory(),
            "holder": HolderFactory()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_permission_is_given_to_its_accounts_and_refused_to_the_others(accounts, name):
    for kind, user in accounts.items():
        assert can(name, user=user) is (kind in EXPECTED[name]), (name, kind)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_visitor_has_no_permission(app, name):
    from flask_login import AnonymousUserMixin

    assert not can(name, user=AnonymousUserMixin())


def test_a_deactivated_account_may_not_use_the_api(accounts):
    accounts["animator"].active = False
    assert not can("use_api", user=accounts["animator"])

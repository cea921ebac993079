"""The reporting's access rules (reporting/policies.py), allowed and refused."""

from __future__ import annotations

from flask_login import AnonymousUserMixin

from murporteur.core.policy import can
from murporteur.reporting.policies import (
    may_view_all_figures,
    may_view_reports,
    own_organisation_only,
)
from tests.factories import AdminFactory, AnimatorFactory, HolderFactory, MemberFactory


def test_who_sees_which_figures(app):
    animator, member = AnimatorFactory(), MemberFactory()
    others = [AdminFactory(), HolderFactory(), AnonymousUserMixin()]
    assert may_view_reports(animator) and may_view_reports(member)
    assert may_view_all_figures(animator) and not own_organisation_only(animator)
    assert not may_view_all_figures(member) and own_organisation_only(member)
    for user in others:
        assert not may_view_reports(user)
        assert not may_view_all_figures(user)
        assert not own_organisation_only(user)
    assert can("view_all_figures", user=animator) and not can("view_all_figures", user=member)
    assert can("view_reports", user=member)

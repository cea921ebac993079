"""The API's list queries agree with the per-object rules the web pages use."""

from __future__ import annotations

from sqlalchemy import select

from murporteur.api import services as api
from murporteur.committee.models import CommitteeSession
from murporteur.committee.services import give_proxy, may_view_session
from murporteur.conventions.models import Convention, Payment
from murporteur.conventions.policies import may_view_convention
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.submissions.policies import may_view_dossier
from tests.api.test_endpoints import world  # noqa: F401  (the shared fixture)
from tests.factories import MemberFactory


def _ids(query) -> set[int]:
    return {row.id for row in db.session.scalars(query)}


def _everyone(world):  # noqa: F811
    return {**world["users"], "newcomer": MemberFactory()}


def test_each_list_holds_exactly_what_the_rules_let_its_user_see(world):  # noqa: F811
    dossiers = db.session.scalars(select(Dossier)).all()
    sessions = db.session.scalars(select(CommitteeSession)).all()
    conventions = db.session.scalars(select(Convention)).all()
    payments = db.session.scalars(select(Payment)).all()
    for name, user in _everyone(world).items():
        assert _ids(api.dossiers_query(user)) == {
            d.id for d in dossiers if may_view_dossier(user, d)}, name
        assert _ids(api.sessions_query(user)) == {
            s.id for s in sessions if may_view_session(user, s)}, name
        assert _ids(api.conventions_query(user)) == {
            c.id for c in conventions if may_view_convention(user, c)}, name
        assert _ids(api.payments_query(user)) == {
            p.id for p in payments if may_view_convention(user, p.convention)}, name


def test_a_proxy_opens_the_session_and_its_dossiers_to_its_receiver(world):  # noqa: F811
    session = world["session"]
    outsider = world["users"]["c"]
    assert not _ids(api.sessions_query(outsider))
    # C's member is not invited; A's member lets them speak for A.
    give_proxy(session, world["users"]["a"], outsider)
    assert _ids(api.sessions_query(outsider)) == {session.id} and may_view_session(outsider,
                                                                                 session)
    assert _ids(api.dossiers_query(outsider)) == {d.id for d in world["on_agenda"]}

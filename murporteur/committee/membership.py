"""Which organisations a member speaks for in a session, and who may open a session."""

from __future__ import annotations

from sqlalchemy import select

from murporteur.accounts.models import Role, User
from murporteur.committee.models import CommitteeSession, Proxy
from murporteur.extensions import db


def member_organisation_ids(user: User, session: CommitteeSession | None = None) -> set[int]:
    """The organisations a member speaks for: their own, plus those that gave them a proxy
    for ``session``."""
    if user is None or user.role != Role.MEMBER or user.organisation_id is None:
        return set()
    ids = {user.organisation_id}
    if session is not None:
        for proxy in db.session.scalars(select(Proxy).where(
                Proxy.session_id == session.id, Proxy.receiver_id == user.id)):
            if proxy.giver.organisation_id:
                ids.add(proxy.giver.organisation_id)
    return ids


def may_view_session(user: User | None, session: CommitteeSession) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.ANIMATOR:
        return True
    invited = {o.id for o in session.organisations}
    return bool(member_organisation_ids(user, session) & invited)

"""Which organisations a member speaks for in a session, and who may open a session."""

from __future__ import annotations

from sqlalchemy import and_, false, select

from murporteur.accounts.models import Role, User
from murporteur.committee.models import CommitteeSession, Proxy, session_invitation
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


def visible_session_ids(user: User):
    """The ids of the sessions ``user`` may open, as a subquery (see ``may_view_session``):
    all for animators; for a member, those their organisation is invited to and those another
    invited organisation's member gave them a proxy for."""
    if user.role == Role.ANIMATOR:
        return select(CommitteeSession.id)
    if user.role != Role.MEMBER or user.organisation_id is None:
        return select(CommitteeSession.id).where(false())
    invited = select(session_invitation.c.session_id).where(
        session_invitation.c.organisation_id == user.organisation_id)
    giver = db.aliased(User)
    proxied = (select(Proxy.session_id).join(giver, giver.id == Proxy.giver_id)
               .join(session_invitation, and_(
                   session_invitation.c.session_id == Proxy.session_id,
                   session_invitation.c.organisation_id == giver.organisation_id))
               .where(Proxy.receiver_id == user.id))
    return invited.union(proxied)

"""What the committee adds to the other domains' rules and pages, through their hooks: a
member sees the dossiers on an agenda they may open (the submissions' dossier policy), and
the animators' dashboard filters by the organisations that showed interest in committee.

The lower domains declare the hooks and never import the committee; the receivers live here,
connected when the committee package is imported (at app start).
"""

from __future__ import annotations

from sqlalchemy import exists, select

from murporteur.accounts.models import Role, User
from murporteur.committee.membership import may_view_session, visible_session_ids
from murporteur.committee.models import AgendaItem, CommitteeSession, Position, Stance
from murporteur.committee.services import committee_organisations
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.submissions.policies import dossier_access_asked, dossier_access_listed
from murporteur.triage.dashboard import interest_choices, interest_condition


def _member(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role == Role.MEMBER


@dossier_access_asked.connect
def dossier_on_member_agenda(user: User, *, dossier: Dossier) -> bool:
    """A member sees a dossier only when it is on the agenda of a session they may open
    (their organisation is invited, or they hold a proxy for it), and keeps seeing it for
    that session's record."""
    if not _member(user):
        return False
    sessions = db.session.scalars(select(CommitteeSession).join(AgendaItem).where(
        AgendaItem.dossier_id == dossier.id))
    return any(may_view_session(user, session) for session in sessions)


@dossier_access_listed.connect
def dossiers_on_member_agendas(user: User):
    """``dossier_on_member_agenda`` as a condition on ``Dossier``."""
    if not _member(user):
        return None
    return Dossier.id.in_(select(AgendaItem.dossier_id).where(
        AgendaItem.session_id.in_(visible_session_ids(user))))


@interest_condition.connect
def interested_in_committee(organisation_id: int):
    """The dossiers ``organisation_id`` supported, or wanted to meet, in committee."""
    return exists().where(
        AgendaItem.dossier_id == Dossier.id, Position.item_id == AgendaItem.id,
        Position.organisation_id == organisation_id,
        Position.stance.in_((Stance.SUPPORTS, Stance.WANTS_TO_MEET)))


@interest_choices.connect
def organisations_for_interest(_sender=None):
    """The organisations the dashboard's « interested in committee » filter offers."""
    return committee_organisations()

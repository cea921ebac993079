"""Who may do what in the committee: the one place for its access rules.

- the committee's work (sessions, agenda, decisions, attendance, the live grid): the animators
  (``may_run_committee``);
- a session and its agenda items: the animators, and the members of an invited organisation or
  holding a proxy from one (``may_view_session``, ``may_view_item``; as a query:
  ``visible_sessions``);
- the other organisations' positions on an item: the animators always, the members once the
  session is held, or earlier when the animators opened them (``may_view_positions``);
- a position for an organisation: a member of it, or a member it gave a proxy to for the
  session, among the invited organisations (``speaking_organisation_ids``,
  ``may_record_position``);
- a proxy: an invited member gives it (``may_give_proxy``).

Who speaks for which organisation is computed in ``membership`` (the dossiers' visibility
asks it too); the rules here name it. Templates ask ``can("view_positions", session)`` …
"""

from __future__ import annotations

from sqlalchemy import Select, false, select

from murporteur.accounts.models import Role, User
from murporteur.committee.membership import (
    may_view_session,
    member_organisation_ids,
    visible_session_ids,
)
from murporteur.committee.models import AgendaItem, CommitteeSession
from murporteur.committee.workflow import HELD_STATES
from murporteur.core.policy import permission

__all__ = ["may_give_proxy", "may_record_position", "may_run_committee", "may_view_item",
           "may_view_positions", "may_view_session", "speaking_organisation_ids",
           "visible_sessions"]


def may_run_committee(user: User | None, _obj=None) -> bool:
    """The animators prepare, hold and record the sessions."""
    return user is not None and user.is_authenticated and user.role == Role.ANIMATOR


# Registered apart, so that the function keeps its optional object for Python callers.
permission("run_committee")(may_run_committee)


# ``may_view_session`` is written in ``membership`` (next to its query, which the dossiers'
# visibility uses too); it is this domain's rule for opening a session.
permission("view_session")(may_view_session)


def visible_sessions(user: User | None) -> Select:
    """The sessions ``user`` may open, as a query: the SQL twin of ``may_view_session``."""
    if user is None or not user.is_authenticated:
        return select(CommitteeSession).where(false())
    return select(CommitteeSession).where(CommitteeSession.id.in_(visible_session_ids(user)))


@permission("view_item")
def may_view_item(user: User | None, item: AgendaItem) -> bool:
    """An agenda item is seen by whoever may open its session."""
    return may_view_session(user, item.session)


@permission("view_positions")
def may_view_positions(user: User | None, session: CommitteeSession) -> bool:
    """Whether ``user`` sees the other organisations' positions in ``session``: the
    animators always; the others once it is held, or earlier if the animators said so."""
    if user is None or not user.is_authenticated:
        return False
    if may_run_committee(user):
        return True
    return session.state in HELD_STATES or session.positions_open_early


def speaking_organisation_ids(user: User | None, session: CommitteeSession) -> set[int]:
    """The invited organisations ``user`` gives the position of in ``session``: their own,
    and those that gave them a proxy."""
    if user is None:
        return set()
    return member_organisation_ids(user, session) & {o.id for o in session.organisations}


def may_record_position(user: User | None, item: AgendaItem,
                        organisation_id: int | None = None) -> bool:
    """Whether ``user`` may give a position on ``item`` (for ``organisation_id``, by default
    their own organisation's)."""
    if user is None or not user.is_authenticated:
        return False
    return (organisation_id or user.organisation_id) in speaking_organisation_ids(
        user, item.session)


permission("record_position")(may_record_position)


@permission("give_proxy")
def may_give_proxy(user: User | None, session: CommitteeSession) -> bool:
    """A member who may open the session may let another organisation's member speak for
    theirs."""
    return (user is not None and user.is_authenticated and user.role == Role.MEMBER
            and may_view_session(user, session))

"""Who may do what with a call or a need: the one place for its access rules.

- read a published call or need (its page, the list, the API): anyone;
- read one not yet published: the animators, and the members of the organisation it was
  written for (``may_view_call``; as a query: ``visible_calls``);
- write one: the animators (for anyone), a member (for their own organisation, and only while
  it is a draft: publishing is the animators' approval, see ``workflow``);
- its answers (comparison, exports, agenda, reporting): the animators; a dossier's own answers
  on the holder's dossier page: its holder (``may_view_own_answers``; their files are
  downloaded through ``submissions.policies.may_view_document``).

Templates ask ``can("write_call")``, ``can("edit_call", call)``, ``can("compare_answers",
call)``.
"""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from murporteur.accounts.models import Role, User
from murporteur.calls.models import Call
from murporteur.calls.workflow import CallState
from murporteur.core.policy import permission


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def _animator(user) -> bool:
    return _signed_in(user) and user.role == Role.ANIMATOR


def _of_organisation(user, call: Call) -> bool:
    return (_signed_in(user) and user.role == Role.MEMBER and call.organisation_id is not None
            and user.organisation_id == call.organisation_id)


@permission("view_call")
def may_view_call(user: User | None, call: Call) -> bool:
    if call.state == CallState.PUBLISHED:
        return True
    return _animator(user) or _of_organisation(user, call)


def visible_calls(user: User | None) -> Select:
    """The calls ``user`` may open in the writers' list (published or not)."""
    query = select(Call)
    if user is None or not user.is_authenticated:
        return query.where(false())
    if user.role == Role.ANIMATOR:
        return query
    if user.role == Role.MEMBER and user.organisation_id is not None:
        return query.where(or_(Call.organisation_id == user.organisation_id,
                               Call.state == CallState.PUBLISHED))
    return query.where(false())


def may_write_call(user: User | None, _call: Call | None = None) -> bool:
    """The animators, and a member who belongs to an organisation."""
    if user is None or not user.is_authenticated:
        return False
    return user.role == Role.ANIMATOR or (user.role == Role.MEMBER
                                          and user.organisation_id is not None)


def may_edit_call(user: User | None, call: Call) -> bool:
    """The animators, always; the member's organisation while it is a draft."""
    return _animator(user) or (_of_organisation(user, call) and call.state == CallState.DRAFT)


def may_compare_answers(user: User | None, _call: Call | None = None) -> bool:
    return _animator(user)


@permission("view_own_answers")
def may_view_own_answers(user: User | None, dossier) -> bool:
    """The answers a dossier gave to its call, on the holder's own page: its holder."""
    return user is not None and user.is_authenticated and user.id == dossier.holder_id


permission("write_call")(may_write_call)
permission("edit_call")(may_edit_call)
permission("compare_answers")(may_compare_answers)

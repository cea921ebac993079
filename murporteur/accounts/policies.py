"""What each kind of account may do on the platform, by name, for the pages and the menus.

Roles are compared here (and in the domains' own policies), never in a template: the menu
asks ``can("animate")``, the holder's pages ``can("hold_dossiers")``.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from murporteur.accounts.models import Role, User
from murporteur.core.policy import permission


def signed_in(user: User | None) -> TypeGuard[User]:
    """Someone is logged in (every other rule starts there)."""
    return user is not None and user.is_authenticated


def _is(user: User | None, *roles: Role) -> TypeGuard[User]:
    return signed_in(user) and user.role in roles


@permission("animate")
def may_animate(user: User | None, _obj: Any = None) -> bool:
    """The animators' pages: dossiers, committees, conventions, reports, structures."""
    return _is(user, Role.ANIMATOR)


@permission("administer")
def may_administer(user: User | None, _obj: Any = None) -> bool:
    """The platform's pages: messages sent, the notifications' catalogue."""
    return _is(user, Role.ADMIN)


@permission("sit_on_committee")
def may_sit_on_committee(user: User | None, _obj: Any = None) -> bool:
    """The committee members' pages: their sessions and their organisation's conventions."""
    return _is(user, Role.MEMBER)


@permission("hold_dossiers")
def may_hold_dossiers(user: User | None, _obj: Any = None) -> bool:
    """A holder's account: their dossiers and their personal data (download, erasure)."""
    return _is(user, Role.HOLDER)


@permission("use_second_factor")
def may_use_second_factor(user: User | None, _obj: Any = None) -> bool:
    """Staff and committee accounts may protect their login with a second factor; holders
    log in with links sent to their mailbox."""
    return signed_in(user) and user.role != Role.HOLDER


@permission("use_api")
def may_use_api(user: User | None, _obj: Any = None) -> bool:
    """Who may hold personal API tokens: animators and committee members (holders follow
    their dossier on the site, admins run the platform)."""
    return _is(user, Role.ANIMATOR, Role.MEMBER) and user.active


# --- The collective's organisations and people (issue 15) ---------------------------------

@permission("manage_organisations")
def may_manage_organisations(user: User | None, _obj: Any = None) -> bool:
    """Create, edit, archive organisations; import a spreadsheet: admins."""
    return _is(user, Role.ADMIN)


@permission("view_organisations")
def may_view_organisations(user: User | None, _obj: Any = None) -> bool:
    """An organisation's page (its people, its authorised signatory): admins, and the
    animators, who designate signatories; editing it stays the admins'."""
    return _is(user, Role.ADMIN, Role.ANIMATOR)


@permission("designate_signatory")
def may_designate_signatory(user: User | None, _organisation: Any = None) -> bool:
    """Designate (or withdraw) who signs an organisation's conventions: admins and animators
    (the collective has no organisation managers of its own)."""
    return _is(user, Role.ADMIN, Role.ANIMATOR)


@permission("manage_people")
def may_manage_people(user: User | None, _obj: Any = None) -> bool:
    """The people's pages: admins (everyone but holders) and animators (the members)."""
    return _is(user, Role.ADMIN, Role.ANIMATOR)


def invitable_roles(user: User | None) -> tuple[Role, ...]:
    """Whom ``user`` may invite: admins anyone on the staff or committee side, animators the
    members of existing organisations."""
    if _is(user, Role.ADMIN):
        return (Role.ANIMATOR, Role.MEMBER, Role.ADMIN)
    if _is(user, Role.ANIMATOR):
        return (Role.MEMBER,)
    return ()


@permission("manage_person")
def may_manage_person(user: User | None, person: Any = None) -> bool:
    """Resend or revoke an invitation, deactivate, reactivate, move: the roles ``user`` may
    invite (never a holder: holders log in by links)."""
    return (isinstance(person, User) and person.role != Role.HOLDER
            and person.role in invitable_roles(user))


def manageable_people(user: User | None):
    """The SQL twin of ``may_manage_person``."""
    from sqlalchemy import false, select

    roles = invitable_roles(user)
    query = select(User)
    return query.where(User.role.in_(roles)) if roles else query.where(false())

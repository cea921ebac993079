"""Who may see a dossier and its documents: the one rule for pages, downloads, the API and
exports, with its SQL twin.

A dossier is seen by its holder, by the animators once it is sent, and by whoever a later
stage lets in: the committee answers ``dossier_access_asked`` (one dossier) and
``dossier_access_listed`` (the same rule as a condition on ``Dossier``) for the members who
may open an agenda the dossier is on. The submissions do not know the committee: it registers
its receivers (``committee/dossier_access.py``).

Who may see a document:

Every document has a kind (``DocumentKind``) and an owner (its dossier, its message, its
convention and that convention's organisation). ``may_view_document`` decides for one
document, ``visible_documents`` is the same rule as a query; tests/documents hold both
together. By kind:

- ``holder``: the holder's files, seen by whoever may see the dossier (its holder, the
  animators once it is sent, the members while it is on an agenda they may open);
- ``message``: a file of the thread, seen by those who read the thread: the holder and the
  animators;
- ``convention``: a convention's file (its signed copy), seen by the holder, the animators and
  the members of the convention's organisation — never by another organisation's members,
  although they may see the dossier;
- ``staff``: the animators only.

A file not attached yet (staged) is seen by the browser session that uploaded it. A removed
file is seen by no one. Anything else answers as if the document did not exist.
"""

from __future__ import annotations

from blinker import Namespace
from sqlalchemy import ColumnElement, Select, and_, false, or_, select

from murporteur.accounts.models import Role, User
from murporteur.accounts.policies import signed_in
from murporteur.core.policy import permission
from murporteur.submissions.models import Document, DocumentKind, Dossier
from murporteur.submissions.workflow import UNDECIDED, DossierState

_hooks = Namespace()

dossier_access_asked = _hooks.signal("dossier-access-asked", doc="""
May this user see this dossier, besides its holder and the animators? Sender: the ``User``;
keyword argument ``dossier``. A receiver returns True to let them in (any True is enough).
""")

dossier_access_listed = _hooks.signal("dossier-access-listed", doc="""
The SQL twin of ``dossier_access_asked``. Sender: the ``User``. A receiver returns a
condition on ``Dossier`` (the dossiers it lets the user see), or None.
""")


# --- Dossiers ------------------------------------------------------------------------------

@permission("view_dossier")
def may_view_dossier(user: User | None, dossier: Dossier) -> bool:
    """The holder sees their dossier; animators see every submitted one; a later stage may
    let others in (a committee member sees the dossiers on an agenda they may open)."""
    if not signed_in(user):
        return False
    if user.id == dossier.holder_id:
        return True
    if user.role == Role.ANIMATOR:
        return not dossier.is_draft
    return any(granted for _receiver, granted in
               dossier_access_asked.send(user, dossier=dossier))


def _extended_dossiers(user: User) -> list[ColumnElement]:
    return [condition for _receiver, condition in dossier_access_listed.send(user)
            if condition is not None]


def dossier_visibility(user: User | None) -> ColumnElement:
    """``may_view_dossier`` as a condition on ``Dossier``, to filter any query."""
    if not signed_in(user):
        return false()
    staff: ColumnElement[bool] = (Dossier.state != DossierState.DRAFT
                                  if user.role == Role.ANIMATOR else false())
    return or_(Dossier.holder_id == user.id, staff, *_extended_dossiers(user))


def visible_dossiers(user: User | None) -> Select:
    """The dossiers ``user`` may see, as a query (the SQL twin of ``may_view_dossier``)."""
    return select(Dossier).where(dossier_visibility(user))


@permission("withdraw_dossier")
def may_withdraw_dossier(user: User | None, dossier: Dossier) -> bool:
    """The holder withdraws their dossier until a decision is taken."""
    return signed_in(user) and user.id == dossier.holder_id and dossier.state in UNDECIDED


@permission("see_holder_contact")
def may_see_holder_contact(user: User | None, dossier: Dossier) -> bool:
    """The holder's e-mail and phone are for the holder and the animators, not the committee
    (who may see the rest of the dossier)."""
    return signed_in(user) and (user.id == dossier.holder_id or user.role == Role.ANIMATOR)


# --- Documents -----------------------------------------------------------------------------


def may_view_document(user: User | None, document: Document, *, staging_key: str | None = None,
                      dossier_visible: bool | None = None) -> bool:
    """Whether ``user`` may see ``document`` (list it, download it, export it).

    ``staging_key`` is the uploading browser's key, for files not attached yet;
    ``dossier_visible`` spares the dossier's check when the caller has just made it
    (``documents_for`` lists a whole dossier)."""
    if document.removed:
        return False
    dossier = document.dossier
    if dossier is None:
        return document.staging_key is not None and document.staging_key == staging_key
    if not signed_in(user):
        return False
    if user.id == dossier.holder_id:
        return document.kind != DocumentKind.STAFF
    if user.role == Role.ANIMATOR:
        return not dossier.is_draft
    if user.role != Role.MEMBER:
        return False
    if document.kind == DocumentKind.CONVENTION:
        return user.organisation_id is not None and \
            user.organisation_id == document.organisation_id
    if document.kind == DocumentKind.HOLDER:
        if dossier_visible is None:
            dossier_visible = may_view_dossier(user, dossier)
        return dossier_visible
    return False


def documents_for(user: User | None, dossier: Dossier) -> list[Document]:
    """The files of ``dossier`` a page shows ``user`` under « Documents »: those they may
    see, but the thread's (shown with their message), oldest first."""
    visible = may_view_dossier(user, dossier)
    return [d for d in dossier.documents if d.kind != DocumentKind.MESSAGE
            and may_view_document(user, d, dossier_visible=visible)]


def _extended_dossier_ids(user: User) -> Select:
    """The dossiers a later stage lets ``user`` see (``dossier_access_listed``), as ids."""
    extended = _extended_dossiers(user)
    return select(Dossier.id).where(or_(*extended) if extended else false())


def visibility_clause(user: User | None, *, staging_key: str | None = None) -> ColumnElement:
    """``may_view_document`` as a condition on ``Document``, to filter any query."""
    staged = (and_(Document.dossier_id.is_(None), Document.staging_key == staging_key)
              if staging_key else false())
    if not signed_in(user):
        return and_(Document.removed.is_(False), staged)
    own = and_(Document.dossier_id.in_(select(Dossier.id).where(Dossier.holder_id == user.id)),
               Document.kind != DocumentKind.STAFF)
    by_role: ColumnElement[bool]
    if user.role == Role.ANIMATOR:
        by_role = Document.dossier_id.in_(select(Dossier.id).where(
            Dossier.state != DossierState.DRAFT))
    elif user.role == Role.MEMBER:
        by_role = or_(
            and_(Document.kind == DocumentKind.CONVENTION,
                 Document.organisation_id == user.organisation_id)
            if user.organisation_id is not None else false(),
            and_(Document.kind == DocumentKind.HOLDER,
                 Document.dossier_id.in_(_extended_dossier_ids(user))))
    else:
        by_role = false()
    return and_(Document.removed.is_(False), or_(staged, own, by_role))


def visible_documents(user: User | None, *, staging_key: str | None = None) -> Select:
    """The documents ``user`` may see, as a query (the SQL twin of ``may_view_document``)."""
    return select(Document).where(visibility_clause(user, staging_key=staging_key))


def documents_of_dossiers(user: User | None, dossier_ids) -> Select:
    """``documents_for`` as a query, for many dossiers at once (the API's pages)."""
    return visible_documents(user).where(
        Document.dossier_id.in_(dossier_ids), Document.kind != DocumentKind.MESSAGE
    ).order_by(Document.created_at, Document.id)

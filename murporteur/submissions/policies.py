"""Who may see a document: the one rule for pages, downloads, the API and exports.

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

from sqlalchemy import ColumnElement, Select, and_, false, or_, select

from murporteur.accounts.models import Role, User
from murporteur.submissions.models import Document, DocumentKind, Dossier


def _signed_in(user: User | None) -> bool:
    return user is not None and user.is_authenticated


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
    if not _signed_in(user):
        return False
    if user.id == dossier.holder_id:
        return document.kind != DocumentKind.STAFF
    if user.role == Role.ANIMATOR:
        return dossier.state != "draft"
    if user.role != Role.MEMBER:
        return False
    if document.kind == DocumentKind.CONVENTION:
        return user.organisation_id is not None and \
            user.organisation_id == document.organisation_id
    if document.kind == DocumentKind.HOLDER:
        if dossier_visible is None:
            from murporteur.submissions.services import can_view_dossier

            dossier_visible = can_view_dossier(user, dossier)
        return dossier_visible
    return False


def documents_for(user: User | None, dossier: Dossier) -> list[Document]:
    """The files of ``dossier`` a page shows ``user`` under « Documents »: those they may
    see, but the thread's (shown with their message), oldest first."""
    from murporteur.submissions.services import can_view_dossier

    visible = can_view_dossier(user, dossier)
    return [d for d in dossier.documents if d.kind != DocumentKind.MESSAGE
            and may_view_document(user, d, dossier_visible=visible)]


def _member_agenda_dossiers(user: User):
    """The dossiers on an agenda ``user`` may open (``dossier_on_member_agenda``), as ids."""
    # The committee is a later stage than the submissions: imported when asked, as
    # ``can_view_dossier`` does.
    from murporteur.committee.membership import visible_session_ids
    from murporteur.committee.models import AgendaItem

    return select(AgendaItem.dossier_id).where(
        AgendaItem.session_id.in_(visible_session_ids(user)))


def visibility_clause(user: User | None, *, staging_key: str | None = None) -> ColumnElement:
    """``may_view_document`` as a condition on ``Document``, to filter any query."""
    staged = (and_(Document.dossier_id.is_(None), Document.staging_key == staging_key)
              if staging_key else false())
    if not _signed_in(user):
        return and_(Document.removed.is_(False), staged)
    own = and_(Document.dossier_id.in_(select(Dossier.id).where(Dossier.holder_id == user.id)),
               Document.kind != DocumentKind.STAFF)
    if user.role == Role.ANIMATOR:
        by_role = Document.dossier_id.in_(select(Dossier.id).where(Dossier.state != "draft"))
    elif user.role == Role.MEMBER:
        by_role = or_(
            and_(Document.kind == DocumentKind.CONVENTION,
                 Document.organisation_id == user.organisation_id)
            if user.organisation_id is not None else false(),
            and_(Document.kind == DocumentKind.HOLDER,
                 Document.dossier_id.in_(_member_agenda_dossiers(user))))
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

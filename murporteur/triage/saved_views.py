"""An animator's saved dashboard views: a name for a tab, its filters, its sort and its
columns (the table's and its exports'), found again in one click."""

from __future__ import annotations

from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from murporteur.accounts.models import User
from murporteur.core.errors import DomainError
from murporteur.core.text import french_order
from murporteur.extensions import db
from murporteur.triage import columns as table_columns
from murporteur.triage import dashboard
from murporteur.triage.models import SavedView

MAX_VIEWS = 30
NAME_LENGTH = 80


def views_of(user: User) -> list[SavedView]:
    return list(db.session.scalars(select(SavedView).where(SavedView.user_id == user.id)
                                   .order_by(french_order(SavedView.name), SavedView.id)))


def save_view(user: User, name: str, args, columns: list[str]) -> SavedView:
    """Keep the dashboard's current view under ``name`` (the same name: replaced). Only what
    the dashboard understands is kept (read again through ``Filters``)."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_l("Donnez un nom à cette vue."), field="name")
    if len(name) > NAME_LENGTH:
        raise DomainError(_l("Ce nom est trop long : %(max)d caractères au plus.",
                             max=NAME_LENGTH), field="name")
    query = urlencode(dashboard.Filters.from_args(args).to_args(page=1), doseq=True)
    kept = [c for c in columns if c in table_columns.ORDER]
    view = db.session.scalar(select(SavedView).where(SavedView.user_id == user.id,
                                                     SavedView.name == name))
    if view is None:
        if len(views_of(user)) >= MAX_VIEWS:
            raise DomainError(_l("Vous avez déjà %(n)s vues : supprimez-en une d'abord.",
                                 n=MAX_VIEWS), field="name")
        view = SavedView(user_id=user.id, name=name)
        db.session.add(view)
    view.query, view.columns = query, kept
    db.session.flush()
    return view


def delete_view(user: User, view_id: int | None) -> None:
    view = db.session.get(SavedView, view_id) if view_id else None
    if view is None or view.user_id != user.id:
        raise DomainError(_l("Cette vue n'existe plus."))
    db.session.delete(view)
    db.session.flush()


def view_args(view: SavedView) -> str:
    """The dashboard's query string for ``view``, with its columns."""
    columns = urlencode([("column", c) for c in view.columns])
    return "&".join(part for part in (view.query, columns) if part)

"""The read-only API's rules: personal tokens, what each user may list, and pages (limit,
cursor, filters; the query parameters are read by the schemas of ``api/queries.py``).

The scopes below are the per-object rules of the other domains (``may_view_dossier``,
``may_view_session``, ``may_view_convention``) written as queries, so that lists are paginated
in the database; tests/api/test_scoping.py checks that both always agree.
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from murporteur.accounts.models import ApiToken, Role, User
from murporteur.accounts.services import _digest  # as for e-mailed links: one way to hash
from murporteur.committee.policies import visible_sessions
from murporteur.conventions.models import Convention, Payment
from murporteur.conventions.policies import visible_conventions
from murporteur.core import params
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.extensions import db
from murporteur.premises.models import PremisesUnit
from murporteur.premises.policies import editable_units, public_units
from murporteur.submissions.models import Document, Dossier
from murporteur.submissions.policies import (
    documents_of_dossiers,
    may_view_document,
    visible_dossiers,
)
from murporteur.submissions.services import find_document as find_any_document

log = logging.getLogger(__name__)

TOKEN_PREFIX = "mp_"
#: Who may hold a token: holders follow their dossier on the site, admins run the platform.
TOKEN_ROLES = frozenset({Role.ANIMATOR, Role.MEMBER})
TOKEN_NAME_MAX = 100

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


# --- Personal tokens -----------------------------------------------------------------------

class TokenRefused(DomainError):
    """A token may not be created (wrong role, missing name)."""


def may_hold_token(user: User | None) -> bool:
    return user is not None and user.active and user.role in TOKEN_ROLES


def create_token(user: User, name: str, *, now: datetime | None = None
                 ) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row (its digest only) and the token itself, which is
    shown once and never again."""
    if not may_hold_token(user):
        raise TokenRefused(_l("Les jetons d'accès à l'API sont réservés à l'équipe "
                              "d'animation et aux membres du comité."))
    name = (name or "").strip()
    if not name:
        raise TokenRefused(_l("Donnez un nom au jeton, par exemple l'outil qui l'utilisera."))
    if len(name) > TOKEN_NAME_MAX:
        raise TokenRefused(_l("Le nom du jeton compte au plus %(n)s caractères.",
                              n=TOKEN_NAME_MAX))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, digest=_digest(plain), created_at=now or utcnow())
    db.session.add(token)
    db.session.flush()
    log.info("api token %s created by %s", token.id, user.id)
    return token, plain


def revoke_token(token: ApiToken, user: User, *, now: datetime | None = None) -> None:
    """Stop ``token`` for good; only its owner revokes it, and twice is harmless."""
    if token.user_id != user.id:
        raise AccessDenied(_l("Ce jeton ne vous appartient pas."))
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        db.session.flush()
        log.info("api token %s revoked by %s", token.id, user.id)


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def user_for_token(plain: str | None, *, now: datetime | None = None) -> User | None:
    """The user a token speaks for, or None when it is unknown, revoked, or its user may no
    longer hold one (deactivated, or now a holder or an admin). Notes when it was used."""
    if not plain or not plain.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.digest == _digest(plain)))
    if token is None or token.revoked_at is not None or not may_hold_token(token.user):
        return None
    token.last_used_at = now or utcnow()
    db.session.flush()
    return token.user


# --- List parameters -----------------------------------------------------------------------

class InvalidParameter(DomainError):
    """A query parameter is unknown or malformed; the message (in English, for the developers
    who call the API) names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class ListParams:
    limit: int = DEFAULT_LIMIT
    after_id: int | None = None
    state: str | None = None
    updated_since: datetime | None = None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    last_id = params.integer(text, low=0)  # an id, or 0: from the start
    if last_id is None:
        raise InvalidParameter("cursor", "cursor is not one this API gave")
    return last_id


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def paginate(query: Select, id_column, params: ListParams) -> Page:
    """One page of ``query`` in the order of ``id_column``, after the cursor's id."""
    if params.after_id is not None:
        query = query.where(id_column > params.after_id)
    rows = list(db.session.scalars(query.order_by(id_column).limit(params.limit + 1)))
    more = len(rows) > params.limit
    rows = rows[:params.limit]
    return Page(rows, encode_cursor(rows[-1].id) if more else None)


# --- What a user may list ------------------------------------------------------------------

def dossiers_query(user: User) -> Select:
    """The dossiers ``user`` may see: the submissions' policy as a query
    (``policies.visible_dossiers``, the twin of ``may_view_dossier``)."""
    return visible_dossiers(user)


def sessions_query(user: User) -> Select:
    """The sessions ``user`` may open (the committee's ``visible_sessions``)."""
    return visible_sessions(user)


def conventions_query(user: User) -> Select:
    """The conventions ``user`` may see (the conventions' ``visible_conventions``)."""
    return visible_conventions(user)


def payments_query(user: User) -> Select:
    """The payments of the conventions ``user`` may see."""
    conventions = conventions_query(user).with_only_columns(Convention.id)
    return select(Payment).where(Payment.convention_id.in_(conventions))


def apply_filters(query: Select, model, params: ListParams) -> Select:
    if params.state is not None:
        query = query.where(model.state == params.state)
    if params.updated_since is not None:
        query = query.where(model.updated_at >= params.updated_since)
    return query


def premises_query(user: User | None) -> Select:
    """The units the API lists: the public available ones to anyone; with a token, also
    every unit of the user's organisation (every unit for an animator)."""
    if user is None:
        return public_units()
    public = public_units().with_only_columns(PremisesUnit.id)
    mine = editable_units(user).with_only_columns(PremisesUnit.id)
    return select(PremisesUnit).where(or_(PremisesUnit.id.in_(public),
                                          PremisesUnit.id.in_(mine)))


def find_dossier(user: User, number: str) -> Dossier | None:
    """The dossier numbered ``number`` if ``user`` may see it (None also when it exists but
    is hidden: its existence is not revealed)."""
    return db.session.scalar(dossiers_query(user).where(Dossier.number == number))



def documents_by_dossier(user: User, dossier_ids: list[int]) -> dict[int, list[Document]]:
    """The documents ``user`` may see of each dossier of a page (``documents_for``), in one
    query."""
    found: dict[int, list[Document]] = {}
    if dossier_ids:
        for document in db.session.scalars(documents_of_dossiers(user, dossier_ids)):
            found.setdefault(document.dossier_id, []).append(document)
    return found


def find_document(user: User, public_id: str) -> Document | None:
    """The document ``public_id`` if ``user`` may see it (None also when it exists but is
    hidden)."""
    document = find_any_document(public_id)
    return document if document is not None and may_view_document(user, document) else None

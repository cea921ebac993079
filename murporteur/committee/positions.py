"""Organisations' positions on agenda items: recorded with optimistic locking and history,
shown to other members by the visibility rule, summed in the live grid; proxies."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from murporteur.accounts.models import Organisation, Role, User
from murporteur.audit import services as audit
from murporteur.committee.models import (
    AgendaItem,
    CommitteeSession,
    Position,
    PositionChange,
    Proxy,
    Stance,
)
from murporteur.committee.policies import may_give_proxy, may_record_position, may_view_positions
from murporteur.committee.workflow import OPEN_STATES, UPCOMING_STATES
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.extensions import db
from murporteur.premises import services as premises
from murporteur.premises.models import PremisesUnit
from murporteur.submissions.choices import SupportKind


class PositionConflict(DomainError):
    """Someone of the same organisation saved the position meanwhile; ``current`` is theirs."""

    status = 409  # the page comes back with the saved version beside what was typed

    def __init__(self, current: Position) -> None:
        super().__init__(_l(
            "%(name)s a modifié la position de votre organisation pendant que vous la "
            "saisissiez. Voici la version enregistrée ; vérifiez-la puis enregistrez de "
            "nouveau si besoin.",
            name=current.updated_by.display_name if current.updated_by else "?"))
        self.current = current


def positions_open(item: AgendaItem) -> bool:
    """Positions may still be given on ``item`` (until its decision is published)."""
    return item.session.state in OPEN_STATES and item.decision_published_at is None


def proxy_open(session: CommitteeSession) -> bool:
    """A proxy may still be given (until the session is held)."""
    return session.state in UPCOMING_STATES


def proxies_for(session: CommitteeSession, user: User) -> tuple[Proxy | None, list[Proxy]]:
    """The proxy ``user`` gave for ``session``, and those they received."""
    given = db.session.scalar(select(Proxy).where(Proxy.session_id == session.id,
                                                  Proxy.giver_id == user.id))
    received = list(db.session.scalars(select(Proxy).where(
        Proxy.session_id == session.id, Proxy.receiver_id == user.id).order_by(Proxy.id)))
    return given, received


def speaking_organisation(user: User, item: AgendaItem, organisation_id: int | None = None
                          ) -> Organisation:
    """The organisation ``user`` records a position for on ``item`` (their own, or one that
    gave them a proxy for this session)."""
    organisation_id = organisation_id or user.organisation_id
    if not may_record_position(user, item, organisation_id):
        raise AccessDenied(_l("Vous ne pouvez pas donner la position de cette organisation."))
    return db.session.get_one(Organisation, organisation_id)


def position_of(item: AgendaItem, organisation: Organisation) -> Position | None:
    return db.session.scalar(select(Position).where(
        Position.item_id == item.id, Position.organisation_id == organisation.id))


def record_position(item: AgendaItem, member: User, *, stance: Stance, offer_kinds: list[str],
                    amount_cents: int | None, comment: str, expected_version: int | None,
                    organisation_id: int | None = None,
                    premises_unit_id: int | None = None) -> Position:
    """Save an organisation's position and offer on an item; every version is kept.

    ``expected_version`` is the version the member started from (None: there was none). If
    another member of the organisation saved since, ``PositionConflict`` says so.
    """
    organisation = speaking_organisation(member, item, organisation_id)
    if not positions_open(item):
        raise DomainError(_l("Les positions sur ce dossier sont closes."))
    kinds = [k for k in dict.fromkeys(offer_kinds or []) if k in SupportKind.__members__.values()]
    if len(kinds) != len(set(offer_kinds or [])):
        raise DomainError(_l("Choisissez parmi les soutiens proposés."))
    if amount_cents is not None and amount_cents < 0:
        raise DomainError(_l("Le montant ne peut pas être négatif."))
    unit = _offered_unit(premises_unit_id, organisation, kinds)

    def fill(position: Position) -> None:
        position.stance = Stance(stance)
        position.offer_kinds = kinds
        position.amount_cents = amount_cents
        position.premises_unit_id = unit.id if unit is not None else None
        position.comment = (comment or "").strip()
        position.updated_by = member
        position.updated_at = utcnow()

    position = position_of(item, organisation)
    offered_before = position.premises_unit_id if position is not None else None
    if position is None:
        if expected_version is not None:
            raise DomainError(_l("Cette position a été retirée entre-temps."))
        position = _insert_first_position(item, organisation, fill)
    elif position.version != expected_version:
        raise PositionConflict(position)
    else:
        fill(position)
        try:
            db.session.flush()  # the version check happens here (UPDATE … WHERE version = n)
        except StaleDataError:
            db.session.rollback()
            current = position_of(item, organisation)
            if current is None:
                raise DomainError(_l("Cette position a été retirée entre-temps.")) from None
            raise PositionConflict(current) from None
    if unit is not None:
        premises.offer_unit(unit, organisation.id, member)  # under discussion from now
    if offered_before is not None and offered_before != position.premises_unit_id:
        premises.drop_offer(offered_before, member)
    db.session.add(PositionChange(position_id=position.id, stance=position.stance,
                                  offer_kinds=kinds, amount_cents=amount_cents,
                                  comment=position.comment, changed_by_id=member.id))
    db.session.flush()
    audit.record(member, "position.record", position, {
        "item_id": item.id, "dossier_id": item.dossier_id, "organisation_id": organisation.id,
        "version": position.version, "stance": position.stance, "offer_kinds": kinds,
        "amount_cents": amount_cents, "comment_sha256": audit.text_digest(position.comment)})
    return position


def _offered_unit(unit_id: int | None, organisation: Organisation, kinds: list[str]
                  ) -> PremisesUnit | None:
    """The catalogue's unit a position offers: the organisation's own, still offerable, and
    only with premises among the kinds of support."""
    if unit_id is None:
        return None
    unit = db.session.get(PremisesUnit, unit_id)
    if unit is None:
        raise DomainError(_l("Choisissez un des locaux proposés."), field="premises_unit")
    if SupportKind.PREMISES not in kinds:
        raise DomainError(_l("Cochez « local » parmi les soutiens pour proposer ce local."),
                          field="premises_unit")
    premises.ensure_offerable(unit, organisation.id)
    return unit


def _insert_first_position(item: AgendaItem, organisation: Organisation, fill) -> Position:
    """The organisation's first position on ``item``. Two members saving it at the same moment
    both found none; the unique index lets one in, and the other gets the conflict an update
    would (in a savepoint, so that the transaction stays usable to read the winner's)."""
    try:
        with db.session.begin_nested():
            position = Position(item_id=item.id, organisation_id=organisation.id)
            fill(position)
            db.session.add(position)
            db.session.flush()
    except IntegrityError:
        current = position_of(item, organisation)
        if current is None:
            raise  # another constraint than the one position per organisation
        raise PositionConflict(current) from None
    db.session.expire(item, ["positions"])  # the grid sees the new position
    return position


#: Whether a user sees the other organisations' positions of a session (the policy's rule).
positions_visible = may_view_positions


@dataclass
class GridRow:
    organisation: Organisation
    position: Position | None


def grid(item: AgendaItem) -> tuple[list[GridRow], int, list[Organisation]]:
    """Organisations × positions of an item, the sum of the amounts offered and who has not
    answered yet."""
    positions = {p.organisation_id: p for p in item.positions}
    rows = [GridRow(o, positions.get(o.id)) for o in item.session.organisations]
    total = sum(p.amount_cents or 0 for p in item.positions)
    missing = [r.organisation for r in rows if r.position is None]
    return rows, total, missing


def missing_positions(session: CommitteeSession) -> dict[Organisation, list[AgendaItem]]:
    """For each invited organisation, the items it has given no position on."""
    answered = {(p.item_id, p.organisation_id) for item in session.items
                for p in item.positions}
    result: dict[Organisation, list[AgendaItem]] = {}
    for organisation in session.organisations:
        items = [i for i in session.items if (i.id, organisation.id) not in answered]
        if items:
            result[organisation] = items
    return result


def give_proxy(session: CommitteeSession, giver: User, receiver: User) -> Proxy:
    """``giver`` lets ``receiver`` (another organisation's member) speak for their
    organisation in ``session``."""
    if not may_give_proxy(giver, session):
        raise AccessDenied(_l("Seul un membre invité peut donner procuration."))
    if receiver.role != Role.MEMBER or receiver.organisation_id == giver.organisation_id \
            or not receiver.active:
        raise DomainError(_l("La procuration se donne au membre d'une autre organisation."))
    if not proxy_open(session):
        raise DomainError(_l("La séance est tenue : il est trop tard pour une procuration."))
    existing = db.session.scalar(select(Proxy).where(Proxy.session_id == session.id,
                                                     Proxy.giver_id == giver.id))
    if existing is not None:
        existing.receiver = receiver
        db.session.flush()
        return existing
    proxy = Proxy(session_id=session.id, giver=giver, receiver=receiver)
    db.session.add(proxy)
    db.session.flush()
    return proxy

"""The agenda as the live grid, an item's decision page and the members' session page show
it: plain values read in a few statements whatever its length, each item with its slot, its
dossier's words, its positions and its decision.

These pages only show values: no ORM object is built for them (building and tracking a few
hundred of them cost more than the page's SQL). The rules they show are the committee's:
which positions get a row of the grid (``item_positions``), what backs an item
(``crossed.backing_from``), when an item is presented (``CommitteeSession.slot_at``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from murporteur.accounts.models import Organisation, User
from murporteur.committee.crossed import Backing, backing_from
from murporteur.committee.models import (
    AgendaItem,
    CommitteeSession,
    Decision,
    Position,
    Stance,
    item_supporter,
    session_invitation,
)
from murporteur.extensions import db
from murporteur.submissions.models import Dossier


@dataclass(frozen=True, slots=True)
class Named:
    """An organisation as these pages name it."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class DossierWords:
    """What these pages say of an item's dossier."""

    number: str | None
    title: str
    structure_name: str
    financing_amount_cents: int | None


@dataclass(frozen=True, slots=True)
class PositionLine:
    """An organisation's position on an item, as shown (``author``: who saved it last)."""

    organisation: Named
    stance: Stance
    offer_kinds: list[str]
    amount_cents: int | None
    comment: str
    premises_unit_id: int | None
    author: str | None


@dataclass(slots=True)
class AgendaLine:
    """An agenda item with what these pages show of it."""

    id: int
    session_id: int
    starts_at: datetime
    ends_at: datetime
    dossier: DossierWords
    decision: Decision | None
    decision_comment: str
    decision_published_at: datetime | None
    positions: list[PositionLine] = field(default_factory=list)
    supporters: list[Named] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        """Decided, not yet published."""
        return self.decision is not None and self.decision_published_at is None

    @property
    def backed(self) -> Backing:
        return backing_from(self.dossier.financing_amount_cents, self.positions,
                            self.decision, self.decision_published_at, self.supporters)

    def position_of(self, organisation_id: int) -> PositionLine | None:
        return next((p for p in self.positions if p.organisation.id == organisation_id), None)


def invited(session: CommitteeSession) -> list[Named]:
    """The organisations invited to ``session``, in the session's order (by name)."""
    return [Named(*row) for row in db.session.execute(
        select(Organisation.id, Organisation.name)
        .join(session_invitation, session_invitation.c.organisation_id == Organisation.id)
        .where(session_invitation.c.session_id == session.id).order_by(Organisation.name))]


def agenda_lines(session: CommitteeSession, *, item_id: int | None = None,
                 organisation_ids: Collection[int] | None = None,
                 supporters: bool = True) -> list[AgendaLine]:
    """The items of ``session`` in the agenda's order (only ``item_id`` if given), each with
    its positions (only those of ``organisation_ids`` if given) and, with ``supporters``,
    the organisations its decision names."""
    rows = db.session.execute(
        select(AgendaItem.id, AgendaItem.decision, AgendaItem.decision_comment,
               AgendaItem.decision_published_at, Dossier.number, Dossier.title,
               Dossier.structure_name, Dossier.financing_amount_cents)
        .join(Dossier, Dossier.id == AgendaItem.dossier_id)
        .where(AgendaItem.session_id == session.id)
        .order_by(AgendaItem.rank, AgendaItem.id)).all()
    lines = []
    for index, (id_, decision, comment, published_at, *words) in enumerate(rows):
        if item_id is not None and id_ != item_id:
            continue
        starts, ends = session.slot_at(index)
        lines.append(AgendaLine(id_, session.id, starts, ends, DossierWords(*words), decision,
                                comment, published_at))
    if not lines:
        return lines
    by_id = {line.id: line for line in lines}
    # The items of the session, as a subquery: one statement whatever the agenda's length.
    items = (select(AgendaItem.id).where(AgendaItem.id == item_id) if item_id is not None
             else select(AgendaItem.id).where(AgendaItem.session_id == session.id))
    query = (select(Position.item_id, Organisation.id, Organisation.name, Position.stance,
                    Position.offer_kinds, Position.amount_cents, Position.comment,
                    Position.premises_unit_id, User.full_name, User.email)
             .join(Organisation, Organisation.id == Position.organisation_id)
             .outerjoin(User, User.id == Position.updated_by_id)
             .where(Position.item_id.in_(items))
             .order_by(Position.id))
    if organisation_ids is not None:
        query = query.where(Position.organisation_id.in_(list(organisation_ids)))
    for item, org_id, org_name, stance, kinds, amount, text, unit, full_name, email \
            in db.session.execute(query):
        by_id[item].positions.append(PositionLine(
            Named(org_id, org_name), stance, kinds or [], amount, text or "", unit,
            full_name or email))
    if supporters:
        for item, org_id, org_name in db.session.execute(
                select(item_supporter.c.item_id, Organisation.id, Organisation.name)
                .join(Organisation, Organisation.id == item_supporter.c.organisation_id)
                .where(item_supporter.c.item_id.in_(items))
                .order_by(Organisation.name)):
            by_id[item].supporters.append(Named(org_id, org_name))
    return lines


#: The stances that say no more than their word, when nothing is offered or commented: the
#: live grid lists these organisations by name instead of giving each one a row.
BRIEF_STANCES = (Stance.WANTS_TO_MEET, Stance.NOT_CONCERNED, Stance.ABSTAINS)


@dataclass
class ItemPositions:
    """An item's positions as the live grid shows them, compact whatever the number of
    organisations invited: a row for each position with something to read (a support, an
    offer, an amount or a comment), the others by stance, and who has not answered yet."""

    detailed: list[PositionLine]
    brief: list[tuple[Stance, list[Named]]]
    missing: list[Named]
    total: int  # the amounts offered, every position included


def item_positions(line: AgendaLine, organisations: Iterable[Named]) -> ItemPositions:
    """``line``'s positions for the live grid, in the order of ``organisations`` (those
    invited)."""
    positions = {p.organisation.id: p for p in line.positions}
    detailed: list[PositionLine] = []
    brief: dict[Stance, list[Named]] = {stance: [] for stance in BRIEF_STANCES}
    missing: list[Named] = []
    for organisation in organisations:
        position = positions.get(organisation.id)
        if position is None:
            missing.append(organisation)
        elif position.stance in brief and not (position.offer_kinds or position.amount_cents
                                               or position.comment
                                               or position.premises_unit_id):
            brief[position.stance].append(organisation)
        else:
            detailed.append(position)
    return ItemPositions(detailed, [(s, orgs) for s, orgs in brief.items() if orgs], missing,
                         sum(p.amount_cents or 0 for p in line.positions))


def grid_items(session: CommitteeSession, *, item_id: int | None = None,
               organisations: list[Named] | None = None
               ) -> list[tuple[AgendaLine, ItemPositions]]:
    """The live grid of ``session`` (only ``item_id``'s part if given): each item with its
    positions as the grid shows them."""
    organisations = invited(session) if organisations is None else organisations
    return [(line, item_positions(line, organisations))
            for line in agenda_lines(session, item_id=item_id)]

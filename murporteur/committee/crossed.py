"""Crossed interventions: several organisations behind one project — the collective's stated
aim. For each agenda item, the financing asked against the offers, and whether a single
organisation backs it; for members, the items that could become crossed.

What a member reads here follows the committee's rules: the other organisations' positions
only where ``may_view_positions`` lets them, the published decisions of the sessions they may
open."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select

from murporteur.accounts.models import User
from murporteur.committee.models import AgendaItem, CommitteeSession, Decision, Stance
from murporteur.committee.policies import may_view_positions, visible_sessions
from murporteur.extensions import db


class Offer(Protocol):
    """A position as the backing reads it."""

    @property
    def stance(self) -> Stance: ...

    @property
    def amount_cents(self) -> int | None: ...

    @property
    def organisation(self) -> Any: ...  # with an ``id`` and a ``name``


@dataclass
class Backing:
    """Who backs an item, and with how much, against what the holder asks."""

    asked_cents: int | None
    offered_cents: int = 0
    supporters: list[Any] = field(default_factory=list)  # organisations: ``id``, ``name``

    @property
    def single(self) -> bool:
        return len(self.supporters) == 1

    @property
    def crossed(self) -> bool:
        return len(self.supporters) >= 2

    @property
    def missing_cents(self) -> int | None:
        """What the offers leave of the financing asked (None when nothing was asked)."""
        if not self.asked_cents:
            return None
        return max(0, self.asked_cents - self.offered_cents)


def backing(item: AgendaItem) -> Backing:
    """What backs ``item`` (see ``backing_from``)."""
    return backing_from(item.dossier.financing_amount_cents, item.positions, item.decision,
                        item.decision_published_at, item.supporters)


def backing_from(asked: int | None, positions: Iterable[Offer], decision: Decision | None,
                 published_at: datetime | None, supporters: Iterable[Any]) -> Backing:
    """From the published decision once there is one (its ``supporters``), from the
    "supports" ``positions`` before (the ORM's positions or the agenda's plain lines)."""
    supporting = [p for p in positions if p.stance == Stance.SUPPORTS]
    offered = sum(p.amount_cents or 0 for p in supporting)
    if published_at is not None and decision == Decision.SUPPORTED:
        return Backing(asked, offered, list(supporters))
    return Backing(asked, offered, sorted((p.organisation for p in supporting),
                                          key=lambda o: o.name))


def looking_for_a_second(member: User) -> list[tuple[AgendaItem, Backing]]:
    """The items a member may see that one organisation only backs, other than their own:
    projects another landlord could join. Latest sessions first."""
    own = member.organisation_id
    found = []
    sessions = db.session.scalars(visible_sessions(member).order_by(
        CommitteeSession.starts_at.desc())).all()
    for session in sessions:
        open_positions = may_view_positions(member, session)
        for item in session.items:
            published = item.decision_published_at is not None
            if published and item.decision != Decision.SUPPORTED:
                continue
            if not published and not open_positions:
                continue
            backed = backing(item)
            if backed.single and backed.supporters[0].id != own:
                found.append((item, backed))
    return found


def digest_items(member: User, since) -> list[tuple[AgendaItem, Backing]]:
    """For the quarterly digest: the items of ``looking_for_a_second`` whose session is
    after ``since``."""
    return [(item, backed) for item, backed in looking_for_a_second(member)
            if item.session.starts_at >= since]


def members_to_tell() -> list[User]:
    from murporteur.accounts.models import Role

    return list(db.session.scalars(select(User).where(
        User.role == Role.MEMBER, User.active.is_(True), User.organisation_id.is_not(None))
        .order_by(User.id)))

"""The committee's rules: sessions, agenda, positions, decisions, attendance, proxies, access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from murporteur import signals
from murporteur.accounts.models import Organisation, OrganisationKind, Role, User
from murporteur.committee.models import (AgendaItem, Attendance, AttendanceStatus,
                                         CommitteeSession, Decision, Position, PositionChange,
                                         Proxy, Stance)
from murporteur.committee.workflow import OPEN_STATES, apply_session_transition
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.timeutil import to_paris
from murporteur.extensions import db
from murporteur.submissions.choices import SupportKind
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import apply_transition

#: The dossier transition each published decision applies.
DECISION_TRANSITIONS = {Decision.SUPPORTED: "support", Decision.POSTPONED: "postpone",
                        Decision.NOT_SUPPORTED: "not_support"}


class PositionConflict(DomainError):
    """Someone of the same organisation saved the position meanwhile; ``current`` is theirs."""

    def __init__(self, current: Position) -> None:
        super().__init__(_l(
            "%(name)s a modifié la position de votre organisation pendant que vous la "
            "saisissiez. Voici la version enregistrée ; vérifiez-la puis enregistrez de "
            "nouveau si besoin.",
            name=current.updated_by.display_name if current.updated_by else "?"))
        self.current = current


def _require_animator(actor: User) -> None:
    if actor is None or actor.role != Role.ANIMATOR:
        raise AccessDenied(_l("Réservé à l'équipe d'animation."))


def quarter_of(day: date | datetime) -> str:
    """``2026-11-24`` → ``2026-Q4`` (in Paris time for an instant)."""
    if isinstance(day, datetime):
        day = to_paris(day).date()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def committee_organisations() -> list[Organisation]:
    """The active landlords and partners: those invited by default."""
    return list(db.session.scalars(select(Organisation).where(
        Organisation.active.is_(True), Organisation.kind != OrganisationKind.ANIMATOR)
        .order_by(Organisation.name)))


# --- Sessions ------------------------------------------------------------------------------

def create_session(actor: User, *, starts_at: datetime, place: str = "", video_link: str = "",
                   slot_minutes: int = 20, quarter: str | None = None,
                   organisations: list[Organisation] | None = None,
                   positions_open_early: bool = False) -> CommitteeSession:
    _require_animator(actor)
    if not (place or "").strip() and not (video_link or "").strip():
        raise DomainError(_l("Indiquez un lieu, un lien de visioconférence, ou les deux."))
    session = CommitteeSession(
        starts_at=starts_at, place=place.strip(), video_link=video_link.strip(),
        slot_minutes=slot_minutes, quarter=quarter or quarter_of(starts_at), state="planned",
        positions_open_early=positions_open_early)
    session.organisations = (organisations if organisations is not None
                             else committee_organisations())
    if not session.organisations:
        raise DomainError(_l("Invitez au moins une organisation."))
    db.session.add(session)
    db.session.flush()
    return session


def update_session(session: CommitteeSession, actor: User, **fields) -> None:
    """Change the date, time, place, slots or invitations; once convened, the people
    concerned are told."""
    _require_animator(actor)
    if session.state not in OPEN_STATES:
        raise DomainError(_l("Le compte rendu est publié : la séance ne se modifie plus."))
    before = (session.starts_at, session.place, session.video_link, session.slot_minutes)
    allowed = {"starts_at", "place", "video_link", "slot_minutes", "quarter",
               "organisations", "positions_open_early"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    if not session.place and not session.video_link:
        raise DomainError(_l("Indiquez un lieu, un lien de visioconférence, ou les deux."))
    if not session.organisations:
        raise DomainError(_l("Invitez au moins une organisation."))
    db.session.flush()
    after = (session.starts_at, session.place, session.video_link, session.slot_minutes)
    if session.state == "convened" and before != after:
        signals.agenda_changed.send(session, change="time")


def convene(session: CommitteeSession, actor: User) -> None:
    if not session.items:
        raise DomainError(_l("L'ordre du jour est vide : ajoutez au moins un dossier."))
    apply_session_transition(session, "convene", actor)


def sessions_for(user: User) -> list[CommitteeSession]:
    """The sessions a user may open: all for animators, their organisation's for members."""
    query = select(CommitteeSession).order_by(CommitteeSession.starts_at.desc())
    if user.role == Role.ANIMATOR:
        return list(db.session.scalars(query))
    organisation_ids = member_organisation_ids(user)
    if not organisation_ids:
        return []
    from murporteur.committee.models import session_invitation

    return list(db.session.scalars(query.join(
        session_invitation, session_invitation.c.session_id == CommitteeSession.id).where(
        session_invitation.c.organisation_id.in_(organisation_ids)).distinct()))


def member_organisation_ids(user: User, session: CommitteeSession | None = None) -> set[int]:
    """The organisations a member speaks for: their own, plus those that gave them a proxy
    for ``session``."""
    if user is None or user.role != Role.MEMBER or user.organisation_id is None:
        return set()
    ids = {user.organisation_id}
    if session is not None:
        for proxy in db.session.scalars(select(Proxy).where(
                Proxy.session_id == session.id, Proxy.receiver_id == user.id)):
            if proxy.giver.organisation_id:
                ids.add(proxy.giver.organisation_id)
    return ids


def may_view_session(user: User | None, session: CommitteeSession) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.ANIMATOR:
        return True
    invited = {o.id for o in session.organisations}
    return bool(member_organisation_ids(user, session) & invited)


def invited_members(session: CommitteeSession) -> list[User]:
    ids = [o.id for o in session.organisations]
    return list(db.session.scalars(select(User).where(
        User.role == Role.MEMBER, User.active.is_(True), User.organisation_id.in_(ids))
        .order_by(User.full_name)))


def agenda_editable(session: CommitteeSession) -> bool:
    """Items may still be added, moved and removed (until the session is held)."""
    return session.state in ("planned", "convened")


def decisions_open(session: CommitteeSession) -> bool:
    """Decisions may be recorded (from the convocation until the minutes)."""
    return session.state in ("convened", "held")


def attendance_of(session: CommitteeSession) -> dict[int, AttendanceStatus]:
    return {a.user_id: a.status for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}


# --- Agenda --------------------------------------------------------------------------------

def open_item_of(dossier: Dossier) -> AgendaItem | None:
    return db.session.scalar(select(AgendaItem).join(CommitteeSession).where(
        AgendaItem.dossier_id == dossier.id, CommitteeSession.state.in_(OPEN_STATES)))


def retained_dossiers() -> list[Dossier]:
    """What can be put on an agenda: retained dossiers, oldest first."""
    return list(db.session.scalars(select(Dossier).where(Dossier.state == "retained")
                                   .order_by(Dossier.submitted_at)))


def add_item(session: CommitteeSession, dossier: Dossier, actor: User) -> AgendaItem:
    _require_animator(actor)
    if not agenda_editable(session):
        raise DomainError(_l("La séance est tenue : son ordre du jour ne change plus."))
    if open_item_of(dossier) is not None:
        raise DomainError(_l("Ce dossier est déjà à l'ordre du jour d'une séance."))
    if dossier.state != "retained":
        raise DomainError(_l("Seul un dossier retenu peut être inscrit à l'ordre du jour."))
    rank = (max((i.rank for i in session.items), default=0)) + 1
    item = AgendaItem(session=session, dossier=dossier, rank=rank)
    db.session.add(item)
    apply_transition(dossier, "put_on_agenda", actor)
    db.session.flush()
    if session.state == "convened":
        signals.agenda_changed.send(session, change="slots", items=[item])
    return item


def remove_item(item: AgendaItem, actor: User) -> None:
    _require_animator(actor)
    session = item.session
    if not agenda_editable(session):
        raise DomainError(_l("La séance est tenue : son ordre du jour ne change plus."))
    later = [i for i in session.items if i.rank > item.rank]
    dossier = item.dossier
    session.items.remove(item)  # an orphan: deleted at flush, positions with it
    apply_transition(dossier, "remove_from_agenda", actor)
    db.session.flush()
    if session.state == "convened":
        signals.agenda_changed.send(session, change="removed", dossier=dossier)
        if later:
            signals.agenda_changed.send(session, change="slots", items=later)


def move_item(item: AgendaItem, offset: int, actor: User) -> None:
    """Move ``item`` up (-1) or down (+1); the holders whose slot changes are told."""
    _require_animator(actor)
    session = item.session
    if not agenda_editable(session):
        raise DomainError(_l("La séance est tenue : son ordre du jour ne change plus."))
    items = list(session.items)
    index = items.index(item)
    target = index + offset
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for rank, each in enumerate(items, 1):
        each.rank = rank
    session.items.sort(key=lambda i: i.rank)
    db.session.flush()
    if session.state == "convened":
        signals.agenda_changed.send(session, change="slots", items=[items[index], items[target]])


# --- Positions -----------------------------------------------------------------------------

def positions_open(item: AgendaItem) -> bool:
    """Positions may still be given on ``item`` (until its decision is published)."""
    return item.session.state in OPEN_STATES and item.decision_published_at is None


def proxy_open(session: CommitteeSession) -> bool:
    """A proxy may still be given (until the session is held)."""
    return session.state in ("planned", "convened")


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
    allowed = member_organisation_ids(user, item.session) & {
        o.id for o in item.session.organisations}
    organisation_id = organisation_id or user.organisation_id
    if organisation_id not in allowed:
        raise AccessDenied(_l("Vous ne pouvez pas donner la position de cette organisation."))
    return db.session.get(Organisation, organisation_id)


def position_of(item: AgendaItem, organisation: Organisation) -> Position | None:
    return db.session.scalar(select(Position).where(
        Position.item_id == item.id, Position.organisation_id == organisation.id))


def record_position(item: AgendaItem, member: User, *, stance: Stance, offer_kinds: list[str],
                    amount_cents: int | None, comment: str, expected_version: int | None,
                    organisation_id: int | None = None) -> Position:
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
    position = position_of(item, organisation)
    if position is None:
        if expected_version is not None:
            raise DomainError(_l("Cette position a été retirée entre-temps."))
        position = Position(item=item, organisation=organisation)
        db.session.add(position)
    elif position.version != expected_version:
        raise PositionConflict(position)
    position.stance = Stance(stance)
    position.offer_kinds = kinds
    position.amount_cents = amount_cents
    position.comment = (comment or "").strip()
    position.updated_by = member
    position.updated_at = utcnow()
    try:
        db.session.flush()  # the version check happens here (UPDATE … WHERE version = n)
    except StaleDataError:
        db.session.rollback()
        current = position_of(item, organisation)
        raise PositionConflict(current) from None
    db.session.add(PositionChange(position_id=position.id, stance=position.stance,
                                  offer_kinds=kinds, amount_cents=amount_cents,
                                  comment=position.comment, changed_by_id=member.id))
    db.session.flush()
    return position


def positions_visible(user: User, session: CommitteeSession) -> bool:
    """Whether ``user`` sees the other organisations' positions of ``session``."""
    if user.role == Role.ANIMATOR:
        return True
    return session.state in ("held", "minutes_published") or session.positions_open_early


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


# --- Decisions, attendance, proxies --------------------------------------------------------

def record_decision(item: AgendaItem, decision: Decision, actor: User, comment: str = "",
                    supporters: list[Organisation] | None = None) -> None:
    """Write down the committee's decision on an item; it stays pending until published."""
    _require_animator(actor)
    if item.decision_published_at is not None:
        raise DomainError(_l("Cette décision est déjà publiée."))
    if not decisions_open(item.session):
        raise DomainError(_l("Les décisions se prennent en séance, une fois convoquée."))
    decision = Decision(decision)
    comment = (comment or "").strip()
    if decision == Decision.NOT_SUPPORTED and not comment:
        raise DomainError(_l("Motivez la décision de ne pas soutenir : elle est envoyée au "
                             "porteur."))
    supporters = supporters or []
    if decision == Decision.SUPPORTED and not supporters:
        raise DomainError(_l("Indiquez quelle(s) organisation(s) soutiennent le projet."))
    invited = {o.id for o in item.session.organisations}
    if any(o.id not in invited for o in supporters):
        raise DomainError(_l("Seules les organisations invitées peuvent soutenir le projet."))
    item.decision = decision
    item.decision_comment = comment
    item.supporters = supporters if decision == Decision.SUPPORTED else []
    db.session.flush()


def publish_decisions(session: CommitteeSession, actor: User) -> list[AgendaItem]:
    """Publish every pending decision at once: dossiers move, holders are told."""
    _require_animator(actor)
    pending = [i for i in session.items if i.decision and not i.decision_published_at]
    if not pending:
        raise DomainError(_l("Aucune décision en attente de publication."))
    if session.state == "convened":
        apply_session_transition(session, "hold", actor)
    now = utcnow()
    for item in pending:
        apply_transition(item.dossier, DECISION_TRANSITIONS[item.decision], actor,
                         item.decision_comment)
        item.decision_published_at = now
    db.session.flush()
    signals.decisions_published.send(session, items=pending)
    return pending


def set_attendance(session: CommitteeSession, user: User, status: AttendanceStatus | None,
                   actor: User) -> None:
    _require_animator(actor)
    row = db.session.scalar(select(Attendance).where(Attendance.session_id == session.id,
                                                     Attendance.user_id == user.id))
    if status is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(Attendance(session_id=session.id, user_id=user.id,
                                  status=AttendanceStatus(status)))
    else:
        row.status = AttendanceStatus(status)
    db.session.flush()


def give_proxy(session: CommitteeSession, giver: User, receiver: User) -> Proxy:
    """``giver`` lets ``receiver`` (another organisation's member) speak for their
    organisation in ``session``."""
    if giver.role != Role.MEMBER or not may_view_session(giver, session):
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


def dossier_on_member_agenda(user: User, dossier: Dossier) -> bool:
    """A member sees a dossier only when it is on the agenda of a session they may open
    (their organisation is invited, or they hold a proxy for it), and keeps seeing it for
    that session's record."""
    if user is None or user.role != Role.MEMBER:
        return False
    sessions = db.session.scalars(select(CommitteeSession).join(AgendaItem).where(
        AgendaItem.dossier_id == dossier.id))
    return any(may_view_session(user, session) for session in sessions)

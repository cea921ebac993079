"""The committee's rules: sessions, agenda, positions, decisions, attendance, proxies, access."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from murporteur import signals
from murporteur.accounts.models import Organisation, OrganisationKind, Role, User
from murporteur.audit import services as audit
from murporteur.committee.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CommitteeSession,
    Decision,
)
from murporteur.committee.policies import may_run_committee, visible_sessions
from murporteur.committee.workflow import (
    DECIDING_STATES,
    OPEN_STATES,
    UPCOMING_STATES,
    SessionState,
)
from murporteur.core import params
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import apply_transition
from murporteur.core.text import french_order
from murporteur.core.timeutil import PARIS, paris_today, to_paris
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import DossierState

#: The dossier transition each published decision applies.
DECISION_TRANSITIONS = {Decision.SUPPORTED: "support", Decision.POSTPONED: "postpone",
                        Decision.NOT_SUPPORTED: "not_support"}


def _require_animator(actor: User) -> None:
    if not may_run_committee(actor):
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
        .order_by(french_order(Organisation.name), Organisation.id)))


# --- Sessions ------------------------------------------------------------------------------

def create_session(actor: User, *, starts_at: datetime, place: str = "", video_link: str = "",
                   slot_minutes: int = 20, quarter: str | None = None,
                   organisations: list[Organisation] | None = None,
                   positions_open_early: bool = False) -> CommitteeSession:
    _require_animator(actor)
    params.check_business_day(starts_at)
    if not (place or "").strip() and not (video_link or "").strip():
        raise DomainError(_l("Indiquez un lieu, un lien de visioconférence, ou les deux."))
    session = CommitteeSession(
        starts_at=starts_at, place=place.strip(), video_link=video_link.strip(),
        slot_minutes=slot_minutes, quarter=quarter or quarter_of(starts_at),
        state=SessionState.PLANNED, positions_open_early=positions_open_early)
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
    params.check_business_day(fields.get("starts_at"))
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
    if session.state == SessionState.CONVENED and before != after:
        signals.agenda_changed.send(session, change="time")


def convene(session: CommitteeSession, actor: User) -> None:
    if not session.items:
        raise DomainError(_l("L'ordre du jour est vide : ajoutez au moins un dossier."))
    apply_transition(session, "convene", actor)


def too_early_to_hold(session: CommitteeSession, today=None) -> str | None:
    """Why ``session`` cannot be marked held yet (its day has not come), or None."""
    day = session.starts_at.astimezone(PARIS).date()
    if day > (today or paris_today()):
        return str(_l("La séance a lieu le %(day)s : elle ne peut être marquée comme tenue "
                      "qu'à partir de ce jour.", day=format_date(day, "d MMMM yyyy")))
    return None


def hold(session: CommitteeSession, actor: User) -> None:
    """The session took place (its decisions may still be recorded until the minutes); not
    before its day."""
    if (reason := too_early_to_hold(session)) is not None:
        raise DomainError(reason)
    apply_transition(session, "hold", actor)


def sessions_for(user: User) -> list[CommitteeSession]:
    """The sessions a user may open (``policies.visible_sessions``), latest first: all for
    animators; for members, those their organisation is invited to or they hold a proxy
    for."""
    return list(db.session.scalars(
        visible_sessions(user).order_by(CommitteeSession.starts_at.desc())))


def invited_members(session: CommitteeSession) -> list[User]:
    ids = [o.id for o in session.organisations]
    return list(db.session.scalars(select(User).where(
        User.role == Role.MEMBER, User.active.is_(True), User.organisation_id.in_(ids))
        .order_by(french_order(User.full_name), User.id)))


def agenda_editable(session: CommitteeSession) -> bool:
    """Items may still be added, moved and removed (until the session is held)."""
    return session.state in UPCOMING_STATES


def decisions_open(session: CommitteeSession) -> bool:
    """Decisions may be recorded (from the convocation until the minutes)."""
    return session.state in DECIDING_STATES


def attendance_of(session: CommitteeSession) -> dict[int, AttendanceStatus]:
    return {a.user_id: a.status for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}


# --- Agenda --------------------------------------------------------------------------------

def open_item_of(dossier: Dossier) -> AgendaItem | None:
    return db.session.scalar(select(AgendaItem).join(CommitteeSession).where(
        AgendaItem.dossier_id == dossier.id, CommitteeSession.state.in_(OPEN_STATES)))


def retained_dossiers() -> list[Dossier]:
    """What can be put on an agenda: retained dossiers, oldest first."""
    return list(db.session.scalars(
        select(Dossier).where(Dossier.state == DossierState.RETAINED)
        .order_by(Dossier.submitted_at)))


def add_item(session: CommitteeSession, dossier: Dossier, actor: User) -> AgendaItem:
    _require_animator(actor)
    if not agenda_editable(session):
        raise DomainError(_l("La séance est tenue : son ordre du jour ne change plus."))
    if open_item_of(dossier) is not None:
        raise DomainError(_l("Ce dossier est déjà à l'ordre du jour d'une séance."))
    if dossier.state != DossierState.RETAINED:
        raise DomainError(_l("Seul un dossier retenu peut être inscrit à l'ordre du jour."))
    rank = (max((i.rank for i in session.items), default=0)) + 1
    item = AgendaItem(session=session, dossier=dossier, rank=rank)
    db.session.add(item)
    apply_transition(dossier, "put_on_agenda", actor)
    db.session.flush()
    if session.state == SessionState.CONVENED:
        signals.agenda_changed.send(session, change="slots", items=[item])
    return item


def remove_item(item: AgendaItem, actor: User) -> None:
    _require_animator(actor)
    session = item.session
    if not agenda_editable(session):
        raise DomainError(_l("La séance est tenue : son ordre du jour ne change plus."))
    later = [i for i in session.items if i.rank > item.rank]
    dossier = item.dossier
    from murporteur.committee.models import PositionChange

    # The positions go with the item, and so does their history (it pointed at them: the
    # removal failed on it, found by the wapiti scan).
    position_ids = [p.id for p in item.positions]
    if position_ids:
        db.session.execute(delete(PositionChange).where(
            PositionChange.position_id.in_(position_ids))
            .execution_options(synchronize_session=False))
    session.items.remove(item)  # an orphan: deleted at flush, positions with it
    apply_transition(dossier, "remove_from_agenda", actor)
    db.session.flush()
    if session.state == SessionState.CONVENED:
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
    if session.state == SessionState.CONVENED:
        signals.agenda_changed.send(session, change="slots", items=[items[index], items[target]])


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
    audit.record(actor, "committee.record_decision", item, {
        "session_id": item.session_id, "dossier_id": item.dossier_id, "decision": decision,
        "supporters": sorted(o.id for o in item.supporters),
        "comment_sha256": audit.text_digest(comment)})


def publish_decisions(session: CommitteeSession, actor: User) -> list[AgendaItem]:
    """Publish every pending decision at once: dossiers move, holders are told."""
    _require_animator(actor)
    pending = [i for i in session.items if i.decision and not i.decision_published_at]
    if not pending:
        raise DomainError(_l("Aucune décision en attente de publication."))
    if session.state == SessionState.CONVENED:
        apply_transition(session, "hold", actor)
    now = utcnow()
    for item in pending:
        assert item.decision is not None  # pending: decided, not yet published
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


# Who speaks for which organisation (``membership``), positions and proxies (``positions``)
# are part of the committee's rules too.
from murporteur.committee.membership import may_view_session, member_organisation_ids  # noqa: E402,F401
from murporteur.committee.positions import (  # noqa: E402,F401
    GridRow,
    PositionConflict,
    give_proxy,
    grid,
    missing_positions,
    position_of,
    positions_open,
    positions_visible,
    proxies_for,
    proxy_open,
    record_position,
    speaking_organisation,
)

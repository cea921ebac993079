"""The animators' rules: assignment, follows, labels, calls, qualification, decisions, notes."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, bindparam, delete, func, inspect, select
from sqlalchemy.orm import joinedload

from murporteur.accounts.models import Role, User
from murporteur.audit import services as audit
from murporteur.core import params
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import apply_transition, ensure_transition
from murporteur.core.loading import PARENT_ID, Related
from murporteur.core.text import french_order
from murporteur.extensions import db
from murporteur.submissions.models import Dossier, DossierEvent, Message
from murporteur.submissions.services import load_page
from murporteur.submissions.workflow import DossierState
from murporteur.triage.choices import DEFAULT_LABELS, CallOutcome
from murporteur.triage.models import (
    DossierFollow,
    Label,
    PhoneCall,
    PrivateNote,
    Qualification,
    dossier_label,
)


def _require_animator(actor: User) -> None:
    if actor is None or actor.role != Role.ANIMATOR:
        raise AccessDenied(_l("Réservé à l'équipe d'animation."))


def record_view(dossier: Dossier, actor: User) -> None:
    """A look at a holder's personal data by staff is part of the audit trail."""
    _require_animator(actor)
    audit.record(actor, "dossier.view", dossier, {"number": dossier.number})


def record_activity(dossier: Dossier, actor: User | None, kind: str, comment: str = ""
                    ) -> DossierEvent:
    """A change that is not a move between states (assignment, qualification, call), kept in
    the same history as the transitions, with who made it."""
    event = DossierEvent(dossier=dossier, actor=actor, transition=kind,
                         from_state=dossier.state, to_state=dossier.state, comment=comment)
    db.session.add(event)
    return event


def animators() -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == Role.ANIMATOR, User.active.is_(True))
        .order_by(french_order(User.full_name), User.id)))


# --- Assignment and follows ---------------------------------------------------------------

def assign(dossier: Dossier, animator: User | None, actor: User) -> None:
    """Give the dossier to ``animator`` (None: nobody); the new assignee follows it."""
    _require_animator(actor)
    if animator is not None and (animator.role != Role.ANIMATOR or not animator.active):
        raise DomainError(_l("Un dossier ne peut être confié qu'à une animatrice ou un "
                             "animateur actif."))
    if dossier.assigned_to_id == (animator.id if animator else None):
        return
    dossier.assigned_to = animator
    record_activity(dossier, actor, "assign", animator.display_name if animator else "")
    if animator is not None:
        follow(dossier, animator)


def follow(dossier: Dossier, user: User) -> None:
    _require_animator(user)
    if not is_following(dossier, user):
        db.session.add(DossierFollow(dossier_id=dossier.id, user_id=user.id))
        db.session.flush()


def unfollow(dossier: Dossier, user: User) -> None:
    db.session.execute(delete(DossierFollow).where(DossierFollow.dossier_id == dossier.id,
                                                   DossierFollow.user_id == user.id))


def is_following(dossier: Dossier, user: User) -> bool:
    return db.session.get(DossierFollow, (dossier.id, user.id)) is not None


def staff_recipients(dossier: Dossier) -> list[User]:
    """Who hears of a dossier's news: its assignee and followers, or every animator while
    nobody has taken it."""
    users = {u.id: u for u in db.session.scalars(
        select(User).join(DossierFollow, DossierFollow.user_id == User.id)
        .where(DossierFollow.dossier_id == dossier.id, User.active.is_(True)))}
    if dossier.assigned_to is not None and dossier.assigned_to.active:
        users[dossier.assigned_to.id] = dossier.assigned_to
    return list(users.values()) or animators()


# --- Labels -----------------------------------------------------------------------------

LABEL_COLOURS = ("grey", "blue", "green", "orange", "red", "purple")


def ensure_default_labels() -> None:
    if db.session.scalar(select(Label.id).limit(1)) is None:
        for name, colour in DEFAULT_LABELS:
            db.session.add(Label(name=str(name), colour=colour))
        db.session.flush()


def all_labels() -> list[Label]:
    """Every label, archived ones included (filters, the labels page), in French order."""
    return list(db.session.scalars(select(Label).order_by(french_order(Label.name), Label.id)))


def offered_labels(kept=()) -> list[Label]:
    """The labels a form offers: the active ones, and the archived ones in ``kept``."""
    return [lb for lb in all_labels() if lb.archived_at is None or lb in kept]


def archive_label(label: Label, archived: bool, actor: User) -> None:
    """Archive (no longer offered; kept on the dossiers that carry it) or offer again."""
    _require_animator(actor)
    if (label.archived_at is not None) == archived:
        return
    label.archived_at = utcnow() if archived else None
    db.session.flush()
    audit.record(actor, "label.archive" if archived else "label.restore", label,
                 {"name": label.name})


def create_label(name: str, colour: str, actor: User, name_en: str = "") -> Label:
    _require_animator(actor)
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise DomainError(_l("Le nom d'une étiquette compte de 1 à 60 caractères."))
    if colour not in LABEL_COLOURS:
        raise DomainError(_l("Choisissez une couleur proposée."))
    if db.session.scalar(select(Label).where(Label.name.ilike(name))) is not None:
        raise DomainError(_l("L'étiquette « %(name)s » existe déjà.", name=name))
    label = Label(name=name, colour=colour, name_en=(name_en or "").strip()[:60])
    db.session.add(label)
    db.session.flush()
    audit.record(actor, "label.create", label, {"name": label.name, "name_en": label.name_en})
    return label


def update_label(label: Label, name: str, colour: str, actor: User, name_en: str = "") -> None:
    """Rename or recolour a label (its dossiers keep it: they hold it by its id)."""
    _require_animator(actor)
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise DomainError(_l("Le nom d'une étiquette compte de 1 à 60 caractères."))
    if colour not in LABEL_COLOURS:
        raise DomainError(_l("Choisissez une couleur proposée."))
    if db.session.scalar(select(Label).where(Label.name.ilike(name), Label.id != label.id)):
        raise DomainError(_l("L'étiquette « %(name)s » existe déjà.", name=name))
    before = {"name": label.name, "name_en": label.name_en, "colour": label.colour}
    label.name, label.colour, label.name_en = name, colour, (name_en or "").strip()[:60]
    db.session.flush()
    audit.record(actor, "label.update", label, {
        "before": before, "name": label.name, "name_en": label.name_en, "colour": label.colour})


def set_labels(dossier: Dossier, labels: list[Label], actor: User) -> None:
    _require_animator(actor)
    dossier.labels = list(dict.fromkeys(labels))


def add_label(dossiers: list[Dossier], label: Label, actor: User) -> None:
    _require_animator(actor)
    for dossier in dossiers:
        if label not in dossier.labels:
            dossier.labels.append(label)


# --- Phone calls --------------------------------------------------------------------------

def schedule_call(dossier: Dossier, animator: User, when: datetime) -> PhoneCall:
    """Plan a call; its animator is reminded the morning of the call."""
    _require_animator(animator)
    params.check_business_day(when)
    call = PhoneCall(dossier=dossier, animator=animator, scheduled_at=when)
    db.session.add(call)
    record_activity(dossier, animator, "schedule_call")
    db.session.flush()
    return call


def record_call(dossier: Dossier, animator: User, outcome: CallOutcome, notes: str,
                *, at: datetime | None = None, call: PhoneCall | None = None) -> PhoneCall:
    """Write down a call. The first one that reaches the holder starts the qualification."""
    _require_animator(animator)
    params.check_business_day(at)
    at = at or utcnow()
    if call is None or call.dossier_id != dossier.id:
        call = PhoneCall(dossier=dossier, animator=animator)
        db.session.add(call)
    call.done_at, call.outcome, call.notes = at, outcome, (notes or "").strip()
    record_activity(dossier, animator, "record_call")
    if outcome == CallOutcome.REACHED and dossier.first_call_at is None:
        dossier.first_call_at = at
        if dossier.state == DossierState.SUBMITTED:
            apply_transition(dossier, "start_qualification", animator)
    db.session.flush()
    return call


def pending_call(dossier: Dossier) -> PhoneCall | None:
    """The soonest call planned and not made yet, among the dossier's calls (which its page
    has loaded already)."""
    planned = [c for c in dossier.calls if c.done_at is None and c.scheduled_at is not None]
    return min(planned, key=lambda c: c.scheduled_at, default=None)


def calls_to_remind(day_start: datetime, day_end: datetime) -> list[PhoneCall]:
    return list(db.session.scalars(select(PhoneCall).where(
        PhoneCall.done_at.is_(None), PhoneCall.reminder_sent_at.is_(None),
        PhoneCall.scheduled_at >= day_start, PhoneCall.scheduled_at < day_end)))


def unanswered_requests(asked_before: datetime) -> list[tuple[Dossier, datetime, str | None]]:
    """Dossiers waiting for their holder's answer since before ``asked_before``: each with when
    it was asked and the team's question."""
    last_request = (select(DossierEvent.dossier_id, func.max(DossierEvent.id).label("id"))
                    .where(DossierEvent.transition == "request_info")
                    .group_by(DossierEvent.dossier_id).subquery())
    rows = db.session.execute(
        select(Dossier, DossierEvent.comment)
        .outerjoin(last_request, last_request.c.dossier_id == Dossier.id)
        .outerjoin(DossierEvent, DossierEvent.id == last_request.c.id)
        .where(Dossier.state == DossierState.NEEDS_INFO, Dossier.state_changed_at < asked_before)
        .order_by(Dossier.id)).all()
    return [(dossier, dossier.state_changed_at, question) for dossier, question in rows]


# --- Qualification ------------------------------------------------------------------------

QUALIFICATION_FIELDS = ("stage", "themes", "neighbourhoods", "priority_area", "legal_form",
                        "support_kinds", "summary", "opinion")


def qualification_values(dossier: Dossier) -> dict:
    """What the qualification form shows: the saved qualification, or else the holder's own
    answers to start from."""
    q = dossier.qualification
    if q is not None:
        return {name: _plain(getattr(q, name)) for name in QUALIFICATION_FIELDS}
    return {"stage": _plain(dossier.stage), "themes": [],
            "neighbourhoods": dossier.neighbourhoods,
            "priority_area": _plain(dossier.priority_area),
            "legal_form": _plain(dossier.legal_form),
            "support_kinds": list(dossier.support_kinds or []), "summary": dossier.summary,
            "opinion": ""}


def _plain(value):
    return value.value if hasattr(value, "value") else value


def save_qualification(dossier: Dossier, values: dict, actor: User) -> Qualification:
    """Keep the qualification as it is, complete or not."""
    _require_animator(actor)
    if dossier.is_draft:
        raise DomainError(_l("Un brouillon ne se qualifie pas."))
    qualification = dossier.qualification
    if qualification is None:
        qualification = Qualification(dossier=dossier)
        db.session.add(qualification)
    for name in QUALIFICATION_FIELDS:
        if name in values:
            setattr(qualification, name, values[name])
    qualification.updated_by = actor
    record_activity(dossier, actor, "qualify")
    db.session.flush()
    return qualification


def qualification_problems(qualification: Qualification | None) -> dict[str, object]:
    """What a qualification lacks before the idea can be retained."""
    required = _l("À renseigner avant de retenir l'idée.")
    if qualification is None:
        return dict.fromkeys(QUALIFICATION_FIELDS, required)
    problems: dict[str, object] = {}
    for name in QUALIFICATION_FIELDS:
        value = getattr(qualification, name)
        if value is None or (isinstance(value, str | list) and not value):
            problems[name] = required
    return problems


# --- Decisions ----------------------------------------------------------------------------

#: The decisions taken from the dossier page; the others belong to the committee (agenda,
#: decisions) and to the conventions.
TRIAGE_DECISIONS = ("start_qualification", "request_info", "retain", "redirect", "decline",
                    "reopen")


class QualificationIncomplete(DomainError):
    def __init__(self, problems: dict[str, object]) -> None:
        super().__init__(_l("La qualification doit être complète pour retenir l'idée."))
        self.problems = problems


def decide(dossier: Dossier, transition: str, actor: User, comment: str = "", *,
           structure=None) -> DossierEvent:
    """An animator's decision on a dossier, with what each one requires.

    Retaining needs a complete qualification; redirecting needs a structure of the directory;
    a request for information is also posted in the thread, where the holder answers it.
    """
    _require_animator(actor)
    ensure_transition(dossier, transition, actor)
    if transition == "retain":
        problems = qualification_problems(dossier.qualification)
        if problems:
            raise QualificationIncomplete(problems)
    if transition == "redirect":
        if structure is None or not structure.active:
            raise DomainError(_l("Choisissez la structure vers laquelle orienter le porteur."))
        dossier.redirect_structure_id = structure.id
    event = apply_transition(dossier, transition, actor, comment)
    if transition == "request_info":
        message = Message(dossier=dossier, author=actor, body=event.comment)
        db.session.add(message)
        db.session.flush()
    return event


# --- Private notes ------------------------------------------------------------------------

def add_note(dossier: Dossier, author: User, body: str) -> PrivateNote:
    _require_animator(author)
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("La note est vide."))
    note = PrivateNote(dossier=dossier, author=author, body=body)
    db.session.add(note)
    db.session.flush()
    return note


#: The people a dossier's pages name: its holder and its assignee, joined to the dossier.
_WITH_PEOPLE = (joinedload(Dossier.holder), joinedload(Dossier.assigned_to))

#: A dossier by its number, with its people (built once: ``core.loading``).
_BY_NUMBER = (select(Dossier).where(Dossier.number == bindparam("number", type_=String))
              .options(*_WITH_PEOPLE))


def find_dossier(number: str) -> Dossier | None:
    """The dossier numbered ``number``, whoever may see it (ask ``policies``)."""
    return db.session.scalar(_BY_NUMBER, {"number": number})


#: What the animators' dossier page shows beside the holder's side: the dossier's people,
#: calls, notes, labels and qualification, each with its people joined (``core.loading``).
_PEOPLE = select(Dossier).where(Dossier.id == PARENT_ID).options(*_WITH_PEOPLE)
PAGE_RELATED = (
    Related("calls", select(PhoneCall).where(PhoneCall.dossier_id == PARENT_ID)
            .options(joinedload(PhoneCall.animator))),
    Related("private_notes", select(PrivateNote).where(PrivateNote.dossier_id == PARENT_ID)
            .options(joinedload(PrivateNote.author)).order_by(PrivateNote.created_at)),
    Related("labels", select(Label).join(dossier_label, dossier_label.c.label_id == Label.id)
            .where(dossier_label.c.dossier_id == PARENT_ID)),
    Related("qualification", select(Qualification).where(Qualification.dossier_id == PARENT_ID)
            .options(joinedload(Qualification.theme_rows), joinedload(Qualification.updated_by)),
            many=False),
)


def load_dossier_page(dossier: Dossier) -> Dossier:
    """What the animators' dossier page shows, loaded in a few queries whatever its length:
    the holder's side (``submissions.services.load_page``) plus ``PAGE_RELATED`` (the same
    statements for every dossier)."""
    if {"holder", "assigned_to"} & inspect(dossier).unloaded:
        db.session.scalars(_PEOPLE, {"parent_id": dossier.id}).all()
    return load_page(dossier, *PAGE_RELATED)

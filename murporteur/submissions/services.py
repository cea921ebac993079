"""The holder's rules: drafts, completeness, submission, withdrawal, messages, access."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from murporteur import signals
from murporteur.accounts.models import User
from murporteur.accounts.services import holder_for_email
from murporteur.collective import settings as collective_settings
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import TransitionRefused, apply_transition
from murporteur.core.loading import PARENT_ID, Related, load_related
from murporteur.core.timeutil import to_paris
from murporteur.extensions import db
from murporteur.submissions import policies, uploads
from murporteur.submissions.choices import SupportKind
from murporteur.submissions.models import (
    Document,
    DocumentKind,
    Dossier,
    DossierCounter,
    DossierEvent,
    Message,
)
from murporteur.submissions.workflow import LIFECYCLE, DossierState

#: The version every collective starts with; the current one is the setting
#: ``consent_version`` (the admin's settings page), its words ``consent_text``, and the words
#: of any version a dossier names come from ``collective.settings.consent_text``.
CONSENT_VERSION = collective_settings.DEFAULT_CONSENT_VERSION
CONSENT_TEXTS = {CONSENT_VERSION: collective_settings.DEFAULT_CONSENT_TEXT}

_hooks = Namespace()

redirect_structure_asked = _hooks.signal("redirect-structure-asked", doc="""
The structure a redirected dossier is pointed to, shown on the holder's page. Sender: the
``Dossier``. A receiver (the directory's) returns the structure, or None.
""")


def redirect_structure(dossier: Dossier):
    """The support structure the animators pointed a redirected dossier to, if any."""
    if dossier.state != DossierState.REDIRECTED or not dossier.redirect_structure_id:
        return None
    return next((found for _receiver, found in redirect_structure_asked.send(dossier)
                 if found is not None), None)


#: The answers a holder may edit, and the ones a submission cannot do without.
ANSWER_FIELDS = (
    "contact_name", "structure_name", "legal_form", "phone", "town", "title", "summary",
    "need", "residents", "neighbourhoods", "priority_area", "stage", "support_kinds",
    "financing_amount_cents", "support_details",
)
REQUIRED_FOR_SUBMISSION = (
    "contact_name", "structure_name", "legal_form", "phone", "town", "title", "summary",
    "need", "residents", "neighbourhoods", "priority_area", "stage", "support_kinds",
)


class IncompleteDossier(DomainError):
    """Submission refused: ``problems`` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, object]) -> None:
        super().__init__(_l("Il manque des réponses pour envoyer votre idée."))
        self.problems = problems


@dataclass
class Answers:
    """What the idea form carries, already parsed (amounts in cents)."""

    values: dict[str, object] = field(default_factory=dict)
    consent: bool = False


def update_answers(dossier: Dossier, answers: Answers, *, now: datetime | None = None) -> None:
    """Copy the holder's answers onto a draft, keeping the consent's date and version."""
    if not dossier.is_draft:
        raise DomainError(_l("Ce dossier a été envoyé : ses réponses ne se modifient plus."))
    for name in ANSWER_FIELDS:
        if name in answers.values:
            setattr(dossier, name, answers.values[name])
    if SupportKind.FINANCING.value not in (dossier.support_kinds or []):
        dossier.financing_amount_cents = None
    if answers.consent and dossier.consent_at is None:
        dossier.consent_at = now or utcnow()
        dossier.consent_version = collective_settings.get("consent_version")
    elif not answers.consent:
        dossier.consent_at = None
        dossier.consent_version = None


def save_draft(holder: User, answers: Answers, dossier: Dossier | None = None, *,
               send_link: bool = False, submission_key: str | None = None) -> Dossier:
    """Create or update the holder's draft; the link to resume it goes by e-mail on request.

    ``submission_key`` (unique) makes a second creation from the same form page fail with
    an IntegrityError: the caller finds the first one with ``find_by_submission_key``.
    """
    created = dossier is None
    if dossier is None:
        dossier = Dossier(holder=holder, state=DossierState.DRAFT,
                          submission_key=submission_key or None)
        db.session.add(dossier)
    update_answers(dossier, answers)
    db.session.flush()
    signals.draft_saved.send(dossier, created=created, send_link=send_link)
    return dossier


class IdeaSaved(NamedTuple):
    """What ``save_idea`` did: the dossier, whether this request saved it (False: the same
    page, sent twice at once, was saved by the other request), and whether the link to
    resume the draft goes by e-mail."""

    dossier: Dossier
    fresh: bool
    link_sent: bool


def save_idea(answers: Answers, dossier: Dossier | None, *, holder: User | None, email: str,
              contact_name: str, submitting: bool, signed_in: User | None,
              submission_key: str | None, staging_key: str,
              locale: str | None = None) -> IdeaSaved:
    """The idea form's answers saved as a draft, with the files uploaded with them.

    ``locale``: the language the form was filled in, which becomes the holder's: every later
    mail and notification to them speaks it (they change it with the language switch).

    ``holder`` is the dossier's holder, or the holder signed in; otherwise the holder account
    of ``email`` (created on first use). A first save from a page already saved by another
    request (the same ``submission_key``) saves nothing and returns that request's dossier.
    """
    try:
        with db.session.begin_nested():
            known = locale if locale in ("fr", "en") else None
            holder = holder or holder_for_email(email, contact_name, locale=known)
            if known and holder.locale != known:
                holder.locale = known
            # A link to resume a saved draft; a sent idea gets its receipt instead.
            send_link = (dossier is None and not submitting
                         and not (signed_in is not None and signed_in.id == holder.id))
            saved = save_draft(holder, answers, dossier, send_link=send_link,
                               submission_key=submission_key)
    except IntegrityError:
        repeat = find_by_submission_key(submission_key)
        if repeat is None:
            raise
        return IdeaSaved(repeat, False, False)
    attach_staged(saved, staging_key)
    return IdeaSaved(saved, True, send_link)


def submit_unless_sent(dossier: Dossier, actor: User) -> bool:
    """Send the saved draft; False when it was sent meanwhile (the same page sent twice at
    once: the first send did it). An incomplete draft is refused (``IncompleteDossier``)."""
    try:
        with db.session.begin_nested():
            submit_dossier(dossier, actor)
    except TransitionRefused:
        return False
    return True


def answers_problems(answers: Answers) -> dict[str, object]:
    """Everything that keeps ``answers`` from being sent, before anything is saved."""
    probe = Dossier(state=DossierState.DRAFT, support_kinds=[])
    update_answers(probe, answers)
    return submission_problems(probe)


def keep_idea_files(files: list, removed: list[str], *, dossier: Dossier | None,
                    staging_key: str, uploaded_by_id: int | None,
                    apart: frozenset[int] = frozenset()) -> tuple[list[Document], list[str]]:
    """The idea form's files: those unticked set aside, the new ones stored (staged until the
    form is saved). ``apart``: ids of the draft's files a section shows at its own fields
    (a call's file answer), neither listed nor counted here. Returns the new documents and
    the refusals."""
    kept = staged_documents(staging_key) + [
        d for d in (dossier_documents(dossier) if dossier else []) if d.id not in apart]
    remove_documents(kept, removed)
    kept = [d for d in kept if not d.removed]
    return uploads.store_many(files, already=len(kept), staging_key=staging_key,
                              uploaded_by_id=uploaded_by_id)


def submission_problems(dossier: Dossier) -> dict[str, object]:
    """Every field that keeps ``dossier`` from being submitted, with the reason."""
    problems: dict[str, object] = {}
    for name in REQUIRED_FOR_SUBMISSION:
        value = getattr(dossier, name)
        if value is None or (isinstance(value, str | list) and not value):
            problems[name] = _l("Cette réponse est nécessaire pour envoyer votre idée.")
    if (SupportKind.FINANCING.value in (dossier.support_kinds or [])
            and not dossier.financing_amount_cents):
        problems["financing_amount_cents"] = _l(
            "Indiquez le montant du financement recherché, en euros.")
    if dossier.consent_at is None:
        problems["consent"] = _l(
            "Votre accord sur le traitement de vos données est nécessaire pour envoyer l'idée.")
    return problems


def _dialect_insert():
    return pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert


def next_number(year: int) -> str:
    """``MP-<year>-NNNN``: the next number of ``year``, atomically (one statement, no gap
    between reading and writing the counter, whatever runs in parallel)."""
    insert = _dialect_insert()
    statement = insert(DossierCounter).values(year=year, last_value=1)
    statement = statement.on_conflict_do_update(
        index_elements=[DossierCounter.year],
        set_={"last_value": DossierCounter.last_value + 1},
    ).returning(DossierCounter.last_value)
    value = db.session.execute(statement).scalar_one()
    return f"MP-{year}-{value:04d}"


def submit_dossier(dossier: Dossier, actor: User, *, now: datetime | None = None
                   ) -> DossierEvent:
    """Send a complete draft: it gets its number and goes to the animators."""
    # The row locked, its state read afresh: of two sends at once, the second waits for the
    # first and is refused below instead of numbering the dossier twice.
    db.session.refresh(dossier, attribute_names=["state"], with_for_update=True)
    problems = submission_problems(dossier)
    if problems:
        raise IncompleteDossier(problems)
    now = now or utcnow()
    if not dossier.is_draft:
        raise TransitionRefused(_l("Ce dossier a déjà été envoyé."))
    if not LIFECYCLE.may(dossier, "submit", actor):
        raise AccessDenied(_l("Seul le porteur peut envoyer son idée."))
    # Numbered before the transition, so that the receipt queued with it carries the number.
    dossier.number = next_number(to_paris(now).year)
    dossier.submitted_at = now
    return apply_transition(dossier, "submit", actor, at=now)


def withdraw_dossier(dossier: Dossier, actor: User, reason: str = "") -> DossierEvent:
    return apply_transition(dossier, "withdraw", actor, reason)


def may_withdraw(dossier: Dossier, user: User | None) -> bool:
    return policies.may_withdraw_dossier(user, dossier)




def attach_staged(dossier: Dossier, staging_key: str) -> list[Document]:
    """Attach the files uploaded before the dossier existed (or while the form had errors)."""
    staged = list(db.session.scalars(select(Document).where(
        Document.staging_key == staging_key, Document.dossier_id.is_(None),
        Document.removed.is_(False))))
    for document in staged:
        document.dossier = dossier
        document.staging_key = None
    return staged


def staged_documents(staging_key: str) -> list[Document]:
    return list(db.session.scalars(select(Document).where(
        Document.staging_key == staging_key, Document.dossier_id.is_(None),
        Document.removed.is_(False)).order_by(Document.id)))


def dossier_documents(dossier: Dossier) -> list[Document]:
    """The holder's files of the dossier's answers (not the thread's, not the conventions'),
    kept ones only: what the idea form lists and lets its holder remove. Pages list what a
    user may see with ``policies.documents_for``."""
    return [d for d in dossier.documents
            if not d.removed and d.kind == DocumentKind.HOLDER]


def remove_documents(documents: list[Document], public_ids: list[str]) -> None:
    """Set aside the documents a holder unticked; the file stays for the history."""
    wanted = set(public_ids)
    for document in documents:
        if document.public_id in wanted:
            document.removed = True


def post_message(dossier: Dossier, author: User, body: str,
                 attachments: list[Document] | None = None) -> Message:
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Le message est vide."))
    if not policies.may_view_dossier(author, dossier) or dossier.is_draft:
        raise AccessDenied(_l("Vous ne pouvez pas écrire sur ce dossier."))
    message = Message(dossier=dossier, author=author, body=body)
    db.session.add(message)
    for document in attachments or []:
        document.dossier = dossier
        document.message = message
        document.kind = DocumentKind.MESSAGE
    db.session.flush()
    # The holder's message while information is requested is their answer: the dossier goes
    # back to the animators (who hear of it through the transition, not twice).
    answered = author.id == dossier.holder_id and dossier.state == DossierState.NEEDS_INFO
    if answered:
        apply_transition(dossier, "answer_info", author, body)
    signals.message_posted.send(message, answered=answered)
    return message


def dossiers_of(holder: User) -> list[Dossier]:
    return list(db.session.scalars(
        select(Dossier).where(Dossier.holder_id == holder.id)
        .order_by(Dossier.updated_at.desc())))


def find_by_public_id(public_id: str) -> Dossier | None:
    return db.session.scalar(select(Dossier).where(Dossier.public_id == public_id))


def find_by_submission_key(key: str | None) -> Dossier | None:
    if not key:
        return None
    return db.session.scalar(select(Dossier).where(Dossier.submission_key == key))


def find_by_number(number: str) -> Dossier | None:
    return db.session.scalar(select(Dossier).where(Dossier.number == number))


class OpenRequest(NamedTuple):
    """The team's request for information a holder has yet to answer."""

    question: str
    asked_at: datetime
    answer_by: datetime


def open_request(dossier: Dossier, answer_days: int) -> OpenRequest | None:
    """The question of the request waiting for the holder's answer, and the day the team
    hopes for it (``answer_days`` after the request), while the dossier waits for it."""
    if dossier.state != DossierState.NEEDS_INFO:
        return None
    asked = max((e for e in dossier.events if e.to_state == DossierState.NEEDS_INFO),
                key=lambda e: (e.created_at, e.id), default=None)
    if asked is None:
        return None
    return OpenRequest(asked.comment or "", asked.created_at,
                       asked.created_at + timedelta(days=answer_days))


#: What a dossier's page shows beside the dossier (``load_page``): its documents, its thread
#: with each message's author and files, its history with who acted, each in its
#: relationship's order. Built once: see ``core.loading``.
PAGE_RELATED = (
    Related("documents", select(Document).where(Document.dossier_id == PARENT_ID)
            .order_by(Document.created_at)),
    Related("messages", select(Message).where(Message.dossier_id == PARENT_ID)
            .options(joinedload(Message.author), joinedload(Message.documents))
            .order_by(Message.created_at)),
    Related("events", select(DossierEvent).where(DossierEvent.dossier_id == PARENT_ID)
            .options(joinedload(DossierEvent.actor)).order_by(DossierEvent.id)),
)


def load_page(dossier: Dossier, *related: Related) -> Dossier:
    """Load at once what a dossier's page shows (``PAGE_RELATED``) plus ``related``: one query
    for each, whatever the length of the thread, instead of one per message. Who wrote or
    acted is joined to what they did (not loaded after it, which is skipped for an empty
    thread or an author already known): the same statements for every dossier."""
    load_related(dossier, PAGE_RELATED + related)
    return dossier


#: What ``new_public_id`` gives (and a little more): anything else names no document.
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def find_document(public_id: str) -> Document | None:
    """The kept document ``public_id`` names, whoever may see it (ask ``policies``)."""
    if not _PUBLIC_ID.fullmatch(public_id or ""):
        return None
    return db.session.scalar(select(Document).where(Document.public_id == public_id,
                                                    Document.removed.is_(False)))

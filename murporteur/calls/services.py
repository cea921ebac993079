"""The rules of calls and needs: writing, questions and their versions, answers, the closing
date, the agenda and the figures. Functions flush, never commit."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from murporteur.accounts.models import Organisation, User
from murporteur.audit import services as audit
from murporteur.calls import policies
from murporteur.calls.models import (
    Call,
    CallAnswer,
    CallKind,
    CallQuestion,
    CallResponse,
    QuestionKind,
)
from murporteur.calls.workflow import CallState
from murporteur.committee import services as committee
from murporteur.committee.models import AgendaItem, CommitteeSession
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import apply_transition
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.submissions.models import Document, Dossier
from murporteur.submissions.workflow import DossierState

#: Fields of a call a writer sets (the form's names).
CALL_FIELDS = ("kind", "title", "body", "neighbourhoods", "qpv", "themes", "offers",
               "envelope_cents", "premises", "premises_unit_id", "opens_on", "closes_on",
               "session_id")
REMINDER_DAYS = 3


def _check_dates(opens_on: date | None, closes_on: date | None) -> None:
    if opens_on and closes_on and closes_on < opens_on:
        raise DomainError(_l("La date de clôture doit suivre la date d'ouverture."),
                          field="closes_on")


def create_call(actor: User, organisation_ids: list[int], **fields) -> Call:
    """A new draft, written by an animator, or by a member for their organisation."""
    if not policies.may_write_call(actor):
        raise AccessDenied(_l("Vous ne pouvez pas écrire d'appel."))
    _check_dates(fields.get("opens_on"), fields.get("closes_on"))
    call = Call(state=CallState.DRAFT, created_by=actor,
                organisation_id=None if policies.may_compare_answers(actor)
                else actor.organisation_id)
    db.session.add(call)
    _set(call, organisation_ids, fields)
    db.session.flush()
    audit.record(actor, "call_for_ideas.create", call, {"title": call.title})
    return call


def update_call(call: Call, actor: User, organisation_ids: list[int], **fields) -> None:
    if not policies.may_edit_call(actor, call):
        raise AccessDenied(_l("Vous ne pouvez plus modifier cet appel."))
    _check_dates(fields.get("opens_on"), fields.get("closes_on"))
    _set(call, organisation_ids, fields)
    db.session.flush()
    audit.record(actor, "call_for_ideas.update", call, {"title": call.title})


def _set(call: Call, organisation_ids: list[int], fields: dict) -> None:
    for name in CALL_FIELDS:
        if name in fields:
            setattr(call, name, fields[name])
    if call.organisation_id is not None and call.organisation_id not in organisation_ids:
        organisation_ids = [call.organisation_id, *organisation_ids]  # its own, always
    call.organisations = list(db.session.scalars(
        select(Organisation).where(Organisation.id.in_(organisation_ids or [0]))))


def transition(call: Call, name: str, actor: User, comment: str = ""):
    """Ask approval, publish, send back, withdraw (who may: ``workflow``)."""
    if name in ("publish", "ask_approval") and not call.title.strip():
        raise DomainError(_l("Donnez un titre à l'appel avant de le publier."))
    return apply_transition(call, name, actor, comment)


# --- Questions and their versions ---------------------------------------------------------

@dataclass
class QuestionData:
    kind: QuestionKind
    label_fr: str
    label_en: str
    required: bool
    choices: list[dict]


def _answered(question: CallQuestion) -> bool:
    return (db.session.scalar(select(func.count(CallAnswer.id)).where(
        CallAnswer.question_id == question.id)) or 0) > 0


def add_question(call: Call, actor: User, data: QuestionData) -> CallQuestion:
    _may_edit(call, actor)
    _check_question(data)
    position = max((q.position for q in call.current_questions), default=0) + 1
    question = CallQuestion(call=call, key=secrets.token_hex(4), version=1, position=position,
                            **vars(data))
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "call_question.add", call, {"question": question.key})
    return question


def change_question(question: CallQuestion, actor: User, data: QuestionData) -> CallQuestion:
    """Edited in place while nobody answered it; otherwise a new version, the old one kept
    (retired) with its answers, so that they stay readable as they were given."""
    _may_edit(question.call, actor)
    _check_question(data)
    if question.retired_at is not None:
        raise DomainError(_l("Cette question a été remplacée : modifiez sa version actuelle."))
    if not _answered(question):
        for name, value in vars(data).items():
            setattr(question, name, value)
        db.session.flush()
        return question
    question.retired_at = utcnow()
    newer = CallQuestion(call=question.call, key=question.key, version=question.version + 1,
                         position=question.position, **vars(data))
    db.session.add(newer)
    db.session.flush()
    audit.record(actor, "call_question.version", question.call,
                 {"question": question.key, "version": newer.version})
    return newer


def remove_question(question: CallQuestion, actor: User) -> None:
    """Taken off the form; its answers stay readable."""
    _may_edit(question.call, actor)
    question.retired_at = question.retired_at or utcnow()
    db.session.flush()


def _may_edit(call: Call, actor: User) -> None:
    if not policies.may_edit_call(actor, call):
        raise AccessDenied(_l("Vous ne pouvez plus modifier cet appel."))


def _check_question(data: QuestionData) -> None:
    if data.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(data.choices) < 2:
        raise DomainError(_l("Une question à choix propose au moins deux réponses, une par "
                             "ligne."), field="choices_fr")


# --- Finding calls ------------------------------------------------------------------------

def find_call(call_id: int | None) -> Call | None:
    return db.session.get(Call, call_id) if call_id else None


def open_calls(*, kind: str = "", theme: str = "", offer: str = "", qpv: bool = False,
               q: str = "", day: date | None = None, limit: int | None = None) -> list[Call]:
    """The published calls and needs taking answers today, closing soonest first."""
    day = day or paris_today()
    query = (select(Call).where(Call.state == CallState.PUBLISHED, Call.opens_on <= day,
                                Call.closes_on >= day)
             .options(selectinload(Call.organisations))
             .order_by(Call.closes_on, Call.id))
    if kind:
        query = query.where(Call.kind == kind)
    if qpv:
        query = query.where(Call.qpv.is_(True))
    if q:
        words = f"%{q.lower()}%"
        query = query.where(or_(func.lower(Call.title).like(words),
                                func.lower(Call.neighbourhoods).like(words)))
    calls = list(db.session.scalars(query))
    # JSON lists: filtered here, alike on both engines (the lists are short).
    calls = [c for c in calls if (not theme or theme in (c.themes or []))
             and (not offer or offer in (c.offers or []))]
    return calls[:limit] if limit else calls


def calls_for(user: User) -> list[Call]:
    """The writers' list: every call for the animators; a member's organisation's."""
    return list(db.session.scalars(policies.visible_calls(user).order_by(Call.id.desc())))


def refusal_for_answers(call: Call | None, day: date | None = None) -> str | None:
    """Why ``call`` takes no answer today, or None."""
    day = day or paris_today()
    if call is None or call.state != CallState.PUBLISHED:
        return str(_l("Cet appel n'existe pas ou n'est plus publié : votre idée ne peut pas "
                      "y répondre."))
    if day < call.opens_on:
        return str(_l("Cet appel ouvre le %(day)s : les réponses seront acceptées à partir "
                      "de cette date.", day=format_date(call.opens_on, "long")))
    if day > call.closes_on:
        return str(_l("Cet appel est clos depuis le %(day)s : les réponses ne sont plus "
                      "acceptées. Vous pouvez proposer votre idée sans la lier à cet appel.",
                      day=format_date(call.closes_on, "long")))
    return None


# --- Answers ------------------------------------------------------------------------------

def response_of(dossier: Dossier) -> CallResponse | None:
    return db.session.scalar(select(CallResponse).where(CallResponse.dossier_id == dossier.id))


def response_for_page(dossier: Dossier) -> CallResponse | None:
    """``response_of``, with its call, answers, their questions and files loaded at once (a
    dossier's page: a few queries whatever the number of questions)."""
    return db.session.scalar(select(CallResponse).where(CallResponse.dossier_id == dossier.id)
                             .options(selectinload(CallResponse.call),
                                      selectinload(CallResponse.answers)
                                      .selectinload(CallAnswer.question),
                                      selectinload(CallResponse.answers)
                                      .selectinload(CallAnswer.document)))


def save_response(call: Call, dossier: Dossier, values: Mapping[int, object],
                  documents: Mapping[int, Document]) -> CallResponse:
    """Link ``dossier`` to ``call`` and keep its answers (question id → value; a file question
    → its stored document). An answer left empty stays None."""
    response = response_of(dossier)
    if response is None:
        response = CallResponse(call=call, dossier=dossier)
        db.session.add(response)
    elif response.call_id != call.id:
        raise DomainError(_l("Cette idée répond déjà à un autre appel."))
    by_question = {a.question_id: a for a in response.answers}
    for question in call.current_questions:
        answer = by_question.get(question.id)
        document = documents.get(question.id)
        value = None if question.kind == QuestionKind.FILE else values.get(question.id)
        if value is None and document is None:
            # Left empty: no row (a question with no answer may still change in place).
            if answer is not None and answer.document_id is None:
                response.answers.remove(answer)
            continue
        if answer is None:
            answer = CallAnswer(question=question)
            response.answers.append(answer)
        if document is not None:
            if answer.document is not None and answer.document is not document:
                answer.document.removed = True  # replaced: kept for the history, not shown
            answer.document = document
        else:
            answer.value = value
    db.session.flush()
    return response


def detach(dossier: Dossier) -> None:
    """A draft no longer answers its call (closed or withdrawn): it goes on as any idea."""
    response = response_of(dossier)
    if response is not None:
        db.session.delete(response)
        db.session.flush()


def answers_by_key(response: CallResponse | None) -> dict[str, CallAnswer]:
    """The latest answer to each question (whatever version it answered)."""
    if response is None:
        return {}
    found: dict[str, CallAnswer] = {}
    for answer in sorted(response.answers, key=lambda a: a.question.version):
        found[answer.question.key] = answer
    return found


def responses(call: Call, *, sent_only: bool = True) -> list[CallResponse]:
    query = (select(CallResponse).join(Dossier).where(CallResponse.call_id == call.id)
             .options(selectinload(CallResponse.answers).selectinload(CallAnswer.question),
                      selectinload(CallResponse.dossier))
             .order_by(Dossier.submitted_at, Dossier.id))
    if sent_only:
        query = query.where(Dossier.state != DossierState.DRAFT)
    return list(db.session.scalars(query))


def comparison_columns(call: Call) -> list[CallQuestion]:
    """One column per question, its current version (or the last one, if taken off the form
    but answered)."""
    latest: dict[str, CallQuestion] = {}
    for question in sorted(call.questions, key=lambda q: q.version):
        latest[question.key] = question
    return sorted(latest.values(), key=lambda q: (q.retired_at is not None, q.position, q.id))


def put_on_agenda(call: Call, session: CommitteeSession, dossier_ids: list[int],
                  actor: User) -> list[AgendaItem]:
    """Several answers onto one agenda at once: all or nothing (a refusal names the dossier)."""
    if not policies.may_compare_answers(actor):
        raise AccessDenied(_l("Seule l'équipe d'animation compose les ordres du jour."))
    if not dossier_ids:
        raise DomainError(_l("Cochez au moins une réponse à inscrire."), field="dossier")
    chosen = [r.dossier for r in responses(call) if r.dossier_id in dossier_ids]
    if len(chosen) != len(set(dossier_ids)):
        raise DomainError(_l("Une des réponses cochées n'est pas une réponse à cet appel."),
                          field="dossier")
    items = []
    for dossier in chosen:
        try:
            items.append(committee.add_item(session, dossier, actor))
        except DomainError as exc:
            raise DomainError(_l("%(number)s : %(reason)s", number=dossier.number,
                                 reason=exc.message), field="dossier") from exc
    return items


# --- Figures ------------------------------------------------------------------------------

RETAINED_OR_LATER = frozenset({DossierState.RETAINED, DossierState.ON_AGENDA,
                               DossierState.SUPPORTED, DossierState.CONVENTIONED,
                               DossierState.CLOSED})
SUPPORTED_OR_LATER = frozenset({DossierState.SUPPORTED, DossierState.CONVENTIONED,
                                DossierState.CLOSED})


@dataclass
class CallFigures:
    call: Call
    answers: int
    retained: int
    supported: int
    asked_cents: int


def figures(calls: list[Call] | None = None) -> list[CallFigures]:
    """Per call: the ideas sent, those retained, those supported, the financing asked."""
    if calls is None:
        calls = list(db.session.scalars(select(Call).where(
            Call.state.in_([CallState.PUBLISHED, CallState.WITHDRAWN]))
            .order_by(Call.closes_on.desc())))
    rows = []
    for call in calls:
        dossiers = [r.dossier for r in responses(call)]
        rows.append(CallFigures(
            call, len(dossiers), sum(d.state in RETAINED_OR_LATER for d in dossiers),
            sum(d.state in SUPPORTED_OR_LATER for d in dossiers),
            sum(d.financing_amount_cents or 0 for d in dossiers)))
    return rows


# --- Reminders ----------------------------------------------------------------------------

def drafts_to_remind(day: date | None = None) -> list[CallResponse]:
    """Drafts answering a call that closes in three days."""
    closing = (day or paris_today()) + timedelta(days=REMINDER_DAYS)
    return list(db.session.scalars(
        select(CallResponse).join(Call).join(Dossier)
        .where(Call.state == CallState.PUBLISHED, Call.closes_on == closing,
               Dossier.state == DossierState.DRAFT)))


def kind_label(kind: CallKind | str):
    return _l("Besoin") if kind == CallKind.NEED else _l("Appel à idées")

"""The rules of personal data: what a holder may download, what erasure removes and keeps,
and when it is refused.

Erasure and retention anonymise: the names, addresses, telephone numbers and free texts go,
files are deleted; amounts, states, dates, themes, neighbourhoods and the history's shape
stay, so that the collective's statistics do not change. Nothing is touched while a dossier
is under instruction or has a convention still running.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from murporteur.accounts.models import AccessToken, User
from murporteur.audit import services as audit
from murporteur.core.db import utcnow
from murporteur.core.errors import DomainError
from murporteur.extensions import db
from murporteur.notifications.models import DigestItem, InAppNotification, OutboxMessage
from murporteur.submissions import uploads
from murporteur.submissions.models import Document, Dossier, DossierEvent, Message
from murporteur.submissions.policies import may_view_document
from murporteur.submissions.scanning import WITHHELD
from murporteur.submissions.workflow import STATES, DossierState

#: States in which the collective is still working on a dossier: never anonymised.
UNDER_INSTRUCTION = frozenset({DossierState.SUBMITTED, DossierState.QUALIFYING,
                               DossierState.NEEDS_INFO, DossierState.RETAINED,
                               DossierState.ON_AGENDA, DossierState.SUPPORTED})
#: Finished states whose dossiers are anonymised after the retention period.
RETAINED_THEN_ANONYMISED = frozenset({DossierState.DECLINED, DossierState.REDIRECTED,
                                      DossierState.WITHDRAWN})
ANONYMOUS_TITLE = "Dossier anonymisé"
#: The dossier's answers that say who the holder is, or are free texts they wrote.
PERSONAL_FIELDS = ("contact_name", "structure_name", "phone", "summary", "need", "residents",
                   "support_details")


class ErasureRefused(DomainError):
    """Erasure is not possible now; the message says why."""


# --- What a holder may download ------------------------------------------------------------

def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _value(value):
    return getattr(value, "value", value)


def archive_name(document: Document) -> str:
    return f"files/{document.public_id}-{uploads.download_name(document)}"


def dossier_data(dossier: Dossier) -> dict:
    from murporteur.collective.settings import consent_text
    from murporteur.submissions.services import ANSWER_FIELDS

    exported = holder_documents(dossier)
    return {
        "reference": dossier.reference, "state": dossier.state,
        "state_label": str(STATES[dossier.state].holder_label),
        "created_at": _iso(dossier.created_at), "submitted_at": _iso(dossier.submitted_at),
        "consent": {"at": _iso(dossier.consent_at), "version": dossier.consent_version,
                    "text": consent_text(dossier.consent_version)},
        "answers": {name: _value(getattr(dossier, name)) for name in ANSWER_FIELDS},
        # What the holder's timeline shows: state changes (staff activity rows are internal).
        "history": [{"at": _iso(e.created_at), "from": e.from_state, "to": e.to_state,
                     "comment": e.comment} for e in dossier.events
                    if e.from_state != e.to_state],
        "messages": [{"at": _iso(m.created_at),
                      "from": "you" if m.author_id == dossier.holder_id else "team",
                      "body": m.body} for m in dossier.messages],
        "documents": [{"name": d.original_name, "file": archive_name(d), "kind": d.kind.value,
                       "size": d.size, "uploaded_at": _iso(d.created_at)}
                      for d in exported],
        "conventions": [{"organisation": c.organisation.name, "state": c.state,
                         "committed_cents": c.committed_cents, "in_kind_cents": c.in_kind_cents,
                         "start_date": _iso(c.start_date), "end_date": _iso(c.end_date),
                         "signed_copy": (archive_name(c.signed_document)
                                         if c.signed_document in exported else None),
                         "payments": [{"planned_date": _iso(p.planned_date),
                                       "amount_cents": p.amount_cents,
                                       "paid_date": _iso(p.paid_date)} for p in c.payments]}
                        for c in getattr(dossier, "conventions", [])],
    }


def holder_documents(dossier: Dossier) -> list[Document]:
    """The files of the dossier its holder may download (``may_view_document``: their own,
    the thread's, their conventions' signed copies — not the team's own files), but those
    the antivirus holds back."""
    return [d for d in dossier.documents
            if may_view_document(dossier.holder, d) and d.scan_status not in WITHHELD]


def holder_dossiers(holder: User) -> list[Dossier]:
    return list(db.session.scalars(select(Dossier).where(Dossier.holder_id == holder.id)
                                   .order_by(Dossier.id)))


def export_archive(holder: User, *, now: datetime | None = None) -> bytes:
    """A zip of everything the platform holds about ``holder`` that they may see:
    ``data.json`` (account, dossiers, history, messages, conventions) and ``files/``."""
    dossiers = holder_dossiers(holder)
    data = {
        "exported_at": _iso(now or utcnow()),
        "account": {"email": holder.mail_address, "full_name": holder.full_name,
                    "phone": holder.phone, "locale": holder.locale,
                    "created_at": _iso(holder.created_at),
                    "last_login_at": _iso(holder.last_login_at)},
        "dossiers": [dossier_data(d) for d in dossiers],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for dossier in dossiers:
            for document in holder_documents(dossier):
                path = uploads.path_of(document)
                if path.exists():
                    archive.write(path, archive_name(document))
    audit.record(holder, "privacy.export", holder, {"dossiers": [d.id for d in dossiers]})
    return buffer.getvalue()


# --- Erasure --------------------------------------------------------------------------------

def live_conventions(dossier: Dossier) -> list:
    from murporteur.conventions.workflow import FINISHED

    return [c for c in getattr(dossier, "conventions", []) if c.state not in FINISHED]


def why_not_erasable(dossier: Dossier) -> str | None:
    """Why ``dossier`` cannot be anonymised now, or None when it can."""
    if dossier.state in UNDER_INSTRUCTION:
        return str(_l("le dossier %(ref)s est en cours d'instruction (« %(state)s ») : "
                      "retirez-le d'abord, ou attendez la décision",
                      ref=dossier.reference, state=STATES[dossier.state].holder_label))
    if live_conventions(dossier):
        return str(_l("le dossier %(ref)s a une convention en cours : elle doit être achevée "
                      "ou résiliée", ref=dossier.reference))
    return None


def erasure_obstacles(holder: User) -> list[str]:
    return [reason for d in holder_dossiers(holder) if (reason := why_not_erasable(d))]


def _delete_files(documents: list[Document]) -> None:
    for document in documents:
        uploads.path_of(document).unlink(missing_ok=True)
        from murporteur.submissions.scanning import quarantine_path

        quarantine_path(document).unlink(missing_ok=True)
        document.original_name = "document"
        document.removed = True


def _scrub_notifications(dossier_id: int) -> None:
    """The mails and digest lines about a dossier repeat its personal data: they go."""
    db.session.execute(delete(DigestItem).where(DigestItem.dossier_id == dossier_id))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.dossier_id == dossier_id))
    db.session.execute(delete(AccessToken).where(AccessToken.dossier_id == dossier_id))


def anonymise_dossier(dossier: Dossier, actor: User | None, *, reason: str,
                      now: datetime | None = None) -> None:
    """Erase the personal data of one dossier, keeping what statistics need."""
    refusal = why_not_erasable(dossier)
    if refusal:
        raise ErasureRefused(refusal)
    from murporteur.committee.models import AgendaItem
    from murporteur.triage.models import PhoneCall, PrivateNote, Qualification

    now = now or utcnow()
    values: dict[str, object] = dict.fromkeys(PERSONAL_FIELDS, "")
    values.update(title=ANONYMOUS_TITLE, anonymised_at=now,
                  updated_at=Dossier.updated_at)  # not "touched" by the holder
    db.session.execute(update(Dossier).where(Dossier.id == dossier.id).values(**values))
    db.session.execute(update(Message).where(Message.dossier_id == dossier.id)
                       .values(body=""))
    db.session.execute(update(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                       .values(comment=""))
    db.session.execute(update(PrivateNote).where(PrivateNote.dossier_id == dossier.id)
                       .values(body=""))
    db.session.execute(update(PhoneCall).where(PhoneCall.dossier_id == dossier.id)
                       .values(notes=""))
    db.session.execute(update(Qualification).where(Qualification.dossier_id == dossier.id)
                       .values(summary="", opinion=""))
    db.session.execute(update(AgendaItem).where(AgendaItem.dossier_id == dossier.id)
                       .values(decision_comment=""))
    from murporteur.conventions.models import Convention

    db.session.execute(update(Convention).where(Convention.dossier_id == dossier.id)
                       .values(signatories="", object=""))
    _delete_files(list(db.session.scalars(select(Document).where(
        Document.dossier_id == dossier.id))))
    _scrub_notifications(dossier.id)
    db.session.flush()
    db.session.expire(dossier)
    audit.record(actor, "privacy.anonymise_dossier", dossier, {
        "reason": reason, "state": dossier.state, "anonymised_at": now})


def delete_draft(dossier: Dossier, actor: User | None, *, reason: str) -> None:
    """Remove a draft entirely (a draft was never sent: nothing of it counts in statistics)."""
    if not dossier.is_draft:
        raise DomainError(_l("Seul un brouillon se supprime."))
    _delete_files(list(db.session.scalars(select(Document).where(
        Document.dossier_id == dossier.id))))
    db.session.execute(delete(Document).where(Document.dossier_id == dossier.id))
    _scrub_notifications(dossier.id)
    audit.record(actor, "privacy.delete_draft", dossier, {"reason": reason})
    db.session.flush()
    db.session.execute(delete(Dossier).where(Dossier.id == dossier.id))
    db.session.expunge(dossier)


def anonymise_account(user: User, actor: User | None, *, now: datetime | None = None) -> None:
    """The account itself: no name, no address, no telephone, no way to log in."""
    user.email = f"efface-{user.id}@anonyme.invalid"
    user.contact_email = None
    user.full_name = ""
    user.phone = None
    user.password_hash = None
    user.locale = None
    user.active = False
    user.session_version = (user.session_version or 1) + 1
    db.session.execute(delete(InAppNotification).where(InAppNotification.user_id == user.id))
    db.session.execute(delete(DigestItem).where(DigestItem.user_id == user.id))
    db.session.execute(delete(AccessToken).where(AccessToken.user_id == user.id))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient_id == user.id)
                       .values(recipient_email=user.email, context={}, subject=None,
                               text_body=None, html_body=None))
    db.session.flush()
    audit.record(actor, "privacy.anonymise_account", user, {"at": now or utcnow()})


def erase_holder(holder: User, *, now: datetime | None = None) -> None:
    """The holder's request: every dossier anonymised (drafts deleted), then the account.
    Refused as a whole, before anything changes, while one dossier may not be erased."""
    obstacles = erasure_obstacles(holder)
    if obstacles:
        raise ErasureRefused(_l("L'effacement n'est pas possible pour l'instant : %(why)s.",
                                why=" ; ".join(obstacles)))
    for dossier in holder_dossiers(holder):
        if dossier.is_draft:
            delete_draft(dossier, holder, reason="holder_request")
        elif dossier.anonymised_at is None:
            anonymise_dossier(dossier, holder, reason="holder_request", now=now)
    anonymise_account(holder, holder, now=now)

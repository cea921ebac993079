"""Signing a convention in the application (a simple electronic signature, eIDAS).

An animator sends one or more draft conventions of a dossier for signature: one document is
generated from the template, frozen (its SHA-256 kept), and each party is asked to sign — the
holder, and for each organisation its authorised signatory (``accounts.signatories``; who
may delegate to another member of the same organisation: ``delegations``). An organisation
without one is refused, naming it (``NoSignatory``). A signatory reads the document, asks for
a one-time code sent by e-mail and types it: the signature is recorded with the instant, the
address and the hash of what was signed. A wrong code counts; after ``MAX_ATTEMPTS`` the code
is spent; a code lasts ``CODE_MINUTES``. When every party has signed, the evidence page is
added, the PDF sealed (``seal``) and each convention moves to « signed ». A convention changed
after sending cancels the document: its pending signatures are cancelled and the signatories
told.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from murporteur import signals
from murporteur.accounts import signatories
from murporteur.accounts.models import Organisation, User
from murporteur.audit import services as audit
from murporteur.conventions import documents, seal, templates
from murporteur.conventions.models import Convention
from murporteur.conventions.policies import may_manage_convention, may_sign_document
from murporteur.conventions.signing_models import ConventionDocument, Signature
from murporteur.conventions.workflow import ConventionState, SignatureState
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import apply_transition
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.services import queue
from murporteur.triage.notifications import dossier_context

CODE_MINUTES = 15
MAX_ATTEMPTS = 5
MAX_CODES = 5


class CodeRefused(DomainError):
    """A wrong, expired or spent code: the attempt counts, the page says why (the view keeps
    the count although it refuses the request)."""


def _digest(signature: Signature, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{signature.id}:{code}".encode(), hashlib.sha256).hexdigest()


class NoSignatory(DomainError):
    """Organisations party to the document have no authorised signatory: nothing is sent,
    and the page names them, with where to designate one."""

    def __init__(self, organisations: list[Organisation]):
        names = ", ".join(f"« {o.name} »" for o in organisations)
        if len(organisations) == 1:
            message = _l("Envoi impossible : %(names)s n'a pas de signataire habilité·e. "
                         "Désignez la personne qui signe sur la page de l'organisation "
                         "(rubrique « Signataire habilité·e »), puis envoyez à nouveau.",
                         names=names)
        else:
            message = _l("Envoi impossible : %(names)s n'ont pas de signataire habilité·e. "
                         "Désignez la personne qui signe sur la page de chaque organisation "
                         "(rubrique « Signataire habilité·e »), puis envoyez à nouveau.",
                         names=names)
        super().__init__(message)
        self.organisations = organisations


def signatory_of(organisation_id: int) -> User | None:
    """Who signs for an organisation: its authorised signatory, if it has one."""
    return signatories.current_signatory(organisation_id)


def open_document(convention: Convention) -> ConventionDocument | None:
    return next((d for d in getattr(convention, "documents", []) if d.is_open), None)


def send_for_signature(conventions: list[Convention], actor: User) -> ConventionDocument:
    """Generate, freeze and send one document binding ``conventions`` (all drafts of one
    dossier): each party is asked to sign."""
    if not may_manage_convention(actor):
        raise AccessDenied(_l("Réservé à l'équipe d'animation."))
    if not conventions:
        raise DomainError(_l("Choisissez au moins une convention à envoyer."))
    dossier = conventions[0].dossier
    if any(c.dossier_id != dossier.id for c in conventions):
        raise DomainError(_l("Un document ne lie que les conventions d'un même projet."))
    if any(c.state != ConventionState.DRAFT for c in conventions):
        raise DomainError(_l("Seule une convention en brouillon s'envoie pour signature."))
    signers = [(c.organisation_id, signatory_of(c.organisation_id)) for c in conventions]
    lacking = [c.organisation for c, (_o, signer) in zip(conventions, signers, strict=True)
               if signer is None]
    if lacking:
        raise NoSignatory(lacking)
    pdf = documents.document_pdf(conventions)
    title = templates.template_for(conventions[0].kind, conventions[0].organisation_id
                                   if len(conventions) == 1 else None).title
    document = ConventionDocument(dossier=dossier, title=title, pdf=pdf,
                                  sha256=documents.sha256(pdf), created_by_id=actor.id,
                                  conventions=list(conventions))
    db.session.add(document)
    document.signatures.append(Signature(organisation_id=None, signer=dossier.holder))
    for organisation_id, signer in signers:
        document.signatures.append(Signature(organisation_id=organisation_id, signer=signer))
    db.session.flush()
    for convention in conventions:
        apply_transition(convention, "send_for_signature", actor)
    audit.record(actor, "convention_document.send", document, {
        "sha256": document.sha256, "conventions": [c.id for c in conventions],
        "signers": [s.signer_id for s in document.signatures]})
    for signature in document.signatures:
        tell(signature, "convention_signature_requested")
    return document


def tell(signature: Signature, key: str, to: User | None = None, **extra) -> None:
    """Write to the signatory (or ``to``) about ``signature``: mail ``key``."""
    document = signature.document
    context = dict(dossier_context(document.dossier), document=document.title,
                   url=external_url("signing.signature_page", signature_id=signature.id),
                   **extra)
    recipient = to or signature.signer
    queue(key, recipient, context,
          idempotency_key=f"{key}:{signature.id}:{recipient.id}:"
          f"{len(signature.events)}:{signature.codes_sent}:{len(signature.delegations)}",
          dossier_id=document.dossier_id, sensitive=True)


def require_pending(signature: Signature) -> None:
    if not signature.is_pending or not signature.document.is_open:
        raise DomainError(_l("Cette signature n'est plus attendue."))


def _require_signer(signature: Signature, actor: User) -> None:
    if not may_sign_document(actor, signature):
        raise AccessDenied(_l("Seul·e la personne appelée à signer peut le faire : le ou la "
                              "signataire habilité·e de l'organisation, ou la personne à qui "
                              "elle a délégué cette signature."))
    require_pending(signature)


def send_code(signature: Signature, actor: User) -> None:
    """A new one-time code by e-mail (the earlier one stops working)."""
    _require_signer(signature, actor)
    if signature.codes_sent >= MAX_CODES:
        raise DomainError(_l("Trop de codes demandés pour cette signature : écrivez à l'équipe "
                             "d'animation."))
    code = f"{secrets.randbelow(10**6):06d}"
    signature.codes_sent += 1
    signature.code_digest = _digest(signature, code)
    signature.code_expires_at = utcnow() + timedelta(minutes=CODE_MINUTES)
    signature.code_attempts = 0
    db.session.flush()
    audit.record(actor, "convention_signature.code_sent", signature, {
        "codes_sent": signature.codes_sent})
    tell(signature, "convention_signature_code", code=code, minutes=CODE_MINUTES)


def sign(signature: Signature, actor: User, code: str, ip: str | None) -> None:
    """Sign with the code received: refused (``CodeRefused``) when wrong, expired or spent."""
    _require_signer(signature, actor)
    now = utcnow()
    if signature.code_digest is None or signature.code_expires_at is None:
        raise CodeRefused(_l("Demandez d'abord un code : il vous sera envoyé par courriel."))
    if signature.code_expires_at < now:
        signature.code_digest = None
        raise CodeRefused(_l("Ce code a expiré : demandez-en un nouveau."))
    if not hmac.compare_digest(signature.code_digest, _digest(signature, (code or "").strip())):
        signature.code_attempts += 1
        if signature.code_attempts >= MAX_ATTEMPTS:
            signature.code_digest = None
            raise CodeRefused(_l("Trop d'essais erronés : ce code ne vaut plus, demandez-en un "
                                 "nouveau."))
        raise CodeRefused(_l("Ce code n'est pas le bon. Il vous reste %(n)s essai(s).",
                             n=MAX_ATTEMPTS - signature.code_attempts))
    signature.code_digest = None
    signature.signed_at = now
    signature.signed_ip = (ip or "")[:45] or None
    signature.signed_sha256 = signature.document.sha256
    apply_transition(signature, "sign", actor, "Code à usage unique reçu par courriel")
    if all(s.state == SignatureState.SIGNED for s in signature.document.signatures):
        complete(signature.document)


def complete(document: ConventionDocument) -> None:
    """Every party signed: the evidence page added, the PDF sealed, the conventions signed."""
    from pypdf import PdfReader, PdfWriter

    now = utcnow()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(document.pdf)))
    writer.append(PdfReader(io.BytesIO(documents.evidence_pdf(document, now))))
    merged = io.BytesIO()
    writer.write(merged)
    sealed = seal.seal(merged.getvalue())
    document.sealed_pdf, document.sealed_sha256 = sealed, documents.sha256(sealed)
    document.sealed_at = now
    db.session.flush()
    audit.record(None, "convention_document.seal", document, {
        "sha256": document.sha256, "sealed_sha256": document.sealed_sha256})
    for convention in document.conventions:
        if convention.state == ConventionState.SENT_FOR_SIGNATURE:
            apply_transition(convention, "sign", None,
                             "Signée électroniquement par toutes les parties")


def cancel(document: ConventionDocument, actor: User | None, reason: str) -> None:
    """The document changed after sending: its pending signatures are cancelled, the
    signatories told, its conventions back to draft."""
    if not document.is_open:
        return
    document.cancelled_at, document.cancel_reason = utcnow(), reason
    for signature in document.signatures:
        if signature.is_pending:
            apply_transition(signature, "cancel", actor, reason)
        tell(signature, "convention_signature_cancelled", reason=reason)
    for convention in document.conventions:
        if convention.state == ConventionState.SENT_FOR_SIGNATURE:
            apply_transition(convention, "withdraw", actor, reason)
    audit.record(actor, "convention_document.cancel", document,
                 {"reason_sha256": audit.text_digest(reason)})


def changed(convention: Convention, actor: User | None) -> None:
    """Called when a convention's content changes: its open document, if any, is cancelled."""
    document = open_document(convention)
    if document is not None:
        cancel(document, actor, str(_l("La convention a été modifiée après son envoi : un "
                                       "nouveau document sera envoyé.")))


def document_by_hash(digest: str) -> ConventionDocument | None:
    return db.session.scalar(select(ConventionDocument).where(
        ConventionDocument.sealed_sha256 == digest))


@signals.convention_transitioned.connect
def _withdrawn(convention: Convention, event, actor, **_) -> None:
    """A convention withdrawn from signature by hand cancels its open document too."""
    if event.transition == "withdraw":
        document = open_document(convention)
        if document is not None:
            cancel(document, actor, event.comment or str(_l(
                "La convention a été retirée de la signature.")))

"""The conventions' rules: created from the committee's offers, amounts in cents, payments
never beyond what is committed, amendments after signature, the dossier following along."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from murporteur import signals
from murporteur.accounts.models import Organisation, User
from murporteur.audit import services as audit
from murporteur.committee.models import AgendaItem, Decision, Position
from murporteur.conventions import signatures
from murporteur.conventions.models import Amendment, Convention, ConventionKind, Payment
from murporteur.conventions.policies import may_manage_convention, may_sign, visible_conventions
from murporteur.conventions.workflow import FINISHED, SIGNED_STATES, ConventionState
from murporteur.core import params
from murporteur.core.db import utcnow
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import apply_transition
from murporteur.core.money import format_cents
from murporteur.core.text import french_order
from murporteur.extensions import db
from murporteur.premises import services as premises
from murporteur.premises.models import PremisesUnit
from murporteur.submissions import uploads
from murporteur.submissions.models import Document, DocumentKind, Dossier
from murporteur.submissions.workflow import DossierState

#: The kind of convention an offer of the committee leads to, most specific first.
KIND_OF_OFFER = (("financing", ConventionKind.FINANCING), ("premises", ConventionKind.PREMISES),
                 ("order", ConventionKind.ORDER))
EDITABLE_BEFORE_SIGNATURE = ("kind", "committed_cents", "in_kind_cents", "start_date",
                             "end_date", "object", "signatories", "reference",
                             "premises_unit_id")


def _require_animator(actor: User) -> None:
    if not may_manage_convention(actor):
        raise AccessDenied(_l("Réservé à l'équipe d'animation."))


def supporting_offers(dossier: Dossier) -> list[tuple[Organisation, Position | None]]:
    """The organisations the committee recorded as supporting the project, each with the
    offer it had given (from the latest published decision that supported it)."""
    item = db.session.scalar(select(AgendaItem).where(
        AgendaItem.dossier_id == dossier.id, AgendaItem.decision == Decision.SUPPORTED,
        AgendaItem.decision_published_at.is_not(None))
        .order_by(AgendaItem.decision_published_at.desc()))
    if item is None:
        return []
    positions = {p.organisation_id: p for p in item.positions}
    return [(organisation, positions.get(organisation.id)) for organisation in item.supporters]


def kind_of(position: Position | None) -> ConventionKind:
    offered = set(position.offer_kinds if position else [])
    return next((kind for offer, kind in KIND_OF_OFFER if offer in offered),
                ConventionKind.PARTNERSHIP)


def create_conventions(dossier: Dossier, actor: User) -> list[Convention]:
    """One draft convention per supporting organisation, pre-filled from its offer."""
    _require_animator(actor)
    if dossier.state not in (DossierState.SUPPORTED, DossierState.CONVENTIONED):
        raise DomainError(_l("Seul un projet soutenu par le comité reçoit des conventions."))
    existing = {c.organisation_id for c in dossier.conventions}
    created = []
    for organisation, position in supporting_offers(dossier):
        if organisation.id in existing:
            continue
        amount = position.amount_cents if position and position.amount_cents else 0
        kind = kind_of(position)
        convention = Convention(
            dossier=dossier, organisation=organisation, kind=kind, state=ConventionState.DRAFT,
            committed_cents=0 if kind == ConventionKind.PREMISES else amount,
            in_kind_cents=amount if kind == ConventionKind.PREMISES else 0,
            object=(position.comment if position and position.comment else dossier.title),
            premises_unit_id=position.premises_unit_id if position else None)
        db.session.add(convention)
        created.append(convention)
    if not created and not existing:
        raise DomainError(_l("Le comité n'a enregistré aucune organisation qui soutienne ce "
                             "projet."))
    db.session.flush()
    audit.record(actor, "convention.create", dossier, {"conventions": [
        {"id": c.id, "organisation_id": c.organisation_id, "kind": c.kind,
         "committed_cents": c.committed_cents, "in_kind_cents": c.in_kind_cents}
        for c in created]})
    return created


def update_convention(convention: Convention, actor: User, **fields) -> None:
    """Edit a convention before its signature; amounts after it go through ``amend``."""
    _require_animator(actor)
    unknown = set(fields) - set(EDITABLE_BEFORE_SIGNATURE)
    if unknown:
        raise TypeError(sorted(unknown))
    if convention.state in SIGNED_STATES:
        changed = {k for k, v in fields.items() if getattr(convention, k) != v}
        if changed & {"committed_cents", "in_kind_cents"}:
            raise DomainError(_l("La convention est signée : un montant se modifie par un "
                                 "avenant motivé."))
        if changed - {"reference", "signatories"}:
            raise DomainError(_l("La convention est signée : seuls la référence et les "
                                 "signataires se modifient encore."))
    before = {name: getattr(convention, name) for name in fields}
    unit_id = fields.get("premises_unit_id")
    if unit_id is not None and unit_id != convention.premises_unit_id:
        unit = db.session.get(PremisesUnit, unit_id)
        if unit is None:
            raise DomainError(_l("Ce numéro de local n'est pas dans le catalogue."),
                              field="premises_unit")
        premises.ensure_offerable(unit, convention.organisation_id)
    params.check_business_day(fields.get("start_date"))
    params.check_business_day(fields.get("end_date"))
    for name, value in fields.items():
        if name.endswith("_cents") and (value is None or value < 0):
            raise DomainError(_l("Un montant ne peut pas être négatif."))
        setattr(convention, name, value)
    if convention.start_date and convention.end_date and \
            convention.end_date < convention.start_date:
        raise DomainError(_l("La date de fin précède la date de début."))
    if convention.scheduled_cents > convention.committed_cents:
        raise DomainError(_l("Les versements prévus (%(scheduled)s) dépasseraient le montant "
                             "engagé.", scheduled=format_cents(convention.scheduled_cents)))
    db.session.flush()
    differences = {name: {"old": before[name], "new": value}
                   for name, value in fields.items() if before[name] != value}
    if differences:
        signatures.changed(convention, actor)
    audit.record(actor, "convention.update", convention, {
        name: (change if name.endswith(("_cents", "_date")) or name == "kind"
               else {"changed": True}) for name, change in differences.items()})


def amend(convention: Convention, actor: User, *, field: str, new_cents: int,
          reason: str) -> Amendment:
    """Change an amount after signature: the old and new amounts and the reason are kept."""
    _require_animator(actor)
    if field not in ("committed", "in_kind"):
        raise ValueError(field)
    if convention.state not in SIGNED_STATES:
        raise DomainError(_l("Avant la signature, modifiez simplement la convention."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Indiquez la raison de l'avenant."))
    if new_cents < 0:
        raise DomainError(_l("Un montant ne peut pas être négatif."))
    if field == "committed" and new_cents < convention.scheduled_cents:
        raise DomainError(_l("Le nouveau montant est inférieur aux versements prévus "
                             "(%(scheduled)s) : retirez d'abord des versements.",
                             scheduled=format_cents(convention.scheduled_cents)))
    attribute = f"{field}_cents"
    amendment = Amendment(convention_id=convention.id, field=field,
                          old_cents=getattr(convention, attribute), new_cents=new_cents,
                          reason=reason, actor=actor)
    setattr(convention, attribute, new_cents)
    db.session.add(amendment)
    db.session.flush()
    audit.record(actor, "convention.amend", convention, {
        "amendment_id": amendment.id, "field": field, "old_cents": amendment.old_cents,
        "new_cents": new_cents, "reason_sha256": audit.text_digest(reason)})
    return amendment


def schedule_payment(convention: Convention, actor: User, planned: date,
                     amount_cents: int) -> Payment:
    """Plan a payment; the schedule may not exceed the amount committed."""
    _require_animator(actor)
    _require_open(convention)
    params.check_business_day(planned)
    if amount_cents <= 0:
        raise DomainError(_l("Le montant d'un versement est positif."))
    total = convention.scheduled_cents + amount_cents
    if total > convention.committed_cents:
        raise DomainError(_l(
            "Ce versement porterait l'échéancier à %(total)s, au-delà du montant engagé "
            "(%(committed)s). Réduisez-le, ou faites d'abord un avenant.",
            total=format_cents(total), committed=format_cents(convention.committed_cents)))
    payment = Payment(convention=convention, planned_date=planned, amount_cents=amount_cents)
    db.session.add(payment)
    db.session.flush()
    signatures.changed(convention, actor)
    audit.record(actor, "payment.schedule", payment, {
        "convention_id": convention.id, "planned_date": planned, "amount_cents": amount_cents})
    return payment


def _require_open(convention: Convention) -> None:
    if convention.state in FINISHED:
        raise DomainError(_l("La convention est close."))


def mark_paid(payment: Payment, actor: User, paid: date, amount_cents: int) -> None:
    _require_animator(actor)
    _require_open(payment.convention)
    params.check_business_day(paid)
    if amount_cents < 0:
        raise DomainError(_l("Un montant ne peut pas être négatif."))
    convention = payment.convention
    others = convention.paid_cents - (payment.paid_amount_cents or 0 if payment.paid_date else 0)
    if others + amount_cents > convention.committed_cents:
        raise DomainError(_l("Le total versé dépasserait le montant engagé (%(committed)s).",
                             committed=format_cents(convention.committed_cents)))
    payment.paid_date, payment.paid_amount_cents = paid, amount_cents
    db.session.flush()
    audit.record(actor, "payment.mark_paid", payment, {
        "convention_id": convention.id, "paid_date": paid, "paid_amount_cents": amount_cents})


def remove_payment(payment: Payment, actor: User) -> None:
    _require_animator(actor)
    _require_open(payment.convention)
    if payment.paid_date is not None:
        raise DomainError(_l("Un versement effectué ne se supprime pas."))
    if payment.requests:
        raise DomainError(_l("Le porteur a demandé ce versement : il ne se supprime plus."))
    audit.record(actor, "payment.remove", payment, {
        "convention_id": payment.convention_id, "planned_date": payment.planned_date,
        "amount_cents": payment.amount_cents})
    convention = payment.convention
    convention.payments.remove(payment)
    db.session.flush()
    signatures.changed(convention, actor)


@signals.convention_transitioned.connect
def _dossier_follows(convention: Convention, event, actor, **_) -> None:
    """A convention's step moves its dossier along, in the same transaction: the first
    signature makes the dossier conventioned, the end of the last convention closes it."""
    dossier = convention.dossier
    if event.transition == "sign":
        convention.signed_at = utcnow()
        if dossier.state == DossierState.SUPPORTED:
            apply_transition(dossier, "convention", None, str(convention.organisation.name))
    if convention.state in FINISHED and dossier.state == DossierState.CONVENTIONED and all(
            c.state in FINISHED for c in dossier.conventions):
        apply_transition(dossier, "close", None)
    db.session.flush()


def store_signed_copy(convention: Convention, upload, actor: User) -> Document:
    """Keep the signed copy of ``convention`` (its organisation's members, or an animator):
    a document of the convention, seen only by those who may see the convention
    (``submissions.policies``), never by the other organisations on the dossier's agenda."""
    if not may_sign(actor, convention):  # the animators too: the ``sign`` step lets them
        raise AccessDenied(_l("Vous ne pouvez pas déposer ce document."))
    if convention.state == ConventionState.DRAFT:
        raise DomainError(_l("La convention n'a pas encore été envoyée pour signature."))
    document = uploads.store(upload, uploaded_by_id=actor.id, dossier_id=convention.dossier_id,
                             kind=DocumentKind.CONVENTION, convention_id=convention.id,
                             organisation_id=convention.organisation_id)
    convention.signed_document = document
    db.session.flush()
    audit.record(actor, "convention.signed_copy", convention, {"document_id": document.id})
    return document


def conventions_for(user: User, *, state: str | None = None,
                    organisation_id: int | None = None) -> list[Convention]:
    """The conventions ``user`` may see (``policies.visible_conventions``), latest first; of
    one state, of one organisation when asked."""
    query = visible_conventions(user).order_by(Convention.created_at.desc(),
                                               Convention.id.desc())
    if state:
        query = query.where(Convention.state == state)
    if organisation_id is not None:
        query = query.where(Convention.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def organisations_with_conventions(user: User) -> list[Organisation]:
    """The organisations of the conventions ``user`` may see, by name (the list's filter)."""
    ids = visible_conventions(user).with_only_columns(Convention.organisation_id)
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))
                                   .order_by(french_order(Organisation.name), Organisation.id)))


def count_conventions(user: User) -> int:
    """How many conventions ``user`` may see (to say when a list is filtered)."""
    return db.session.execute(visible_conventions(user).with_only_columns(
        func.count(Convention.id)).order_by(None)).scalar_one()

"""Demo data of issue 18: conventions generated and signed in the application.

Every organisation has its authorised signatory (``seed_signatories``): its member, and for
the collective's animating organisation its first animator. Among the projects the committee
supported and that have no convention yet: the first gets one document binding all its
supporting organisations (a multi-party convention), signed by every party and sealed; the
second a document signed by the holder, then cancelled by a change of the convention, and sent
again (every signature pending, one of them delegated by its organisation's signatory to a
colleague); a third, if any, stays a draft whose document is only previewed (generated, not
frozen). A template of the collective for the financing conventions is saved.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from murporteur.accounts import signatories
from murporteur.accounts.models import OrganisationKind, Role, User
from murporteur.accounts.services import create_user
from murporteur.conventions import delegations, signatures, templates, tfpb
from murporteur.conventions import services as conventions
from murporteur.conventions.models import ConventionKind, TfpbAxis
from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.notifications.models import OutboxMessage
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import DossierState

DEMO_IPS = ("192.0.2.14", "198.51.100.23", "203.0.113.42", "192.0.2.77")


def _sign(signature, ip: str) -> None:
    """Sign as the signatory would: ask for a code, type the one the mail carries."""
    signatures.send_code(signature, signature.signer)
    message = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.key == "convention_signature_code",
        OutboxMessage.recipient_email == signature.signer.mail_address)
        .order_by(OutboxMessage.id.desc()))
    assert message is not None
    signatures.sign(signature, signature.signer, message.context["code"], ip)


def seed_signatories(admin, animators, members) -> None:
    """Each member signs for their organisation; the first animator for the collective's
    animating organisation."""
    for person in [*members, animators[0]]:
        if signatories.current_signatory(person.organisation_id) is None:
            signatories.designate(admin, person.organisation, person)


def _delegate_one(document, password: str) -> User | None:
    """The first organisation's signatory of ``document`` hands their signature to a
    colleague (created for the demo): returns the colleague."""
    signature = next(s for s in document.signatures if s.organisation_id is not None)
    organisation = signature.organisation
    colleague = create_user(f"signature.{organisation.id}@membres.example", Role.MEMBER,
                            full_name="Hélène Garnier", password=password,
                            organisation=organisation)
    delegations.delegate(signature, signature.signer, colleague)
    return colleague


def seed_signatures(animator, password: str) -> list[str]:
    """The documents and signatures; returns the address of the colleague a signature was
    delegated to (a login of the demo)."""
    templates.save_template(
        animator, ConventionKind.FINANCING, None, "Convention de financement du collectif",
        templates.DEFAULT_BODY)
    supported = [d for d in db.session.scalars(
        select(Dossier).where(Dossier.state == DossierState.SUPPORTED).order_by(Dossier.id))
        if not d.conventions]
    today = utcnow().date()
    logins = []
    for index, dossier in enumerate(supported[:3]):
        created = conventions.create_conventions(dossier, animator)
        for convention in created:
            if convention.committed_cents == 0 and convention.in_kind_cents == 0:
                convention.committed_cents = 300000
            convention.start_date = today + timedelta(days=30)
            convention.end_date = convention.start_date + timedelta(days=365)
            if convention.committed_cents:
                conventions.schedule_payment(convention, animator,
                                             convention.start_date + timedelta(days=14),
                                             convention.committed_cents)
        if index == 2:
            continue  # stays a draft, its document previewed only (when there is a third)
        if index == 1:
            # sent, signed by the holder, then changed: the document is cancelled and the
            # signatories told; sent again, it waits for every signature
            first = signatures.send_for_signature(created, animator)
            _sign(next(s for s in first.signatures if s.organisation_id is None), DEMO_IPS[0])
            convention = created[0]
            conventions.update_convention(convention, animator,
                                          reference=f"CONV-{dossier.number}",
                                          end_date=today + timedelta(days=485))
        document = signatures.send_for_signature(created, animator)
        if index == 1:
            colleague = _delegate_one(document, password)
            if colleague is not None:
                logins.append(colleague.email)
        if index == 0:  # the jointly supported project: signed by every party, sealed
            for convention in created:  # the landlords count it for their TFPB relief
                if convention.organisation.kind == OrganisationKind.LANDLORD:
                    tfpb.mark(convention, animator, TfpbAxis.SOCIAL_LINK,
                              (dossier.neighbourhoods or dossier.town).split(",")[0])
            for number, signature in enumerate(document.signatures):
                _sign(signature, DEMO_IPS[number % len(DEMO_IPS)])
    return logins

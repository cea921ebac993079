"""Issue 18: each organisation's authorised signatory (« signataire habilité·e »), designated
by an admin or an animator; a convention goes out for signature only when every party has
one; the signatory may delegate one signature to a colleague and take it back while it is
not given; nobody else of the organisation signs, nobody of another one even sees it."""

from __future__ import annotations

import pytest

from murporteur.accounts import signatories
from murporteur.conventions import delegations, signatures
from murporteur.conventions.signing_models import ConventionDocument
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from tests.conventions.test_services import supported_project
from tests.conventions.test_signatures import TWO_OFFERS, client_of, code_sent_to, pdf_text
from tests.factories import AdminFactory, AnimatorFactory, MemberFactory, designated
from tests.helpers import outbox, text


@pytest.fixture
def project(app, animator):
    from murporteur.conventions import services

    dossier, organisations, members = supported_project(animator, TWO_OFFERS,
                                                        signatories=False)
    conventions = services.create_conventions(dossier, animator)
    return {"dossier": dossier, "conventions": conventions, "members": members,
            "orgs": organisations}


def lyon(project):
    return next(c for c in project["conventions"]
                if c.organisation.name == "Lyon Métropole Habitat")


def designate_all(project, actor):
    for name, member in project["members"].items():
        signatories.designate(actor, project["orgs"][name], member)


def documents_of(dossier):
    return db.session.query(ConventionDocument).filter_by(dossier_id=dossier.id).all()


# --- Designation ---------------------------------------------------------------------------

def test_without_a_designated_signatory_sending_is_refused_naming_the_organisation(
        app, project, animator, animator_client):
    with pytest.raises(signatures.NoSignatory) as both:
        signatures.send_for_signature(project["conventions"], animator)
    message = str(both.value.message)
    assert "n'ont pas de signataire habilité·e" in message
    assert "« Lyon Métropole Habitat »" in message and "« Est Métropole Habitat »" in message
    signatories.designate(animator, project["orgs"]["Est Métropole Habitat"],
                          project["members"]["Est Métropole Habitat"])
    dossier = project["dossier"]
    with pytest.raises(signatures.NoSignatory) as refused:
        signatures.send_for_signature(project["conventions"], animator)
    assert [o.name for o in refused.value.organisations] == ["Lyon Métropole Habitat"]

    page = animator_client.get(f"/conventions/dossiers/{dossier.number}")
    assert "Pas de signataire habilité·e : en désigner un·e" in text(page)
    response = animator_client.post(f"/conventions/dossiers/{dossier.number}/signature",
                                    data={"conventions": [str(c.id)
                                                          for c in project["conventions"]]})
    assert response.status_code == 422
    shown = text(response)
    assert "Envoi impossible : « Lyon Métropole Habitat » n'a pas de signataire " \
        "habilité·e" in shown
    assert "rubrique « Signataire habilité·e »" in shown
    org_page = f"/admin/organisations/{project['orgs']['Lyon Métropole Habitat'].id}#signatory"
    assert org_page in response.get_data(as_text=True)
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert documents_of(dossier) == [] and {c.state for c in project["conventions"]} == {
        "draft"}
    assert not outbox("convention_signature_requested")


def test_an_animator_designates_the_signatory_on_the_organisation_page(app, project,
                                                                       animator_client):
    org = project["orgs"]["Lyon Métropole Habitat"]
    member = project["members"]["Lyon Métropole Habitat"]
    page = animator_client.get(f"/admin/organisations/{org.id}")
    assert page.status_code == 200 and "Aucune personne n'est désignée" in text(page)
    assert "Archiver l'organisation" not in text(page)  # editing stays the admins'
    outsider = project["members"]["Est Métropole Habitat"]
    refused = animator_client.post(f"/admin/organisations/{org.id}/signataire",
                                   data={"person": str(outsider.id)})
    assert refused.status_code == 422 and "Choisissez une des réponses proposées" in text(
        refused)
    empty = animator_client.post(f"/admin/organisations/{org.id}/signataire", data={})
    assert empty.status_code == 422 and "Choisissez la personne qui signe" in text(empty)
    done = animator_client.post(f"/admin/organisations/{org.id}/signataire",
                                data={"person": str(member.id)})
    assert done.status_code == 302
    assert signatories.current_signatory(org.id) == member
    shown = text(animator_client.get(f"/admin/organisations/{org.id}"))
    assert "Membre Lyon Métropole Habitat signe les conventions de l'organisation" in shown
    again = animator_client.post(f"/admin/organisations/{org.id}/signataire",
                                 data={"person": str(member.id)})
    assert again.status_code == 422 and "est déjà signataire habilité·e" in text(again)

    withdrawn = animator_client.post(f"/admin/organisations/{org.id}/signataire/retirer")
    assert withdrawn.status_code == 302
    assert signatories.current_signatory(org.id) is None
    nothing = animator_client.post(f"/admin/organisations/{org.id}/signataire/retirer")
    assert nothing.status_code == 422 and "n'a pas de signataire habilité·e" in text(nothing)


def test_an_admin_designates_too_members_do_not(app, project):
    org = project["orgs"]["Lyon Métropole Habitat"]
    member = project["members"]["Lyon Métropole Habitat"]
    admin = client_of(app, AdminFactory())
    assert admin.post(f"/admin/organisations/{org.id}/signataire",
                      data={"person": str(member.id)}).status_code == 302
    assert signatories.current_signatory(org.id) == member
    client = client_of(app, member)
    assert client.get(f"/admin/organisations/{org.id}").status_code == 403
    assert client.post(f"/admin/organisations/{org.id}/signataire",
                       data={"person": str(member.id)}).status_code == 403
    assert client.post(f"/admin/organisations/{org.id}/signataire/retirer").status_code == 403


def test_a_designation_no_longer_holds_once_its_person_leaves(project, animator):
    designate_all(project, animator)
    member = project["members"]["Lyon Métropole Habitat"]
    org = project["orgs"]["Lyon Métropole Habitat"]
    member.active = False
    assert signatories.current_signatory(org.id) is None
    with pytest.raises(signatures.NoSignatory):
        signatures.send_for_signature([lyon(project)], animator)
    with pytest.raises(DomainError):  # nor may a deactivated person be designated
        signatories.designate(animator, org, member)


# --- Signing and delegating ------------------------------------------------------------------

@pytest.fixture
def sent(project, animator):
    designate_all(project, animator)
    colleague = MemberFactory(organisation=project["orgs"]["Lyon Métropole Habitat"],
                              full_name="Collègue de Lyon")
    document = signatures.send_for_signature([lyon(project)], animator)
    signatory = project["members"]["Lyon Métropole Habitat"]
    signature = next(s for s in document.signatures if s.organisation_id is not None)
    assert signature.signer == signatory
    return {"document": document, "signature": signature, "signatory": signatory,
            "colleague": colleague, "other": project["members"]["Est Métropole Habitat"]}


def _sign_on_the_web(app, user, signature, ip="203.0.113.9"):
    client = client_of(app, user)
    assert client.post(f"/conventions/signatures/{signature.id}/code").status_code == 302
    return client.post(f"/conventions/signatures/{signature.id}/signer",
                       data={"read": "y", "code": code_sent_to(user)},
                       environ_base={"REMOTE_ADDR": ip})


def test_a_colleague_not_delegated_sees_who_signs_but_is_refused_403(app, sent):
    signature, colleague = sent["signature"], sent["colleague"]
    client = client_of(app, colleague)
    page = client.get(f"/conventions/signatures/{signature.id}")
    assert page.status_code == 200
    assert "Cette signature revient à Membre Lyon Métropole Habitat" in text(page)
    assert "Signer le document" not in text(page)
    assert client.post(f"/conventions/signatures/{signature.id}/code").status_code == 403
    assert client.post(f"/conventions/signatures/{signature.id}/signer",
                       data={"read": "y", "code": "123456"}).status_code == 403
    assert client.post(f"/conventions/signatures/{signature.id}/deleguer",
                       data={"member": str(colleague.id)}).status_code == 403
    with pytest.raises(AccessDenied):
        signatures.send_code(signature, colleague)
    # Someone of another organisation does not even learn it exists.
    other = client_of(app, sent["other"])
    assert other.get(f"/conventions/signatures/{signature.id}").status_code == 404
    assert other.post(f"/conventions/signatures/{signature.id}/code").status_code == 404


def test_the_delegate_signs_and_the_delegation_is_recorded(app, project, sent):
    signature, signatory, colleague = sent["signature"], sent["signatory"], sent["colleague"]
    client = client_of(app, signatory)
    refused = client.post(f"/conventions/signatures/{signature.id}/deleguer",
                          data={"member": str(sent["other"].id)})
    assert refused.status_code == 422 and "même organisation" in text(refused)
    assert client.post(f"/conventions/signatures/{signature.id}/deleguer",
                       data={"member": str(colleague.id)}).status_code == 302
    db.session.refresh(signature)
    delegation, = signature.delegations
    assert (delegation.delegated_by, delegation.delegate) == (signatory, colleague)
    assert delegation.created_at is not None and delegation.withdrawn_at is None
    told, = outbox("convention_signature_delegated", to=colleague.mail_address)
    assert told.context["delegated_by"] == "Membre Lyon Métropole Habitat"
    assert "vous délègue la signature" in told.text_body

    # The delegator no longer signs; the delegate does not delegate further.
    assert client.post(f"/conventions/signatures/{signature.id}/code").status_code == 403
    delegate = client_of(app, colleague)
    assert delegate.post(f"/conventions/signatures/{signature.id}/deleguer",
                         data={"member": str(signatory.id)}).status_code == 403
    assert _sign_on_the_web(app, colleague, signature).status_code == 302
    db.session.refresh(signature)
    assert signature.state == "signed" and signature.signer == colleague
    holder = project["dossier"].holder
    holder_signature = next(s for s in sent["document"].signatures if s is not signature)
    signatures.send_code(holder_signature, holder)
    signatures.sign(holder_signature, holder, code_sent_to(holder), "198.51.100.1")
    words = pdf_text(sent["document"].sealed_pdf)
    assert "Collègue de Lyon" in words and "Membre Lyon Métropole Habitat" in words


def test_a_withdrawn_delegation_gives_the_signature_back(app, sent):
    signature, signatory, colleague = sent["signature"], sent["signatory"], sent["colleague"]
    delegations.delegate(signature, signatory, colleague)
    signatures.send_code(signature, colleague)
    stale_code = code_sent_to(colleague)
    intruder = client_of(app, sent["other"])
    assert intruder.post(f"/conventions/signatures/{signature.id}/reprendre").status_code == 404
    assert client_of(app, colleague).post(
        f"/conventions/signatures/{signature.id}/reprendre").status_code == 403
    client = client_of(app, signatory)
    assert client.post(f"/conventions/signatures/{signature.id}/reprendre").status_code == 302
    db.session.refresh(signature)
    assert signature.signer == signatory and signature.delegated_by is None
    assert signature.delegations[0].withdrawn_at is not None
    assert signature.delegations[0].withdrawn_by == signatory
    assert outbox("convention_signature_delegation_withdrawn", to=colleague.mail_address)
    # The former delegate's code is spent; they are refused.
    refused = client_of(app, colleague).post(f"/conventions/signatures/{signature.id}/signer",
                                             data={"read": "y", "code": stale_code})
    assert refused.status_code == 403
    assert _sign_on_the_web(app, signatory, signature).status_code == 302
    # Once signed, there is nothing to take back.
    with pytest.raises(AccessDenied):
        delegations.withdraw(signature, signatory)


def test_a_delegation_is_taken_back_only_while_unsigned(sent):
    signature, signatory, colleague = sent["signature"], sent["signatory"], sent["colleague"]
    delegations.delegate(signature, signatory, colleague)
    signatures.send_code(signature, colleague)
    signatures.sign(signature, colleague, code_sent_to(colleague), "192.0.2.1")
    with pytest.raises(DomainError) as refused:
        delegations.withdraw(signature, signatory)
    assert "n'est plus attendue" in str(refused.value.message)


def test_a_new_signatory_takes_over_the_pending_signatures(app, project, sent, animator):
    signature, signatory, colleague = sent["signature"], sent["signatory"], sent["colleague"]
    delegations.delegate(signature, signatory, sent["colleague"])
    newcomer = MemberFactory(organisation=project["orgs"]["Lyon Métropole Habitat"],
                             full_name="Nouvelle signataire")
    signatories.designate(animator, project["orgs"]["Lyon Métropole Habitat"], newcomer)
    db.session.refresh(signature)
    assert signature.signer == newcomer and signature.delegated_by is None
    assert signature.delegations[-1].withdrawn_at is not None
    assert outbox("convention_signature_delegation_withdrawn", to=colleague.mail_address)
    assert outbox("convention_signature_requested", to=newcomer.mail_address)
    with pytest.raises(AccessDenied):
        signatures.send_code(signature, signatory)
    signatures.send_code(signature, newcomer)


def test_an_undesignated_signatory_may_no_longer_sign(sent, project, animator):
    signature, signatory = sent["signature"], sent["signatory"]
    signatories.withdraw_designation(animator, project["orgs"]["Lyon Métropole Habitat"])
    with pytest.raises(AccessDenied):
        signatures.send_code(signature, signatory)


# --- On paper: marking signed and depositing the scan -------------------------------------------

def test_on_paper_only_the_signatory_or_an_animator_marks_a_convention_signed(app, project,
                                                                              animator):
    convention = lyon(project)
    signatory = designated(project["members"]["Lyon Métropole Habitat"])
    colleague = MemberFactory(organisation=convention.organisation)
    apply_transition(convention, "send_for_signature", animator)
    assert client_of(app, colleague).post(
        f"/conventions/{convention.id}/etape/sign").status_code == 403
    assert client_of(app, signatory).post(
        f"/conventions/{convention.id}/etape/sign").status_code == 302
    db.session.refresh(convention)
    assert convention.state == "signed"


def test_the_matrix_roles_for_designation(app, project):
    """The organisation page opens to the animators (read, designate) and the admins."""
    org = project["orgs"]["Lyon Métropole Habitat"]
    assert client_of(app, AnimatorFactory()).get(f"/admin/organisations/{org.id}") \
        .status_code == 200
    assert client_of(app, project["members"]["Lyon Métropole Habitat"]).get(
        f"/admin/organisations/{org.id}").status_code == 403

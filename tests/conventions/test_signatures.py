"""Issue 18: conventions generated from the collective's templates, signed in the application
with a one-time code, sealed (PAdES) and checked; a document changed after sending cancels its
signatures; one document binds a project's several organisations."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from murporteur.conventions import seal, services, signatures, templates
from murporteur.conventions.cli import conventions_cli
from murporteur.conventions.models import ConventionKind
from murporteur.core.db import utcnow
from murporteur.core.errors import DomainError
from murporteur.extensions import db
from tests.conftest import login
from tests.conventions.test_services import supported_project
from tests.factories import _HASH, MemberFactory
from tests.helpers import outbox, text

TWO_OFFERS = {
    "Lyon Métropole Habitat": (["financing"], 800000, "Aide au démarrage"),
    "Est Métropole Habitat": (["financing"], 450050, "Aide aux travaux"),
}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    words = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(words.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.fixture
def project(app, animator):
    dossier, organisations, members = supported_project(animator, TWO_OFFERS)
    dossier.contact_name = "Amina Diallo"
    dossier.structure_name = "Le Comptoir des Voisins"
    dossier.holder.password_hash = _HASH
    conventions = services.create_conventions(dossier, animator)
    return {"dossier": dossier, "conventions": conventions, "members": members,
            "orgs": organisations}


def lyon_of(project):
    return next(c for c in project["conventions"]
                if c.organisation.name == "Lyon Métropole Habitat")


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


def code_sent_to(user) -> str:
    """The code of the last mail (read from its context: a sensitive mail's body is drawn
    when it is delivered, after the commit)."""
    message = outbox("convention_signature_code", to=user.mail_address)[-1]
    assert re.fullmatch(r"\d{6}", message.context["code"])
    return message.context["code"]


# --- Templates -----------------------------------------------------------------------------

def test_an_unknown_placeholder_is_refused_with_the_list_of_valid_ones(animator):
    with pytest.raises(DomainError) as refused:
        templates.save_template(animator, ConventionKind.FINANCING, None, "Financement",
                                "Montant : {{ montant }} pour {{ organisations }}.")
    message = str(refused.value.message)
    assert "{{ montant }}" in message and "{{ committed_amount }}" in message
    with pytest.raises(DomainError):
        templates.save_template(animator, ConventionKind.FINANCING, None, "Financement",
                                "Montant : {% for x in y %}")


def test_the_template_page_shows_the_refusal_at_the_field_and_keeps_the_text(
        animator_client):
    response = animator_client.post("/conventions/modeles/financing", data={
        "title": "Financement", "body": "Pour {{ organisations }} : {{ inconnu }}"})
    assert response.status_code == 422
    shown = text(response)
    assert "Champ inconnu : {{ inconnu }}" in shown and "{{ payment_schedule }}" in shown
    assert "Pour {{ organisations }} : {{ inconnu }}" in response.get_data(as_text=True)
    saved = animator_client.post("/conventions/modeles/financing", data={
        "title": "Convention de financement du collectif",
        "body": "## Objet\n\n{{ organisations }} finance {{ project_title }} pour "
                "{{ committed_amount }} ({{ committed_amount_words }})."})
    assert saved.status_code == 302
    assert templates.template_for(ConventionKind.FINANCING, None).title == \
        "Convention de financement du collectif"


def test_a_member_or_holder_cannot_edit_templates(app, project):
    member = project["members"]["Lyon Métropole Habitat"]
    client = client_of(app, member)
    assert client.get("/conventions/modeles/financing").status_code == 403
    assert client.post("/conventions/modeles/financing",
                       data={"title": "x", "body": "y"}).status_code == 403


def test_the_preview_is_a_pdf_of_a_real_convention(animator_client, project):
    convention = lyon_of(project)
    response = animator_client.post("/conventions/modeles/financing/apercu", data={
        "title": "Aperçu", "body": "{{ organisations }} verse {{ committed_amount }}.",
        "convention": str(convention.id)})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Lyon Métropole Habitat verse 8 000 €" in pdf_text(response.data)
    missing = animator_client.post("/conventions/modeles/financing/apercu", data={
        "title": "Aperçu", "body": "{{ organisations }}", "convention": ""})
    assert missing.status_code == 422 and "Choisissez une convention" in text(missing)


def test_the_generated_pdf_holds_the_parties_and_the_amounts(project, animator):
    document = signatures.send_for_signature(project["conventions"], animator)
    words = pdf_text(document.pdf)
    for expected in ("Le Comptoir des Voisins", "Amina Diallo", "Lyon Métropole Habitat",
                     "Est Métropole Habitat", "8 000 €", "4 500,50 €", "12 500,50 €",
                     "douze mille cinq cents euros et cinquante centimes",
                     "huit mille euros"):
        assert expected in words, expected
    assert len(document.sha256) == 64
    assert PdfReader(io.BytesIO(document.pdf)).trailer["/Root"].get("/MarkInfo")  # tagged


def test_amounts_in_french_words():
    assert templates.amount_in_words(8000_00) == "huit mille euros"
    assert templates.amount_in_words(71_00) == "soixante et onze euros"
    assert templates.amount_in_words(280_00) == "deux cent quatre-vingts euros"
    assert templates.amount_in_words(200_000_00) == "deux cent mille euros"
    assert templates.amount_in_words(1_000_000_00) == "un million d'euros"
    assert templates.amount_in_words(1_234_01) == \
        "mille deux cent trente-quatre euros et un centime"


# --- Signing -------------------------------------------------------------------------------

def test_the_whole_signature_journey_ends_in_a_sealed_pdf(app, project, animator_client):
    dossier = project["dossier"]
    response = animator_client.post(f"/conventions/dossiers/{dossier.number}/signature", data={
        "conventions": [str(c.id) for c in project["conventions"]]})
    assert response.status_code == 302
    document = lyon_of(project).documents[-1]
    assert [c.state for c in document.conventions] == ["sent_for_signature"] * 2
    assert len(document.signatures) == 3  # the holder and each organisation
    assert not outbox("convention_to_sign")  # no "sign on paper" mail besides
    asked = {m.recipient_email for m in outbox("convention_signature_requested")}
    assert asked == {s.signer.mail_address for s in document.signatures}

    holder_page = client_of(app, dossier.holder).get(f"/mes-dossiers/{dossier.public_id}")
    assert "Lire et signer la convention" in text(holder_page)
    member = project["members"]["Lyon Métropole Habitat"]
    assert "Lire et signer la convention" in text(
        client_of(app, member).get("/conventions/mes-conventions"))

    for signature in document.signatures:
        client = client_of(app, signature.signer)
        page = client.get(f"/conventions/signatures/{signature.id}")
        assert page.status_code == 200 and document.sha256 in text(page)
        assert client.get(f"/conventions/documents/{document.id}.pdf").data == document.pdf
        assert client.post(f"/conventions/signatures/{signature.id}/code").status_code == 302
        signed = client.post(f"/conventions/signatures/{signature.id}/signer", data={
            "read": "y", "code": code_sent_to(signature.signer)},
            environ_base={"REMOTE_ADDR": "203.0.113.7"})
        assert signed.status_code == 302, text(signed)
        db.session.refresh(signature)
        assert signature.state == "signed" and signature.signed_ip == "203.0.113.7"
        assert signature.signed_sha256 == document.sha256 and signature.signed_at

    db.session.refresh(document)
    assert document.sealed_at is not None
    assert [c.state for c in document.conventions] == ["signed", "signed"]
    words = pdf_text(document.sealed_pdf)
    assert "Page de preuve des signatures" in words and "203.0.113.7" in words
    assert seal.verify(document.sealed_pdf).valid
    holder_client = client_of(app, dossier.holder)
    assert holder_client.get(f"/conventions/documents/{document.id}/scellee.pdf").data == \
        document.sealed_pdf


def test_a_wrong_or_expired_code_is_refused_and_attempts_are_limited(app, project, animator):
    document = signatures.send_for_signature([lyon_of(project)], animator)
    member = project["members"]["Lyon Métropole Habitat"]
    signature = next(s for s in document.signatures if s.signer_id == member.id)
    client = client_of(app, member)
    url = f"/conventions/signatures/{signature.id}/signer"
    no_code = client.post(url, data={"read": "y", "code": "123456"})
    assert no_code.status_code == 422 and "Demandez d'abord un code" in text(no_code)
    not_read = client.post(url, data={"code": "123456"})
    assert not_read.status_code == 422 and "avez lu le document" in text(not_read)

    client.post(f"/conventions/signatures/{signature.id}/code")
    good = code_sent_to(member)
    wrong = "000000" if good != "000000" else "111111"
    refused = client.post(url, data={"read": "y", "code": wrong})
    assert refused.status_code == 422 and "Il vous reste 4 essai(s)" in text(refused)
    db.session.refresh(signature)
    assert signature.code_attempts == 1  # counted although the page was refused
    for _ in range(4):
        refused = client.post(url, data={"read": "y", "code": wrong})
    assert "Trop d'essais erronés" in text(refused)
    spent = client.post(url, data={"read": "y", "code": good})
    assert spent.status_code == 422 and signature.state == "pending"

    client.post(f"/conventions/signatures/{signature.id}/code")
    db.session.refresh(signature)
    signature.code_expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    expired = client.post(url, data={"read": "y", "code": code_sent_to(member)})
    assert expired.status_code == 422 and "Ce code a expiré" in text(expired)


def test_a_member_signs_only_for_their_organisation(app, project, animator):
    document = signatures.send_for_signature(project["conventions"], animator)
    lyon = project["members"]["Lyon Métropole Habitat"]
    other = next(s for s in document.signatures if s.signer_id != lyon.id)
    client = client_of(app, lyon)
    assert client.get(f"/conventions/signatures/{other.id}").status_code == 404
    assert client.post(f"/conventions/signatures/{other.id}/code").status_code == 404
    assert client.post(f"/conventions/signatures/{other.id}/signer",
                       data={"read": "y", "code": "123456"}).status_code == 404


def test_a_signatory_delegates_to_a_colleague_of_the_same_organisation(app, project, animator):
    document = signatures.send_for_signature([lyon_of(project)], animator)
    lyon = project["members"]["Lyon Métropole Habitat"]
    colleague = MemberFactory(organisation=project["orgs"]["Lyon Métropole Habitat"],
                              full_name="Collègue de Lyon")
    outsider = project["members"]["Est Métropole Habitat"]
    signature = next(s for s in document.signatures if s.signer_id == lyon.id)
    client = client_of(app, lyon)
    refused = client.post(f"/conventions/signatures/{signature.id}/deleguer",
                          data={"member": str(outsider.id)})
    assert refused.status_code == 422 and "même organisation" in text(refused)
    response = client.post(f"/conventions/signatures/{signature.id}/deleguer",
                           data={"member": str(colleague.id)})
    assert response.status_code == 302
    # The delegator still sees it, to take it back, but no longer signs it.
    mine = client.get(f"/conventions/signatures/{signature.id}")
    assert mine.status_code == 200 and "Reprendre la signature" in text(mine)
    assert "Signer le document" not in text(mine)
    assert outbox("convention_signature_delegated", to=colleague.mail_address)
    page = client_of(app, colleague).get(f"/conventions/signatures/{signature.id}")
    assert page.status_code == 200 and "déléguée par Membre Lyon" in text(page)


def test_a_change_after_sending_cancels_pending_signatures_and_tells_the_signatories(
        app, project, animator):
    convention = lyon_of(project)
    document = signatures.send_for_signature([convention], animator)
    services.update_convention(convention, animator, committed_cents=900000)
    assert document.cancelled_at is not None
    assert {s.state for s in document.signatures} == {"cancelled"}
    assert convention.state == "draft"
    told = {m.recipient_email for m in outbox("convention_signature_cancelled")}
    assert told == {s.signer.mail_address for s in document.signatures}
    member = project["members"]["Lyon Métropole Habitat"]
    signature = next(s for s in document.signatures if s.signer_id == member.id)
    refused = client_of(app, member).post(f"/conventions/signatures/{signature.id}/code")
    assert refused.status_code == 422
    # sent again: a new document, new signatures
    again = signatures.send_for_signature([convention], animator)
    assert again.id != document.id and again.is_open and convention.state == \
        "sent_for_signature"


def test_only_drafts_of_one_dossier_are_sent(project, animator):
    with pytest.raises(DomainError):
        signatures.send_for_signature([], animator)
    signatures.send_for_signature([lyon_of(project)], animator)
    with pytest.raises(DomainError):
        signatures.send_for_signature([lyon_of(project)], animator)


# --- The seal and its check ----------------------------------------------------------------

@pytest.fixture
def sealed(app, project, animator):
    document = signatures.send_for_signature(project["conventions"], animator)
    for signature in document.signatures:
        signatures.send_code(signature, signature.signer)
        signatures.sign(signature, signature.signer, code_sent_to(signature.signer),
                        "198.51.100.4")
    assert document.sealed_pdf
    return document.sealed_pdf


def test_a_sealed_pdf_validates_and_fails_after_one_byte_is_changed(sealed):
    verdict = seal.verify(sealed)
    assert verdict.valid and "Cachet Mur porteur" in verdict.signer
    at = sealed.index(b"Mur porteur")  # the seal's location, inside the signed bytes
    tampered = sealed[:at] + b"N" + sealed[at + 1:]
    assert not seal.verify(tampered).valid
    middle = len(sealed) // 2
    assert not seal.verify(sealed[:middle] + bytes([sealed[middle] ^ 1])
                           + sealed[middle + 1:]).valid
    assert not seal.verify(b"not a pdf").valid


def test_the_verify_page_and_command(app, client, sealed, tmp_path):
    good = client.post("/conventions/verifier", data={
        "document": (io.BytesIO(sealed), "convention.pdf")},
        content_type="multipart/form-data")
    assert good.status_code == 200 and "Cachet valide" in text(good)
    assert "celui que la plateforme a scellé" in text(good)
    at = sealed.index(b"Mur porteur")
    tampered = sealed[:at] + b"N" + sealed[at + 1:]
    bad = client.post("/conventions/verifier", data={
        "document": (io.BytesIO(tampered), "convention.pdf")},
        content_type="multipart/form-data")
    assert bad.status_code == 200 and "Cachet non valide" in text(bad)
    empty = client.post("/conventions/verifier", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Choisissez le fichier PDF" in text(empty)

    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    runner = CliRunner()
    with app.app_context():
        ok = runner.invoke(conventions_cli, ["verify", str(path)])
        assert ok.exit_code == 0 and "Cachet valide" in ok.output
        path.write_bytes(tampered)
        ko = runner.invoke(conventions_cli, ["verify", str(path)])
        assert ko.exit_code == 1


# --- TFPB ----------------------------------------------------------------------------------

def test_a_landlords_qpv_actions_are_reported_per_year_qpv_and_axis(app, project, animator,
                                                                    animator_client):
    from datetime import date

    from openpyxl import load_workbook

    from murporteur.accounts.models import OrganisationKind
    from murporteur.core.lifecycle import apply_transition

    lyon = lyon_of(project)
    lyon.organisation.kind = OrganisationKind.LANDLORD
    lyon.start_date = date(2026, 3, 2)
    refused = animator_client.post(f"/conventions/{lyon.id}/tfpb",
                                   data={"axis": "social_link", "qpv": ""})
    assert refused.status_code == 302
    assert "Indiquez le quartier prioritaire" in text(animator_client.get(
        refused.headers["Location"]))
    assert animator_client.post(f"/conventions/{lyon.id}/tfpb", data={
        "axis": "social_link", "qpv": "Mas du Taureau"}).status_code == 302
    db.session.refresh(lyon)
    assert lyon.tfpb_axis == "social_link"
    # only signed conventions count
    assert "Mas du Taureau" not in text(animator_client.get("/conventions/tfpb"))
    apply_transition(lyon, "send_for_signature", animator)
    apply_transition(lyon, "sign", animator)
    db.session.flush()
    page = animator_client.get("/conventions/tfpb?annee=2026")
    shown = text(page).replace("\u202f", " ").replace("\xa0", " ")
    assert "Lyon Métropole Habitat Mas du Taureau" not in shown  # cells apart
    assert "Mas du Taureau" in shown and "Animation, lien social, vivre ensemble" in shown
    assert "8 000" in shown
    assert "Mas du Taureau" not in text(animator_client.get("/conventions/tfpb?annee=2025"))
    csv_text = animator_client.get("/conventions/tfpb?annee=2026&format=csv").get_data(
        as_text=True)
    assert "Lyon Métropole Habitat;2026;Mas du Taureau;Animation, lien social, vivre " \
        "ensemble;1;8000,00;0,00" in csv_text
    book = load_workbook(io.BytesIO(animator_client.get(
        "/conventions/tfpb?annee=2026&format=xlsx").data))
    assert [c.value for c in book.active[2]] == [
        "Lyon Métropole Habitat", "2026", "Mas du Taureau",
        "Animation, lien social, vivre ensemble", "1", 8000, 0]
    in_pdf = pdf_text(animator_client.get("/conventions/tfpb?annee=2026&format=pdf").data)
    assert "Lyon Métropole Habitat 2026" in in_pdf and "vivre ensemble 1 8000.00" in in_pdf
    partner = next(c for c in project["conventions"] if c is not lyon)
    partner.organisation.kind = OrganisationKind.PARTNER
    assert animator_client.post(f"/conventions/{partner.id}/tfpb", data={
        "axis": "waste", "qpv": "Les Minguettes"}).status_code == 302
    db.session.refresh(partner)
    assert partner.tfpb_axis is None  # only a landlord's convention counts
    assert animator_client.post(f"/conventions/{lyon.id}/tfpb", data={
        "axis": "nonsense", "qpv": "X"}).status_code == 302
    db.session.refresh(lyon)
    assert lyon.tfpb_axis == "social_link"


def test_the_seal_is_made_and_checked_inside_a_running_event_loop(app):
    """pyHanko runs an event loop of its own: sealing from code that already runs one (an
    asyncio server, a browser-driving test) still works."""
    import asyncio

    from weasyprint import HTML

    pdf = HTML(string="<p>Convention de partenariat</p>").write_pdf()

    async def inside():
        sealed = seal.seal(pdf)
        return seal.verify(sealed)

    assert asyncio.run(inside()).valid

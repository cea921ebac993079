"""The conventions' pages: the animators' journey from a supported project to a signed,
paid and amended convention; the members' view of their organisation's conventions; the
messages a refused form shows, next to its field, with what was typed kept."""

import re

import pytest
from flask import render_template

from murporteur.accounts.models import Role
from murporteur.conventions import services
from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from tests import files
from tests.conftest import login
from tests.conventions.test_services import signed, supported_project
from tests.factories import UserFactory
from tests.helpers import text


def page(response) -> str:
    """The visible text, with the thin and non-breaking spaces of amounts made plain."""
    return text(response).replace("\u202f", " ").replace("\xa0", " ")


def error_of(response, field_id: str) -> str:
    """The message shown next to the field ``field_id`` (empty when there is none)."""
    html = response.get_data(as_text=True)
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">(.*?)</p>',
                      html, re.DOTALL)
    if not match:
        return ""
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).replace("&#39;", "'")
                    .replace("\u202f", " ").replace("\xa0", " ").split())


def value_of(response, field_id: str) -> str:
    html = response.get_data(as_text=True)
    tag = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    assert tag, field_id
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1).replace("&#39;", "'") if value else ""


@pytest.fixture
def project(app, animator):
    dossier, organisations, members = supported_project(animator)
    return {"dossier": dossier, "orgs": organisations, "members": members}


@pytest.fixture
def conventions(project, animator):
    return {c.organisation.name: c
            for c in services.create_conventions(project["dossier"], animator)}


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


# --- The animators' journey ----------------------------------------------------------------

def test_an_animator_creates_the_conventions_of_a_supported_project(animator_client, project):
    number = project["dossier"].number
    before = animator_client.get(f"/conventions/dossiers/{number}")
    assert before.status_code == 200
    assert "Conventions à créer" in page(before)
    assert "Lyon Métropole Habitat — Financement, 8 000 €" in page(before)
    assert "Est Métropole Habitat — Mise à disposition de locaux, 4 500 €" in page(before)

    created = animator_client.post(f"/conventions/dossiers/{number}/creer")
    assert created.status_code == 302
    after = animator_client.get(created.headers["Location"])
    shown = page(after)
    assert "3 conventions créées en brouillon" in shown
    assert "Conventions à créer" not in shown
    for name in ("Lyon Métropole Habitat", "Est Métropole Habitat", "Dynacité"):
        assert name in shown
    assert shown.count("Brouillon") == 3
    # The total line: 8 000 € committed, 4 500 € in kind, nothing planned nor paid yet.
    assert "Total 8 000 € 4 500 € 0 € 0 € 8 000 €" in shown


def test_the_journey_edit_schedule_pay_sign_amend(app, animator_client, project, conventions):
    lyon = conventions["Lyon Métropole Habitat"]
    url = f"/conventions/{lyon.id}"
    member = project["members"]["Lyon Métropole Habitat"]

    edited = animator_client.post(f"{url}/modifier", data={
        "kind": "financing", "committed": "10 000", "in_kind": "0",
        "start_date": "2027-01-01", "end_date": "31/12/2027",
        "object": "Aménagement du café", "signatories": "Amina Diallo ; Directrice LMH",
        "reference": "LMH-27-004"})
    assert edited.status_code == 302
    shown = page(animator_client.get(url))
    assert "Convention enregistrée." in shown
    assert "Montant engagé 10 000 €" in shown
    assert "du 1 janvier 2027 au 31 décembre 2027" in shown
    assert "LMH-27-004" in shown

    assert animator_client.post(f"{url}/versements", data={
        "planned_date": "2027-01-15", "amount": "6 000"}).status_code == 302
    assert animator_client.post(f"{url}/versements", data={
        "planned_date": "2027-06-15", "amount": "4000"}).status_code == 302
    first, _second = lyon.payments
    paid = animator_client.post(f"{url}/versements/{first.id}/paye", data={
        f"pay{first.id}-paid_date": "2027-01-20", f"pay{first.id}-amount": ""})
    assert paid.status_code == 302
    shown = page(animator_client.get(url))
    assert "Versement de 6 000 € noté comme effectué." in shown
    assert "Engagé : 10 000 € · prévu : 10 000 € · versé : 6 000 € · reste à verser : 4 000 €" \
        in shown
    assert "20 janvier 2027" in shown and "15 juin 2027" in shown

    assert animator_client.post(f"{url}/etape/send_for_signature").status_code == 302
    assert "Envoyée pour signature" in page(animator_client.get(url))

    member_client = client_of(app, member)
    assert member_client.post(f"{url}/etape/sign").status_code == 302
    shown = page(member_client.get(url))
    assert "la convention est maintenant « Signée »" in shown
    db.session.expire_all()
    assert project["dossier"].state == "conventioned"

    amended = animator_client.post(f"{url}/avenant", data={
        "field": "committed", "new_amount": "12 000",
        "reason": "Deuxième salle ouverte au printemps"})
    assert amended.status_code == 302
    shown = page(animator_client.get(url))
    assert "Avenant enregistré : montant engagé passe de 10 000 € à 12 000 €." in shown
    assert "Montant engagé : 10 000 € → 12 000 €" in shown
    assert "Deuxième salle ouverte au printemps" in shown
    assert "Camille Dubois" in shown
    assert "reste à verser : 6 000 €" in shown
    # The history says who moved it, and when.
    assert "Brouillon → Envoyée pour signature" in shown
    assert "Envoyée pour signature → Signée" in shown and member.display_name in shown


def test_after_signature_only_the_reference_and_signatories_are_edited(
        app, animator_client, project, conventions, animator):
    lyon = conventions["Lyon Métropole Habitat"]
    signed(lyon, animator, project["members"]["Lyon Métropole Habitat"])
    shown = animator_client.get(f"/conventions/{lyon.id}").get_data(as_text=True)
    assert 'id="committed"' not in shown and 'id="reference"' in shown
    response = animator_client.post(f"/conventions/{lyon.id}/modifier", data={
        "reference": "LMH-27-004", "signatories": "Amina Diallo", "committed": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (lyon.reference, lyon.committed_cents) == ("LMH-27-004", 800000)


def test_the_list_filters_by_state_and_organisation_with_totals(animator_client, project,
                                                               conventions, animator):
    other, orgs, _members = supported_project(
        animator, {"Vilogia": (["financing"], 250000, "")}, title="Atelier vélo")
    services.create_conventions(other, animator)
    apply_transition(conventions["Dynacité"], "send_for_signature", animator)
    everything = page(animator_client.get("/conventions/"))
    assert "Total des 4 conventions 10 500 € 4 500 € 0 € 10 500 €" in everything
    drafts = page(animator_client.get("/conventions/?state=draft"))
    assert "Total des 3 conventions" in drafts and "Dynacité" not in drafts.split("Filtrer")[1]
    vilogia = page(animator_client.get(f"/conventions/?organisation={orgs['Vilogia'].id}"))
    assert "Total de 1 convention 2 500 €" in vilogia and "Atelier vélo" in vilogia
    assert "Café solidaire" not in vilogia


# --- Refused forms -------------------------------------------------------------------------

def test_scheduling_beyond_the_committed_amount_shows_the_rule_and_keeps_the_values(
        animator_client, conventions):
    lyon = conventions["Lyon Métropole Habitat"]
    url = f"/conventions/{lyon.id}"
    animator_client.post(f"{url}/versements", data={"planned_date": "2027-01-15",
                                                    "amount": "6000"})
    refused = animator_client.post(f"{url}/versements", data={"planned_date": "2027-06-15",
                                                              "amount": "2 000,50"})
    assert refused.status_code == 422
    assert error_of(refused, "amount").startswith(
        "Erreur : Ce versement porterait l'échéancier à 8 000,50 €, au-delà du montant engagé "
        "(8 000 €).")
    assert value_of(refused, "amount") == "2 000,50"
    assert value_of(refused, "planned_date") == "2027-06-15"
    assert len(lyon.payments) == 1


def test_an_amendment_needs_a_reason(animator_client, project, conventions, animator):
    lyon = conventions["Lyon Métropole Habitat"]
    signed(lyon, animator, project["members"]["Lyon Métropole Habitat"])
    refused = animator_client.post(f"/conventions/{lyon.id}/avenant", data={
        "field": "committed", "new_amount": "9 000", "reason": "  "})
    assert refused.status_code == 422
    assert "Indiquez la raison de l'avenant." in error_of(refused, "reason")
    assert value_of(refused, "new_amount") == "9 000"
    below = animator_client.post(f"/conventions/{lyon.id}/avenant", data={
        "field": "in_kind", "new_amount": "-5", "reason": "Erreur de saisie"})
    assert below.status_code == 422
    assert "Indiquez un montant en euros" in error_of(below, "new_amount")
    assert "Erreur de saisie" in below.get_data(as_text=True)
    assert lyon.amendments == []


def test_an_amendment_before_signature_is_refused_with_the_rule(animator_client, conventions):
    lyon = conventions["Lyon Métropole Habitat"]
    refused = animator_client.post(f"/conventions/{lyon.id}/avenant", data={
        "field": "committed", "new_amount": "9 000", "reason": "Plus"})
    assert refused.status_code == 422
    assert "Avant la signature, modifiez simplement la convention." in error_of(
        refused, "new_amount")


def test_edit_errors_end_before_start_and_bad_amounts(animator_client, conventions):
    lyon = conventions["Lyon Métropole Habitat"]
    url = f"/conventions/{lyon.id}/modifier"
    fields = {"kind": "financing", "committed": "8 000", "in_kind": "0",
              "object": "Aide au démarrage", "signatories": "", "reference": ""}
    backwards = animator_client.post(url, data={**fields, "start_date": "2027-06-01",
                                                "end_date": "2027-01-31"})
    assert backwards.status_code == 422
    assert "La date de fin précède la date de début." in error_of(backwards, "end_date")
    assert value_of(backwards, "start_date") == "2027-06-01"
    assert value_of(backwards, "end_date") == "2027-01-31"

    bad = animator_client.post(url, data={**fields, "committed": "huit mille",
                                          "in_kind": "", "start_date": "31/02/2027",
                                          "end_date": ""})
    assert bad.status_code == 422
    assert "Indiquez un montant en euros, par exemple 8 000 ou 8 000,50." in error_of(
        bad, "committed")
    assert "Indiquez la valorisation en nature, 0 s'il n'y en a pas." in error_of(bad, "in_kind")
    assert "Indiquez une date valide" in error_of(bad, "start_date")
    assert value_of(bad, "committed") == "huit mille"
    assert value_of(bad, "start_date") == "31/02/2027"
    assert "Votre formulaire n'est pas encore complet" in page(bad)
    db.session.expire_all()
    assert lyon.committed_cents == 800000 and lyon.start_date is None


def test_lowering_the_amount_below_the_schedule_is_refused(animator_client, conventions,
                                                          animator):
    lyon = conventions["Lyon Métropole Habitat"]
    services.schedule_payment(lyon, animator, lyon.dossier.submitted_at.date(), 600000)
    refused = animator_client.post(f"/conventions/{lyon.id}/modifier", data={
        "kind": "financing", "committed": "5 000", "in_kind": "0", "object": "x"})
    assert refused.status_code == 422
    assert "dépasseraient le montant engagé" in error_of(refused, "committed")
    assert value_of(refused, "committed") == "5 000"


def test_paying_more_than_committed_and_a_missing_date_are_refused(animator_client,
                                                                  conventions, animator):
    lyon = conventions["Lyon Métropole Habitat"]
    payment = services.schedule_payment(lyon, animator, lyon.dossier.submitted_at.date(),
                                        800000)
    url = f"/conventions/{lyon.id}/versements/{payment.id}/paye"
    too_much = animator_client.post(url, data={f"pay{payment.id}-paid_date": "2027-01-20",
                                               f"pay{payment.id}-amount": "8 000,01"})
    assert too_much.status_code == 422
    assert "Le total versé dépasserait le montant engagé (8 000 €)." in error_of(
        too_much, f"pay{payment.id}-amount")
    assert value_of(too_much, f"pay{payment.id}-amount") == "8 000,01"
    no_date = animator_client.post(url, data={f"pay{payment.id}-amount": "100"})
    assert no_date.status_code == 422
    assert "Indiquez la date à laquelle le versement a été fait." in error_of(
        no_date, f"pay{payment.id}-paid_date")


def test_a_payment_made_is_not_removed(animator_client, conventions, animator):
    from datetime import date

    lyon = conventions["Lyon Métropole Habitat"]
    payment = services.schedule_payment(lyon, animator, date(2027, 1, 15), 100000)
    services.mark_paid(payment, animator, date(2027, 1, 16), 100000)
    refused = animator_client.post(f"/conventions/{lyon.id}/versements/{payment.id}/supprimer")
    assert refused.status_code == 422
    assert "Un versement effectué ne se supprime pas." in page(refused)
    other = services.schedule_payment(lyon, animator, date(2027, 3, 15), 100000)
    assert animator_client.post(
        f"/conventions/{lyon.id}/versements/{other.id}/supprimer").status_code == 302
    db.session.expire_all()
    assert [p.id for p in lyon.payments] == [payment.id]


def test_terminating_without_a_motive_is_refused_next_to_it(animator_client, project,
                                                           conventions, animator):
    lyon = conventions["Lyon Métropole Habitat"]
    signed(lyon, animator, project["members"]["Lyon Métropole Habitat"])
    refused = animator_client.post(f"/conventions/{lyon.id}/etape/terminate",
                                   data={"terminate-comment": ""})
    assert refused.status_code == 422
    assert "Un commentaire est nécessaire pour cette étape." in error_of(
        refused, "terminate-comment")
    out_of_turn = animator_client.post(f"/conventions/{lyon.id}/etape/complete")
    assert out_of_turn.status_code == 422
    assert "Ce n'est plus possible : la convention est à l'état « Signée »." in page(out_of_turn)
    assert animator_client.post(f"/conventions/{lyon.id}/etape/nowhere").status_code == 404


def test_creating_for_a_dossier_without_support_says_why(animator_client, animator):
    from tests.factories import submitted_dossier

    dossier = submitted_dossier()
    shown = animator_client.get(f"/conventions/dossiers/{dossier.number}")
    assert "Le comité n'a publié aucun soutien pour ce dossier." in page(shown)
    refused = animator_client.post(f"/conventions/dossiers/{dossier.number}/creer")
    assert refused.status_code == 422
    assert "Seul un projet soutenu par le comité reçoit des conventions." in page(refused)
    assert animator_client.get("/conventions/dossiers/MP-0000-0000").status_code == 404


# --- Members -------------------------------------------------------------------------------

def test_a_member_sees_only_their_organisation_s_conventions(app, project, conventions):
    lyon, dynacite = conventions["Lyon Métropole Habitat"], conventions["Dynacité"]
    client = client_of(app, project["members"]["Lyon Métropole Habitat"])
    mine = client.get("/conventions/mes-conventions")
    assert mine.status_code == 200
    html = mine.get_data(as_text=True)
    assert f"/conventions/{lyon.id}\"" in html and f"/conventions/{dynacite.id}\"" not in html
    assert "Engagé : 8 000 €" in page(mine)
    assert client.get(f"/conventions/{dynacite.id}").status_code == 404
    assert client.post(f"/conventions/{dynacite.id}/etape/sign").status_code == 404
    assert client.post(f"/conventions/{dynacite.id}/copie-signee").status_code == 404
    assert client.get("/conventions/999999").status_code == 404
    shown = client.get(f"/conventions/{lyon.id}")
    assert shown.status_code == 200
    assert "Modifier la convention" not in page(shown)
    assert "Prévoir un versement" not in page(shown)
    assert "Marquer comme signée" not in page(shown)  # not sent for signature yet
    for path in ("/conventions/", f"/conventions/dossiers/{project['dossier'].number}"):
        assert client.get(path).status_code == 403
    for path in (f"/conventions/{lyon.id}/modifier", f"/conventions/{lyon.id}/versements",
                 f"/conventions/{lyon.id}/avenant"):
        assert client.post(path).status_code == 403


def test_a_member_marks_signed_and_uploads_the_signed_copy(app, project, conventions,
                                                          animator):
    lyon = conventions["Lyon Métropole Habitat"]
    apply_transition(lyon, "send_for_signature", animator)
    client = client_of(app, project["members"]["Lyon Métropole Habitat"])
    shown = client.get(f"/conventions/{lyon.id}")
    assert "Marquer comme signée" in page(shown)
    assert client.post(f"/conventions/{lyon.id}/etape/activate").status_code == 403
    assert client.post(f"/conventions/{lyon.id}/etape/sign").status_code == 302

    empty = client.post(f"/conventions/{lyon.id}/copie-signee")
    assert empty.status_code == 422
    assert "Choisissez le fichier de la convention signée." in error_of(empty, "document")
    wrong = client.post(f"/conventions/{lyon.id}/copie-signee",
                        data={"document": files.upload(files.exe(), "convention.pdf")})
    assert wrong.status_code == 422
    assert "« convention.pdf » n'est pas d'un type accepté" in error_of(wrong, "document")

    uploaded = client.post(f"/conventions/{lyon.id}/copie-signee", data={
        "document": files.upload(files.pdf("Convention signée"), "convention-LMH.pdf")})
    assert uploaded.status_code == 302
    shown = client.get(f"/conventions/{lyon.id}")
    assert "Copie signée « convention-LMH.pdf » déposée." in page(shown)
    link = re.search(r'href="(/documents/[^"]+)">convention-LMH.pdf',
                     shown.get_data(as_text=True)).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    db.session.expire_all()
    assert lyon.state == "signed" and lyon.signed_document.original_name == "convention-LMH.pdf"
    assert project["dossier"].state == "conventioned"


# --- Holders and anonymous visitors -------------------------------------------------------

def test_holders_and_anonymous_visitors_are_kept_out(app, client, project, conventions):
    lyon = conventions["Lyon Métropole Habitat"]
    number = project["dossier"].number
    holder = client_of(app, UserFactory(role=Role.HOLDER))
    gets = ["/conventions/", f"/conventions/dossiers/{number}", f"/conventions/{lyon.id}",
            "/conventions/mes-conventions"]
    posts = [f"/conventions/dossiers/{number}/creer", f"/conventions/{lyon.id}/modifier",
             f"/conventions/{lyon.id}/avenant", f"/conventions/{lyon.id}/versements",
             f"/conventions/{lyon.id}/etape/send_for_signature",
             f"/conventions/{lyon.id}/copie-signee"]
    for path in gets:
        assert holder.get(path).status_code == 403, path
        response = client.get(path)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    for path in posts:
        assert holder.post(path).status_code == 403, path
        response = client.post(path)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_an_animator_has_no_member_list(animator_client):
    assert animator_client.get("/conventions/mes-conventions").status_code == 403


def test_the_holder_partial_shows_their_conventions(app, project, conventions, animator):
    from datetime import date

    lyon = conventions["Lyon Métropole Habitat"]
    services.update_convention(lyon, animator, start_date=date(2027, 1, 1),
                               end_date=date(2027, 12, 31))
    services.schedule_payment(lyon, animator, date(2027, 2, 1), 300000)
    with app.test_request_context("/"):
        html = render_template("conventions/_holder_conventions.html",
                               conventions=project["dossier"].conventions)
    shown = " ".join(re.sub(r"<[^>]+>", " ", html).replace("\u202f", " ")
                     .replace("\xa0", " ").split())
    assert "Vos conventions" in shown
    assert "Lyon Métropole Habitat Brouillon Financement · du 1 janvier 2027 au 31 décembre 2027" \
        in shown
    assert "Montant engagé : 8 000 €, dont 0 € déjà versés" in shown
    assert "Soutien en nature, valorisé à 4 500 €" in shown
    assert "Prochain versement : 3 000 €, prévu le 1 février 2027" in shown
    with app.test_request_context("/"):
        assert render_template("conventions/_holder_conventions.html",
                               conventions=[]).strip() == ""

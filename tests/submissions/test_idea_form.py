"""The holder's journey through the idea form, as a browser drives it."""

import re
from html import unescape
from pathlib import Path

from sqlalchemy import func, select

from murporteur.extensions import db
from murporteur.submissions.models import Document, Dossier
from tests import files
from tests.factories import AnimatorFactory
from tests.helpers import link_in, outbox, sent_back, text


def answers(**overrides):
    data = {
        "contact_name": "Amina Diallo", "structure_name": "Le Comptoir des Voisins",
        "legal_form": "scic", "email": "amina@example.org", "phone": "06 12 34 56 78",
        "town": "Vaulx-en-Velin", "title": "Café solidaire au pied des immeubles",
        "summary": "Un café coopératif tenu avec les habitants.",
        "need": "Aucun lieu de rencontre dans le quartier.",
        "residents": "Les 400 foyers de la résidence.", "neighbourhoods": "Mas du Taureau",
        "priority_area": "yes", "stage": "development", "support_kinds": ["premises"],
        "financing_amount": "", "support_details": "", "consent": "y", "action": "submit",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_is_in_french_with_its_sections(client):
    page = text(client.get("/deposer"))
    for heading in ("1. Vous et votre structure", "2. Votre idée", "3. Où",
                    "4. Le stade de votre projet", "5. Le soutien que vous recherchez",
                    "6. Documents", "7. Votre accord et l'envoi"):
        assert heading in page
    assert "Envoyer mon idée" in page and "Enregistrer le brouillon" in page


def test_a_complete_idea_with_a_pdf_is_numbered_received_and_announced(app, client):
    animator = AnimatorFactory()
    response = client.post("/deposer", data=answers(
        documents=[files.upload(files.pdf(), "présentation.pdf")]),
        content_type="multipart/form-data")
    assert response.status_code == 302
    confirmation = client.get(response.headers["Location"])
    page = text(confirmation)
    dossier = db.session.scalars(select(Dossier)).one()
    assert dossier.number.startswith("MP-2026-") or dossier.number.startswith("MP-20")
    assert f"Votre numéro de dossier : {dossier.number}" in page
    assert "amina@example.org" in page
    # The receipt left the outbox (in-process, written to the log).
    receipt, = outbox("dossier_receipt")
    assert receipt.state.value == "sent" and receipt.transport == "log"
    assert dossier.number in receipt.subject
    assert "/lien/" in receipt.text_body and "<a href=" in receipt.html_body
    staff, = outbox("dossier_new_for_staff")
    assert staff.recipient_email == animator.email and staff.state.value == "sent"
    # The document is kept outside static/, under a random name.
    document, = dossier.documents
    assert document.original_name == "présentation.pdf"
    assert document.content_type == "application/pdf"
    stored = Path(app.config["UPLOAD_DIR"]) / document.storage_name[:2] / document.storage_name
    assert stored.read_bytes() == files.pdf()
    assert "présentation" not in document.storage_name
    assert "static" not in str(stored)


def test_every_missing_answer_is_named_next_to_its_field_and_nothing_is_lost(client):
    response = sent_back(client, client.post("/deposer", data=answers(
        title="Atelier vélo", summary="", need="", stage=None, support_kinds=None,
        consent=None, phone="pas un numéro"), content_type="multipart/form-data"))
    html = response.get_data(as_text=True)
    page = text(response)
    assert "Votre formulaire n'est pas encore complet" in page
    assert 'id="summary-error"' in html and 'id="need-error"' in html
    assert 'id="stage-error"' in html and 'id="support_kinds-error"' in html
    assert 'id="consent-error"' in html and 'id="phone-error"' in html
    assert "Ce numéro ne semble pas valide" in page
    assert "Cette réponse est nécessaire pour envoyer votre idée." in page
    assert 'aria-describedby="summary-hint summary-error summary-count"' in html
    # What was typed is still there.
    assert 'value="Atelier vélo"' in html and 'value="Le Comptoir des Voisins"' in html
    assert 'value="pas un numéro"' in html
    assert db.session.scalar(select(func.count(Dossier.id))) == 0


def test_a_malformed_email_is_explained(client):
    response = sent_back(client, client.post(
        "/deposer", data=answers(email="amina@"),
        content_type="multipart/form-data"))
    assert "Cette adresse e-mail ne semble pas valide" in text(response)
    assert 'value="amina@"' in response.get_data(as_text=True)


def test_financing_asks_for_an_amount_in_euros(client):
    response = sent_back(client, client.post(
        "/deposer", data=answers(support_kinds=["financing"], financing_amount="beaucoup"),
        content_type="multipart/form-data"))
    assert "Indiquez un montant en euros" in text(response)
    response = sent_back(client, client.post(
        "/deposer", data=answers(support_kinds=["financing"]),
        content_type="multipart/form-data"))
    assert "Indiquez le montant du financement recherché" in text(response)
    response = client.post("/deposer", data=answers(support_kinds=["financing"],
                                                    financing_amount="8 000,50"),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalars(select(Dossier)).one().financing_amount_cents == 800050


def test_uploads_survive_an_error_in_the_form_and_are_attached_on_success(client):
    response = sent_back(client, client.post(
        "/deposer", data=answers(title="", documents=[files.upload(files.pdf(), "budget.pdf")]),
        content_type="multipart/form-data"))
    assert "budget.pdf" in text(response)
    response = client.post("/deposer", data=answers(), content_type="multipart/form-data")
    assert response.status_code == 302
    dossier = db.session.scalars(select(Dossier)).one()
    assert [d.original_name for d in dossier.documents] == ["budget.pdf"]


def test_a_file_of_another_type_is_refused_whatever_its_name(client):
    response = sent_back(client, client.post(
        "/deposer", data=answers(documents=[
            files.upload(files.exe(), "devis.pdf"), files.upload(files.png(), "photo.png")]),
        content_type="multipart/form-data"))
    page = text(response)
    assert "« devis.pdf » n'est pas d'un type accepté" in page
    assert "photo.png" in page  # the good one is kept for the next try
    assert db.session.scalar(select(func.count(Dossier.id))) == 0


def test_a_removed_upload_is_not_attached(client):
    client.post("/deposer", data=answers(title="", documents=[
        files.upload(files.pdf(), "vieux.pdf")]), content_type="multipart/form-data")
    staged = db.session.scalars(select(Document)).one()
    response = client.post("/deposer", data=answers(remove_document=[staged.public_id]),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalars(select(Dossier)).one().documents == [] or all(
        d.removed for d in db.session.scalars(select(Dossier)).one().documents)


def test_a_draft_is_saved_with_an_email_and_resumed_through_the_link(client, app):
    response = client.post("/deposer", data=answers(
        action="save", summary="", consent=None,
        documents=[files.upload(files.odt(), "statuts.odt")]),
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert "Brouillon enregistré" in text(client.get(response.headers["Location"]))
    draft = db.session.scalars(select(Dossier)).one()
    assert draft.state == "draft" and draft.number is None
    mail, = outbox("draft_resume_link", to="amina@example.org")
    assert mail.state.value == "sent"
    # Later, from another browser: the link opens the draft, answers and file included.
    browser = app.test_client()
    assert browser.get(f"/deposer/{draft.public_id}").status_code == 302
    landing = browser.get(link_in(mail))
    assert "Reprendre mon brouillon" in text(landing)
    opened = browser.post(link_in(mail))
    assert opened.headers["Location"].endswith(f"/deposer/{draft.public_id}")
    form = browser.get(opened.headers["Location"])
    html = form.get_data(as_text=True)
    assert 'value="Café solidaire au pied des immeubles"' in html
    assert "statuts.odt" in html
    # And sent from there.
    sent = browser.post(f"/deposer/{draft.public_id}", data=answers(),
                        content_type="multipart/form-data")
    assert sent.status_code == 302
    db.session.expire_all()
    assert draft.state == "submitted" and draft.documents[0].original_name == "statuts.odt"


def test_saving_a_draft_needs_only_an_email(client):
    response = sent_back(client, client.post(
        "/deposer", data={"email": "", "action": "save"},
        content_type="multipart/form-data"))
    assert "Indiquez votre adresse e-mail" in text(response)
    response = client.post("/deposer", data={"email": "x@example.org", "action": "save"},
                           content_type="multipart/form-data")
    assert response.status_code == 302


def test_another_browser_cannot_open_a_draft(client, app):
    client.post("/deposer", data=answers(action="save"), content_type="multipart/form-data")
    draft = db.session.scalars(select(Dossier)).one()
    stranger = app.test_client()
    response = stranger.get(f"/deposer/{draft.public_id}")
    assert response.status_code == 302 and "/retrouver-mon-dossier" in response.headers["Location"]
    assert stranger.get(f"/deposer/{draft.public_id}/merci").status_code == 404


def test_a_submitted_idea_cannot_be_edited_through_the_form(client):
    response = client.post("/deposer", data=answers(), content_type="multipart/form-data")
    dossier = db.session.scalars(select(Dossier)).one()
    again = client.post(f"/deposer/{dossier.public_id}", data=answers(title="Changé"),
                        content_type="multipart/form-data")
    assert again.status_code == 302
    db.session.expire_all()
    assert dossier.title == "Café solidaire au pied des immeubles"
    assert response.status_code == 302


def test_too_large_a_body_is_refused_with_a_clear_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    try:
        response = client.post("/deposer", data=answers(documents=[
            files.upload(files.pdf() + b"0" * 60_000, "gros.pdf")]),
            content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 52 * 1024 * 1024
    assert response.status_code == 413
    assert "Envoi trop volumineux" in text(response)
    assert "vos réponses y sont encore" in text(response)


def test_a_form_without_its_csrf_token_is_refused(client):
    response = client.post("/deposer", data=answers(), csrf=False,
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Formulaire expiré" in text(response)
    assert db.session.scalar(select(func.count(Dossier.id))) == 0


# --- Issue 17, item 10 --------------------------------------------------------------------

def test_long_texts_are_never_cut_by_the_browser_and_show_their_limit(client):
    html = client.get("/deposer").get_data(as_text=True)
    summary = re.search(r"<textarea[^>]*id=\"summary\"[^>]*>", html).group(0)
    assert "maxlength" not in summary.replace("data-maxlength", "")
    assert 'data-maxlength="5000"' in summary
    assert "summary-count" in summary  # described by its counter
    assert "5\u202f000 caractères au plus." in text(client.get("/deposer")) or \
        "5 000 caractères au plus." in text(client.get("/deposer"))


def test_a_pasted_text_over_the_limit_is_kept_whole_and_the_overflow_said(client):
    pasted = ("Une ligne de notre projet, écrite ailleurs.\r\n" * 460)[:20000]
    response = sent_back(client, client.post(
        "/deposer", data=answers(summary=pasted),
        content_type="multipart/form-data"))
    html = response.get_data(as_text=True)
    kept = re.search(r'<textarea[^>]*id="summary"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    length = len(pasted.replace("\r\n", "\n").strip())
    assert len(unescape(kept).strip()) == length  # nothing cut
    page = text(response)
    assert f"Ce texte compte {length} caractères pour 5000 au plus" in page
    assert "Rien n'a été coupé" in page
    assert db.session.scalar(select(func.count(Dossier.id))) == 0


def test_line_breaks_count_as_one_character_as_the_counter_counts_them(client):
    # 4,990 characters with 100 line breaks: the browser sends CRLF, 5,090 bytes of text.
    summary = ("x" * 48 + "\r\n") * 100 + "y" * 90
    response = client.post("/deposer", data=answers(summary=summary),
                           content_type="multipart/form-data")
    assert response.status_code == 302


def test_fixing_one_field_and_sending_at_once_does_not_trip_the_robot_timer(app, client):
    app.config["FORM_MIN_SECONDS"] = 3
    try:
        import time

        from murporteur.core.security import form_stamp

        shown = form_stamp(time.time() - 60)  # the form was shown a minute ago
        refused = sent_back(client, client.post(
            "/deposer", data=answers(title="", started=shown),
            content_type="multipart/form-data"))
        again = re.search(r'name="started"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="started"',
                          refused.get_data(as_text=True))
        stamp = again.group(1) or again.group(2)
        assert stamp == shown  # the first display still times the form
        sent = client.post("/deposer", data=answers(started=stamp),
                           content_type="multipart/form-data")
        assert sent.status_code == 302, text(sent)
    finally:
        app.config["FORM_MIN_SECONDS"] = 0


def test_a_robot_posting_at_once_is_still_refused(app, client):
    app.config["FORM_MIN_SECONDS"] = 3
    try:
        from murporteur.core.security import form_stamp

        refused = sent_back(client, client.post(
            "/deposer", data=answers(started=form_stamp()),
            content_type="multipart/form-data"))
        assert "plus vite qu'une personne" in text(refused)
    finally:
        app.config["FORM_MIN_SECONDS"] = 0


def test_a_refused_send_is_answered_by_a_redirect_to_the_form_s_get(client):
    # POST, redirect, GET: the page showing the refusal is a GET, so that the back button
    # after the next send never asks to resend the form.
    refused = client.post("/deposer?appel=", data=answers(title=""),
                          content_type="multipart/form-data")
    assert refused.status_code == 303 and refused.headers["Location"] == "/deposer"
    page = client.get(refused.headers["Location"])
    assert page.status_code == 200 and "<body>" in page.get_data(as_text=True)
    assert 'id="title-error"' in page.get_data(as_text=True)


def test_the_pdf_receipt_holds_what_was_sent(app, client):
    from io import BytesIO

    from pypdf import PdfReader

    response = client.post("/deposer", data=answers(
        summary="Un café coopératif tenu avec les habitants.\nOuvert le samedi.",
        documents=[files.upload(files.pdf(), "budget.pdf")]),
        content_type="multipart/form-data")
    confirmation = client.get(response.headers["Location"])
    dossier = db.session.scalars(select(Dossier)).one()
    link = f"/deposer/{dossier.public_id}/recapitulatif.pdf"
    assert link in confirmation.get_data(as_text=True)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f'filename="{dossier.number}.pdf"' in pdf.headers["Content-Disposition"]
    words = " ".join("".join(page.extract_text() for page in PdfReader(
        BytesIO(pdf.data)).pages).split())
    for expected in (dossier.number, "Café solidaire au pied des immeubles",
                     "Un café coopératif tenu avec les habitants.", "Ouvert le samedi.",
                     "Amina Diallo", "amina@example.org", "06 12 34 56 78", "Vaulx-en-Velin",
                     "budget.pdf", "J'accepte que les informations"):
        assert expected in words, expected
    # Another browser gets nothing.
    assert app.test_client().get(link).status_code == 404


def test_a_saved_draft_saves_itself_as_it_is_typed(app, client):
    response = client.post("/deposer", data=answers(action="save", summary="Première idée"),
                           content_type="multipart/form-data")
    draft = db.session.scalars(select(Dossier)).one()
    assert response.headers["Location"].endswith(f"/deposer/{draft.public_id}")
    page = client.get(f"/deposer/{draft.public_id}").get_data(as_text=True)
    url = f"/deposer/{draft.public_id}/enregistrement-auto"
    assert f'data-autosave-url="{url}"' in page
    typed = answers(action=None, summary="Un café coopératif, version longue.",
                    title="x" * 201)  # one field too long: the draft keeps its title
    mails = len(outbox())
    saved = client.post(url, data=typed)
    assert saved.status_code == 204
    db.session.expire_all()
    assert draft.summary == "Un café coopératif, version longue."
    assert draft.title == "Café solidaire au pied des immeubles"
    assert len(outbox()) == mails  # an autosave mails nothing
    # Another browser, or a sent idea, saves nothing.
    assert app.test_client().post(url, data=typed).status_code == 404
    client.post(f"/deposer/{draft.public_id}", data=answers(),
                content_type="multipart/form-data")
    assert client.post(url, data=answers(action=None, summary="Changé")).status_code == 404
    db.session.expire_all()
    assert draft.number is not None and draft.summary != "Changé"

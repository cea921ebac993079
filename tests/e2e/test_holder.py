"""The holder's journey in a phone-sized Chromium: with the mouse, then with the keyboard alone."""

from __future__ import annotations

import re

import pytest

from tests import files

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect

PHONE = {"width": 375, "height": 740}


def _pdf(tmp_path):
    path = tmp_path / "presentation.pdf"
    path.write_bytes(files.pdf())
    return path


def _request_info(live, number: str, question: str) -> None:
    """An animator asks the holder a question (their own journey is tested elsewhere)."""
    from murporteur.core.lifecycle import apply_transition
    from murporteur.submissions.services import find_by_number
    from tests.factories import AnimatorFactory

    with live.data():
        dossier = find_by_number(number)
        apply_transition(dossier, "request_info", AnimatorFactory(), question)


def _fill_idea(page, email: str, phone: str, pdf) -> None:
    page.get_by_label("Vos nom et prénom").fill("Amina Diallo")
    page.get_by_label("Nom de votre structure ou de votre collectif").fill("Le Comptoir")
    page.get_by_label("Forme juridique").select_option(value="scic")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Téléphone").fill(phone)
    page.get_by_label("Commune").fill("Vaulx-en-Velin")
    page.get_by_label("Titre de votre idée").fill("Café solidaire du Mas")
    page.get_by_label("Résumé").fill("Un café coopératif au pied des immeubles.")
    page.get_by_label("Le besoin auquel elle répond").fill("Aucun lieu de rencontre.")
    page.get_by_label("Les habitants concernés").fill("Les 400 foyers de la résidence.")
    page.get_by_label("Quartiers concernés").fill("Mas du Taureau")
    page.get_by_role("group", name=re.compile("quartier prioritaire")).get_by_label("Oui").check()
    page.get_by_role("group", name=re.compile("Où en est votre projet")).get_by_role(
        "radio").first.check()
    page.get_by_role("group", name=re.compile("Quel soutien")).get_by_role(
        "checkbox").first.check()
    page.get_by_label("Documents (facultatif)").set_input_files(str(pdf))
    page.get_by_label(re.compile("J'accepte que les informations")).check()


def test_holder_submits_fixes_follows_and_answers_on_a_phone(web, live, tmp_path):
    page = web.open(**PHONE)
    check = web.checker.check
    page.goto(live.url + "/")
    check(page)
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibilité : non conforme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    check(page)
    page.get_by_role("link", name="Proposer une idée").first.click()
    check(page)
    email = "amina.e2e@example.org"
    _fill_idea(page, email, "12", _pdf(tmp_path))
    page.get_by_role("button", name="Envoyer mon idée").click()

    # The error is summarised at the top, linked to its field, and the field points at it.
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Téléphone")
    phone = page.get_by_label("Téléphone")
    expect(phone).to_have_attribute("aria-invalid", "true")
    assert "phone-error" in phone.get_attribute("aria-describedby")
    expect(page.locator("#phone-error")).to_contain_text("Ce numéro ne semble pas valide")
    expect(page.get_by_label("Titre de votre idée")).to_have_value("Café solidaire du Mas")
    check(page, "idea form with an error")
    summary.get_by_role("link", name=re.compile("Téléphone")).click()
    expect(phone).to_be_focused()
    phone.fill("06 12 34 56 78")
    # Nothing entered is lost: the PDF and the consent are still there.
    expect(page.get_by_role("link", name="presentation.pdf")).to_be_visible()
    expect(page.get_by_label(re.compile("J'accepte que les informations"))).to_be_checked()
    page.get_by_role("button", name="Envoyer mon idée").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Merci, votre idée est bien envoyée")
    number = page.locator(".dossier-number").inner_text()
    assert re.fullmatch(r"MP-\d{4}-\d{4}", number)
    check(page)

    # The receipt carries the tracking link; it opens the dossier, with its PDF.
    receipts = [body for key, _s, body in live.outbox(email) if key == "dossier_receipt"]
    assert receipts, live.outbox(email)
    page.goto(live.link_in(receipts[0]))
    check(page)
    page.get_by_role("button", name="Accéder à mon dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Café solidaire du Mas")
    expect(page.get_by_role("link", name="presentation.pdf")).to_be_visible()
    check(page)

    # An animator asks a question; the holder reads it on their page and answers.
    _request_info(live, number, "Quel est le budget de la première année ?")
    page.reload()
    # The question waits at the top, with its deadline and a button to the answer form.
    banner = page.locator(".action-banner")
    expect(banner).to_contain_text("Quel est le budget de la première année ?")
    expect(banner).to_contain_text("Merci de répondre avant le")
    expect(page.locator("main .badge").first).to_have_text("Informations demandées")
    check(page, "information requested")
    banner.get_by_role("link", name="Répondre").click()
    expect(page.get_by_label("Votre message")).to_be_in_viewport()
    page.get_by_label("Votre message").fill("Environ 45 000 €, détaillés dans le budget joint.")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_text("Message envoyé.")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text(
        "Environ 45 000 €, détaillés dans le budget joint.")
    expect(page.locator("main .badge").first).not_to_have_text("Informations demandées")
    check(page, "answered")
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# ---- Keyboard alone -----------------------------------------------------------------------

def _focused(page) -> dict:
    return page.evaluate("""() => {
        const e = document.activeElement;
        const style = getComputedStyle(e);
        return {id: e.id, tag: e.tagName, href: e.getAttribute('href') || '',
                type: e.getAttribute('type') || '', value: e.value || '',
                text: (e.innerText || '').trim(),
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
    }""")


def _tab_to(page, match, limit: int = 80) -> dict:
    """Press Tab until the focused element matches; its focus must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if match(focused):
            assert focused["outline"], f"no visible focus on {focused}"
            return focused
    raise AssertionError("not reached with the Tab key")


def _by_id(name):
    return lambda f: f["id"] == name


def _type_into(page, field_id: str, text: str) -> None:
    _tab_to(page, _by_id(field_id))
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _choose_file_with_keyboard(page, path) -> None:
    """Open the focused file input's chooser with the keyboard (Space, then Enter: both open
    it; under a heavy load Chromium sometimes drops the first key press) and pick ``path``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for key in ("Space", "Enter", "Space"):
        try:
            with page.expect_file_chooser(timeout=7000) as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(str(path))
        return
    raise AssertionError("the file input's chooser never opened from the keyboard")


def test_the_holder_journey_works_with_the_keyboard_alone(web, live, tmp_path):
    page = web.open(**PHONE, locale="en-GB")
    check = web.checker.check
    page.goto(live.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The first Tab shows the skip link; Enter takes the focus to the content.
    skip = _tab_to(page, lambda f: f["href"] == "#main", limit=1)
    assert skip["text"] == "Skip to content"
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    _tab_to(page, lambda f: f["href"].endswith("/deposer"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/deposer")

    email = "keyboard.e2e@example.org"
    _type_into(page, "contact_name", "Jo Martin")
    _type_into(page, "structure_name", "Vélos du Mas")
    _tab_to(page, _by_id("legal_form"))
    page.keyboard.press("ArrowDown")  # "Association", the first choice
    assert _focused(page)["value"] == "association"
    _type_into(page, "email", email)
    _type_into(page, "phone", "0612")  # too short: refused
    _type_into(page, "town", "Vaulx-en-Velin")
    _type_into(page, "title", "Atelier vélo solidaire")
    _type_into(page, "summary", "Réparer les vélos avec les habitants.")
    _type_into(page, "need", "Pas de vélociste dans le quartier.")
    _type_into(page, "residents", "Les familles de la résidence.")
    _type_into(page, "neighbourhoods", "Mas du Taureau")
    for choice in ("priority_area-0", "stage-0", "support_kinds-0"):
        _tab_to(page, _by_id(choice))
        page.keyboard.press("Space")
    _tab_to(page, _by_id("documents"))
    _choose_file_with_keyboard(page, _pdf(tmp_path))
    _tab_to(page, _by_id("consent"))
    page.keyboard.press("Space")
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["value"] == "submit")
    page.keyboard.press("Enter")

    # The error is announced (role=alert) and its link takes the focus to the field.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Your form is not complete yet")
    expect(summary).to_contain_text("This number does not look valid")
    check(page, "idea form with an error, in English")
    assert _focused(page)["id"] == "error-summary"  # it took the focus: it is read first
    _tab_to(page, lambda f: f["href"] == "#phone", limit=5)
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "phone"
    page.keyboard.press("Control+A")
    page.keyboard.type("06 12 34 56 78")
    expect(page.get_by_role("link", name="presentation.pdf")).to_be_visible()
    expect(page.locator("#consent")).to_be_checked()
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["value"] == "submit")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, your idea has been submitted")

    # The tracking link, then the dossier page, then a message: still without a mouse.
    receipts = [body for key, _s, body in live.outbox(email) if key == "dossier_receipt"]
    page.goto(live.link_in(receipts[0]))
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Go to my application")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier vélo solidaire")
    _type_into(page, "body", "Nous pouvons commencer en mars.")
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["type"] == "submit"
            and "message" in f["text"].lower())
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Message sent.")
    expect(page.locator("#messages")).to_contain_text("Nous pouvons commencer en mars.")
    check(page)

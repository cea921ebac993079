"""Issue 17: the holder comes back. The receipt's link opened again (the same device, then
another one), and the idea form's answers surviving a closed tab — with axe, in French and
in English."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_holder import _fill_idea, _pdf

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect


def test_the_holder_opens_the_receipt_link_again(web, live, tmp_path):
    page = web.open()
    check = web.checker.check
    page.goto(live.url + "/deposer")
    email = "return.e2e@example.org"
    _fill_idea(page, email, "06 12 34 56 78", _pdf(tmp_path))
    page.get_by_role("button", name="Envoyer mon idée").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Merci, votre idée est bien envoyée")
    expect(page.get_by_role("link", name=re.compile("récapitulatif"))).to_be_visible()
    check(page)
    receipt, = [body for key, _s, body in live.outbox(email) if key == "dossier_receipt"]
    link = live.link_in(receipt)
    page.goto(link)
    check(page)
    page.get_by_role("button", name="Accéder à mon dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Café solidaire du Mas")

    # Days later, the browser closed (its session gone), the same link from the same mail:
    # straight to the dossier.
    context = page.context
    kept = [c for c in context.cookies() if c["name"] != "session"]
    context.clear_cookies()
    context.add_cookies(kept)
    again = context.new_page()
    again.goto(link)
    expect(again.get_by_role("heading", level=1)).to_have_text("Café solidaire du Mas")
    check(again, "the receipt link opened again")

    # On another device (in English): no dead end, a new link in one click.
    other = web.open(locale="en-GB")
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text("This link can no longer be used")
    button = other.get_by_role("button", name="Get a new link at re•••@example.org")
    expect(button).to_be_visible()
    expect(other.get_by_label(re.compile("e-mail", re.I))).to_have_count(0)
    check(other, "a used link on another device, in English")
    button.click()
    expect(other.get_by_text("A new link has just been sent to re•••@example.org")).to_be_visible()
    check(other, "a new link sent")
    links = [body for key, _s, body in live.outbox(email) if key == "login_link"]
    assert len(links) == 1
    other.goto(live.link_in(links[0]))
    other.get_by_role("button", name="Go to my application").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Café solidaire du Mas")

    # The same page in French on a third device.
    third = web.open()
    third.goto(link)
    expect(third.get_by_role("button", name="Recevoir un nouveau lien à re•••@example.org")) \
        .to_be_visible()
    check(third, "a used link on another device, in French")


@pytest.mark.parametrize(("locale", "words"), [
    ("fr-FR", {"title": "Titre de votre idée", "summary": "Résumé",
               "kept": "Réponses gardées sur cet appareil", "back": "Nous avons remis",
               "over": "1 000 de trop"}),
    ("en-GB", {"title": "Title of your idea", "summary": "Summary",
               "kept": "Answers kept on this device", "back": "We have put back",
               "over": "1,000 too many"}),
])
def test_the_idea_form_survives_a_closed_tab(web, live, locale, words):
    page = web.open(locale=locale)
    check = web.checker.check
    page.goto(live.url + "/deposer")
    expect(page.locator("html")).to_have_attribute("lang", locale[:2])
    page.get_by_label(words["title"]).fill("Jardin partagé des Minguettes")
    long_text = ("Un jardin cultivé par les habitants. " * 200)[:6000]
    summary = page.get_by_label(words["summary"])
    summary.fill(long_text)
    # Nothing is cut: the overflow is said under the field.
    expect(summary).to_have_value(long_text)
    expect(page.locator("#summary-count")).to_contain_text(words["over"])
    page.get_by_role("group", name=re.compile("QPV")).get_by_role("radio").first.check()
    expect(page.locator("#autosave-status")).to_contain_text(words["kept"])
    check(page, "the idea form, kept as typed")
    page.close()  # the tab closed without saving

    back = page.context.new_page()
    back.goto(live.url + "/deposer")
    expect(back.get_by_label(words["title"])).to_have_value("Jardin partagé des Minguettes")
    expect(back.get_by_label(words["summary"])).to_have_value(long_text)
    expect(back.get_by_role("group", name=re.compile("QPV")).get_by_role("radio").first) \
        .to_be_checked()
    expect(back.locator("#autosave-restored")).to_contain_text(words["back"])
    check(back, "the idea form, put back after a closed tab")


def test_a_saved_draft_saves_itself_on_the_server_as_it_is_typed(web, live):
    page = web.open()
    page.goto(live.url + "/deposer")
    page.get_by_label("Adresse e-mail").fill("brouillon.e2e@example.org")
    page.get_by_label("Titre de votre idée").fill("Ressourcerie de quartier")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    status = page.locator("#autosave-status")
    expect(status).to_contain_text("Votre brouillon s’enregistre tout seul")
    page.get_by_label("Résumé").fill("Récupérer, réparer, revendre avec les habitants.")
    expect(status).to_contain_text("Brouillon enregistré automatiquement")
    web.checker.check(page, "a draft saved automatically")
    # On another device, through the link the draft was mailed with: the server has it.
    mail, = [body for key, _s, body in live.outbox("brouillon.e2e@example.org")
             if key == "draft_resume_link"]
    other = web.open()
    other.goto(live.link_in(mail))
    other.get_by_role("button", name="Reprendre mon brouillon").click()
    expect(other.get_by_label("Résumé")).to_have_value(
        "Récupérer, réparer, revendre avec les habitants.")

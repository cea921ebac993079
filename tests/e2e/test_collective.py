"""An admin sets the collective up: its settings (a bad value refused at the field, then
saved) and a reference list (an entry added, then archived), read by axe in both languages."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.steps import log_in, nav, visit

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect


def test_an_admin_edits_the_settings_and_a_reference_list(web, live, checker):
    from tests.factories import AdminFactory

    tag = uuid.uuid4().hex[:6]
    with live.data():
        admin = AdminFactory(email=f"admin.{tag}@example.org")
        email = admin.email
    page = web.open()
    log_in(page, live, checker, email)
    nav(page, checker, "Réglages du collectif")
    expect(page.get_by_role("heading", name="Réglages du collectif")).to_be_visible()

    page.get_by_label("Région").fill("Auvergne-Rhône-Alpes")
    page.get_by_label("Durée de passage par défaut au comité (minutes)").fill("deux heures")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    checker.check(page, "settings refused")
    expect(page.get_by_text("Indiquez un nombre entier entre 5 et 180.").first).to_be_visible()
    expect(page.get_by_label("Région")).to_have_value("Auvergne-Rhône-Alpes")

    page.get_by_label("Durée de passage par défaut au comité (minutes)").fill("30")
    page.get_by_role("button", name="Enregistrer les réglages").click()
    expect(page.get_by_text("Réglages enregistrés")).to_be_visible()

    page.get_by_role("link", name="Thèmes").click()
    checker.check(page, "themes")
    page.get_by_label("Clé (jamais modifiée ensuite)").fill(f"sport_{tag}")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Ajouter"))
    form.get_by_label("Libellé en français").fill(f"Sport {tag}")
    form.get_by_label("Libellé en anglais").fill(f"Sports {tag}")
    form.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text(f"« Sport {tag} » ajouté à la liste.")).to_be_visible()
    page.get_by_role("button", name=f"Archiver « Sport {tag} »").click()
    expect(page.get_by_text("archivé : il n'est plus proposé")).to_be_visible()
    visit(page, live, checker, "/admin/listes/structure_kind")

"""Issue 20: an animator publishes a call with a question; a holder answers it on a phone,
corrects an answer refused at its field; the animator compares the answers. axe checks every
page in French and in English."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from murporteur.core.timeutil import paris_today
from tests.e2e.steps import log_in, nav, visit
from tests.e2e.test_holder import _fill_idea, _pdf

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect

PHONE = {"width": 375, "height": 740}


def _animator(live):
    from tests.factories import AnimatorFactory

    with live.data():
        return AnimatorFactory(full_name=f"Camille {uuid.uuid4().hex[:6]}").email


def test_a_call_is_published_answered_on_a_phone_and_compared(web, live, tmp_path):
    check = web.checker.check
    title = f"Rez-de-chaussée à occuper {uuid.uuid4().hex[:6]}"
    animator = _animator(live)
    staff = web.open()
    log_in(staff, live, web.checker, animator)
    nav(staff, web.checker, "Appels à idées")
    staff.get_by_role("link", name="Écrire un appel ou un besoin").click()
    check(staff)
    staff.get_by_role("group", name="Vous publiez").get_by_label(
        "Un appel à idées ou à projets").check()
    staff.get_by_label("Titre").fill(title)
    staff.get_by_label("Présentation").fill("Un local de 80 m² attend un projet.")
    staff.get_by_label("Ouverture des réponses").fill(paris_today().isoformat())
    staff.get_by_label("Dernier jour des réponses (inclus)").fill(
        (paris_today() + timedelta(days=20)).isoformat())
    staff.get_by_role("button", name="Enregistrer").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Questions de l'appel")
    check(staff)
    staff.get_by_label("Type de réponse").select_option(value="number")
    staff.get_by_label("Question (en français)").fill("Surface souhaitée (m²)")
    staff.get_by_label("Question (en anglais)").fill("Floor space wished (m²)")
    staff.get_by_label("Réponse obligatoire pour envoyer l'idée").check()
    staff.get_by_role("button", name="Enregistrer la question").click()
    expect(staff.get_by_text("Question ajoutée.")).to_be_visible()
    staff.get_by_role("link", name=title).click()
    check(staff)
    staff.get_by_role("button", name="Publier").click()
    expect(staff.get_by_text("Appel publié.")).to_be_visible()

    # A holder, on a phone, finds it on the landing page and answers it.
    page = web.open(**PHONE)
    visit(page, live, web.checker, "/")
    page.get_by_role("link", name=title).click()
    check(page)
    page.get_by_role("link", name="Répondre").click()
    check(page)
    expect(page.get_by_role("heading", name="Questions de l'appel")).to_be_visible()
    _fill_idea(page, f"amina.{uuid.uuid4().hex[:6]}@example.org", "06 12 34 56 78",
               _pdf(tmp_path))
    surface = page.get_by_label(re.compile("Surface souhaitée"))
    surface.fill("beaucoup")
    page.get_by_role("button", name="Envoyer mon idée").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Indiquez un nombre")
    check(page)
    expect(surface).to_have_value("beaucoup")
    expect(page.get_by_label("Titre de votre idée")).to_have_value("Café solidaire du Mas")
    surface.fill("80,5")
    page.get_by_role("button", name="Envoyer mon idée").click()
    expect(page.get_by_text(re.compile("Votre numéro de dossier"))).to_be_visible()
    check(page)

    # The animator compares the answers: the question is a column.
    staff.get_by_role("link", name="Comparer les réponses").click()
    check(staff)
    table = staff.get_by_role("table")
    expect(table.get_by_role("columnheader", name="Surface souhaitée (m²)")).to_be_visible()
    expect(table).to_contain_text("80,5")
    expect(table).to_contain_text("Café solidaire du Mas")

"""The animators' daily work (issue 17): the search from the header, errors where the eye is,
the live committee grid. Each page is checked with axe in French and in English."""

from __future__ import annotations

import pytest

from tests.e2e.steps import log_in, visit
from tests.e2e.test_staff import _animator, _submitted

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect


def test_part_of_a_number_is_found_from_the_default_tab(web, live):
    from murporteur.triage import services as triage
    from tests.factories import AnimatorFactory, submitted_dossier

    with live.data():
        someone = AnimatorFactory()
        dossier = submitted_dossier(title="Recyclerie des Pentes", town="Villeurbanne")
        triage.decide(dossier, "decline", someone, "Hors champ.")  # not in the default tab
        number, title = dossier.number, dossier.title
    page = web.open()
    log_in(page, live, web.checker, _animator(live))
    visit(page, live, web.checker, "/instruction/")
    box = page.get_by_role("searchbox", name="Rechercher un dossier, un porteur, une structure, "
                                             "une commune")
    tail = number[-4:]
    box.fill(tail)
    # Suggestions while typing (htmx), a link straight to the dossier.
    suggestion = page.locator("#staff-search-suggestions").get_by_role("link", name=number)
    expect(suggestion).to_be_visible()
    web.checker.check(page, "suggestions")
    box.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("link", name=number)).to_be_visible()
    expect(page.get_by_text(title)).to_be_visible()
    web.checker.check(page)
    # The whole number opens the dossier.
    box = page.get_by_role("searchbox", name="Rechercher un dossier, un porteur, une structure, "
                                             "une commune")
    box.fill(number)
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    # A town, from the header of another staff page.
    visit(page, live, web.checker, "/conventions/")
    page.get_by_role("searchbox", name="Rechercher un dossier, un porteur, une structure, "
                                       "une commune").fill("villeurbanne")
    page.get_by_role("button", name="Chercher partout").click()
    expect(page.get_by_role("link", name=number)).to_be_visible()


def test_the_staff_search_in_english(web, live):
    number, _title = _submitted(live)
    page = web.open()
    log_in(page, live, web.checker, _animator(live))
    page.goto(live.url + "/instruction/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    box = page.get_by_role("searchbox", name="Search an application, a holder, a structure, "
                                             "a town")
    box.fill(number[-2:])
    box.press("Enter")
    expect(page.get_by_role("link", name=number)).to_be_visible()
    web.checker.check(page)


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_a_refused_side_form_is_summed_up_at_the_top_with_the_focus(web, live, locale):
    number, _title = _submitted(live)
    page = web.open(height=900)
    log_in(page, live, web.checker, _animator(live))
    if locale == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    page.goto(f"{live.url}/instruction/dossiers/{number}")
    page.get_by_text({"fr": "Noter un appel", "en": "Log a call"}[locale],
                     exact=True).click()
    page.locator("textarea#notes").fill("Rappeler lundi")
    page.get_by_role("button", name={"fr": "Enregistrer l'appel", "en": "Save call"}[locale]
                     ).click()  # no outcome chosen
    page.wait_for_load_state()
    summary = page.locator("#page-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert summary.bounding_box()["y"] < 900, "the summary is not where the eye is"
    expect(summary).to_contain_text({"fr": "Rien n'a été enregistré",
                                     "en": "Nothing was saved"}[locale])
    web.checker.check(page, "refused call")
    summary.get_by_role("link").first.click()
    focused = page.evaluate("document.activeElement.name")
    assert focused == "outcome", focused


def test_the_grid_shows_a_members_position_without_reload(web, live):
    from tests.e2e.test_staff import _committee

    world = _committee(live, state="convened")
    grid = web.open()
    log_in(grid, live, web.checker, world["animator"])
    visit(grid, live, web.checker, f"/instruction/comites/{world['session']}/grille")
    item = grid.locator(f"#item-{world['item']}-live")
    expect(item).to_contain_text("Pas encore de réponse")
    # Another person, in another browser, records her organisation's position.
    member = web.open(width=375, height=800)
    log_in(member, live, web.checker, world["members"][0])
    member.goto(f"{live.url}/comite/seances/{world['session']}/points/{world['item']}")
    member.get_by_role("group", name="Position de votre organisation").get_by_label(
        "Soutient", exact=True).check()
    member.get_by_role("button", name="Enregistrer la position").click()
    expect(member.get_by_role("status")).to_contain_text("Position enregistrée pour")
    # The animator's open grid shows it within seconds, without reload.
    expect(item).to_contain_text("Soutient", timeout=15_000)
    expect(item).to_contain_text(world["organisations"][0])
    web.checker.check(grid, "grid updated live")


def test_the_dashboard_shows_fifteen_dossiers_a_screen(web, live):
    from tests.factories import submitted_dossier

    with live.data():
        for k in range(18):
            submitted_dossier(title=f"Épicerie solidaire et tiers-lieu des Buers n°{k}",
                              town="Villeurbanne", structure_name="Association des habitants "
                              "du quartier Saint-Jean")
    page = web.open(width=1280, height=800)
    log_in(page, live, web.checker, _animator(live))
    visit(page, live, web.checker, "/instruction/")
    rows = page.locator(".dossier-table tbody tr")
    heights = [rows.nth(k).bounding_box()["height"] for k in range(15)]
    assert max(heights) * 15 <= 800 - 40, heights  # 15 rows under the sticky header
    # Words on one line: "Villeurbann e" and "aujou rd'hui" no more.
    lines = page.locator(".dossier-table tbody tr").first.locator("td.nowrap").evaluate_all(
        """cells => cells.map(c => { const r = document.createRange(); r.selectNodeContents(c);
                                     const tops = Array.from(r.getClientRects(), x => x.top);
                                     return Math.max(...tops) - Math.min(...tops) < 8 ? 1 : 2;
                                   })""")
    assert lines and max(lines) == 1, lines
    # The header stays in view once the table scrolls, and the page is never wider.
    wrap = page.locator(".dossier-table-wrap")
    wrap.scroll_into_view_if_needed()
    top = wrap.bounding_box()["y"]
    wrap.evaluate("w => { w.scrollTop = 400; }")
    page.wait_for_timeout(200)
    header = page.locator(".dossier-table thead th").nth(1).bounding_box()
    assert abs(header["y"] - top) <= 2, (header, top)
    assert wrap.bounding_box()["height"] <= 800
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    # A phone: short cards, no sideways scroll (checked by the checker).
    phone = web.open(width=375, height=800)
    log_in(phone, live, web.checker, _animator(live))
    visit(phone, live, web.checker, "/instruction/")
    card = phone.locator(".dossier-table tbody tr").first.bounding_box()
    assert card["height"] < 330, card

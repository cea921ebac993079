"""What every journey does the same way: log in through the form, open a page and check it."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect


def log_in(page, live, checker, email: str) -> None:
    page.goto(live.url + "/connexion")
    checker.check(page)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def visit(page, live, checker, path: str) -> None:
    page.goto(live.url + path)
    checker.check(page)


def nav(page, checker, name: str) -> None:
    """Follow a link of the main navigation."""
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name=name, exact=True).click()
    checker.check(page)

"""What every journey does the same way: log in through the form, open a page and check it."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect


def log_in(page, live, checker, email: str) -> None:
    """The login form, then the second step when the account has one (animators and admins):
    the code is the one their authenticator app would show."""
    page.goto(live.url + "/connexion")
    checker.check(page)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    page.wait_for_load_state()
    if page.url.endswith("/connexion/verification"):
        checker.check(page)
        page.get_by_label("Code de vérification").fill(_authenticator_code(live, email))
        page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _authenticator_code(live, email: str) -> str:
    """The code the app shows now, or the next one when this account already used it (a code
    is good once: the same animator may log in twice within 30 seconds)."""
    from datetime import UTC, datetime

    import pyotp
    from sqlalchemy import select

    from murporteur.accounts.models import User

    with live.data() as session:
        user = session.scalar(select(User).where(User.email == email))
        totp = pyotp.TOTP(user.totp_secret)
        now = totp.timecode(datetime.now(UTC))
        step = now if user.totp_last_step is None else max(now, user.totp_last_step + 1)
        if step > now + 1:  # a third login within 30 seconds: as if time had passed
            user.totp_last_step = None
            step = now
        return totp.generate_otp(step)


def visit(page, live, checker, path: str) -> None:
    page.goto(live.url + path)
    checker.check(page)


def nav(page, checker, name: str) -> None:
    """Follow a link of the main navigation."""
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name=name, exact=True).click()
    checker.check(page)

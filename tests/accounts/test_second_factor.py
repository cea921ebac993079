"""The second factor (issue 13, finding 8): required for animators and admins, optional for
members (unless REQUIRE_2FA_FOR_MEMBERS), single-use codes, recovery codes, limits, audit."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from murporteur.accounts import second_factor
from murporteur.accounts.models import RecoveryCode
from murporteur.audit.models import AuditEntry
from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.settings import Settings
from tests.conftest import login, make_app
from tests.factories import PASSWORD, AnimatorFactory, HolderFactory, MemberFactory
from tests.helpers import SECOND_STEP, second_step, text, totp_code

ENROL = "/compte/double-authentification/activer"
MANAGE = "/compte/double-authentification"


def _password(client, user, **extra):
    return client.post("/connexion", data={"email": user.email, "password": PASSWORD,
                                           **extra})


def _actions(user) -> list[str]:
    db.session.expire_all()
    return [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_type == "user_account",
                                 AuditEntry.subject_id == str(user.id))
        .order_by(AuditEntry.id))]


def _enrol(client, user):
    """Go through the enrolment page as a person would: read the key, type a code."""
    page = client.get(ENROL)
    assert page.status_code == 200
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', page.get_data(as_text=True))[1]
    code = pyotp.TOTP(secret).now()
    response = client.post(ENROL, data={"code": code})
    assert response.status_code == 200, text(response)
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>",
                       response.get_data(as_text=True))
    return secret, codes, response


def test_an_animator_without_a_second_factor_must_enrol_right_after_the_password(app, client):
    animator = AnimatorFactory(totp_secret=None, totp_enabled_at=None)
    response = _password(client, animator, next="/instruction/?page=2")
    assert response.headers["Location"] == ENROL
    # Nothing else opens before the enrolment is done.
    assert client.get("/instruction/").status_code == 302
    page = client.get(ENROL)
    html = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html  # the QR code, allowed by the CSP (img data:)
    assert "Votre rôle donne accès aux dossiers" in text(page)
    # A wrong code is said at the field; the same key is shown again.
    response = client.post(ENROL, data={"code": "000000"})
    assert response.status_code == 422
    assert 'id="code-error"' in response.get_data(as_text=True)
    assert "Ce code n'est pas valide." in text(response)
    secret, codes, response = _enrol(client, animator)
    assert len(codes) == len(set(codes)) == 10
    assert "ne seront plus jamais affichés" in text(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert 'href="/instruction/?page=2"' in response.get_data(as_text=True)
    assert client.get("/instruction/").status_code == 200
    db.session.expire_all()
    assert animator.totp_secret == secret and animator.has_second_factor
    # Only digests of the recovery codes are kept.
    digests = db.session.scalars(select(RecoveryCode.digest).where(
        RecoveryCode.user_id == animator.id)).all()
    assert len(digests) == 10 and not set(codes) & set(digests)
    assert "account.second_factor_enrolled" in _actions(animator)
    # The key is never shown again.
    assert client.get(ENROL).headers["Location"] == MANAGE
    assert secret not in client.get(MANAGE).get_data(as_text=True)


def test_the_password_alone_does_not_log_an_enrolled_animator_in(app, client):
    animator = AnimatorFactory()
    assert _password(client, animator).headers["Location"] == SECOND_STEP
    assert client.get("/instruction/").status_code == 302
    response = client.post(SECOND_STEP, data={"code": "123456"})
    assert response.status_code == 422
    assert "Ce code n'est pas valide." in text(response)
    assert client.get("/instruction/").status_code == 302
    assert second_step(client, animator).headers["Location"] == "/instruction/"
    assert client.get("/instruction/").status_code == 200


def test_a_code_serves_once(app):
    animator = AnimatorFactory()
    first = app.test_client()
    _password(first, animator)
    code = totp_code(animator)
    assert first.post(SECOND_STEP, data={"code": code}).status_code == 302
    thief = app.test_client()
    _password(thief, animator)
    response = thief.post(SECOND_STEP, data={"code": code})
    assert response.status_code == 422
    assert thief.get("/instruction/").status_code == 302


def test_a_recovery_code_replaces_the_app_once_and_is_audited(app, client):
    animator = AnimatorFactory()
    login(client, animator)
    db.session.expire_all()
    codes = second_factor.regenerate_recovery_codes(animator, PASSWORD)
    db.session.commit()
    browser = app.test_client()
    _password(browser, animator)
    response = browser.post(SECOND_STEP, data={"code": codes[0].upper()})
    assert response.status_code == 302
    assert "code de secours" in text(browser.get(response.headers["Location"]))
    assert "account.recovery_code_used" in _actions(animator)
    again = app.test_client()
    _password(again, animator)
    assert again.post(SECOND_STEP, data={"code": codes[0]}).status_code == 422


def test_too_many_wrong_codes_close_the_second_step_for_a_while(app, client):
    animator = AnimatorFactory()
    _password(client, animator)
    for _attempt in range(second_factor.MAX_FAILURES):
        assert client.post(SECOND_STEP, data={"code": "000000"}).status_code == 422
    # Even the right code is refused now, from any browser.
    other = app.test_client()
    _password(other, animator)
    response = other.post(SECOND_STEP, data={"code": totp_code(animator)})
    assert response.status_code == 422
    assert "suspendue pendant 15 minutes" in text(response)
    db.session.expire_all()
    later = utcnow() + timedelta(minutes=16)
    totp = pyotp.TOTP(animator.totp_secret)
    assert second_factor.verify(
        animator, totp.generate_otp(totp.timecode(later)), now=later) == "totp"


def test_second_step_attempts_are_limited_per_address(app, database_url, tmp_path):
    limited = make_app(database_url, tmp_path, RATE_LIMITS_ENABLED=True,
                       RATELIMIT_LOGIN="3 per minute")
    animator = AnimatorFactory()
    client = limited.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.21"
    _password(client, animator)
    statuses = [client.post(SECOND_STEP, data={"code": "000000"}).status_code
                for _attempt in range(3)]
    assert statuses == [422, 422, 429]


def test_a_member_may_log_in_with_the_password_and_enrol_from_the_account_page(app, client):
    member = MemberFactory()
    # A member lands on their committee portal (issue 17), not the public home page.
    assert _password(client, member).headers["Location"] == "/comite/"
    assert "Double authentification" in text(client.get("/compte/mot-de-passe"))
    assert "n'est pas activée" in text(client.get(MANAGE))
    _enrol(client, member)
    client.post("/deconnexion")
    assert _password(client, member).headers["Location"] == SECOND_STEP
    assert second_step(client, member).status_code == 302


def test_a_setting_requires_it_of_members_too(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_2FA_FOR_MEMBERS", True)
    member = MemberFactory()
    assert _password(client, member).headers["Location"] == ENROL
    assert client.get("/").status_code == 200  # public pages stay public
    assert client.get("/compte/mot-de-passe").status_code == 302


def test_the_setting_is_read_from_the_environment(tmp_path):
    for value, expected in ((None, False), ("true", True), ("0", False)):
        environ = {"MURPORTEUR_ENV": "test", "SECRET_KEY": "x"}
        if value is not None:
            environ["REQUIRE_2FA_FOR_MEMBERS"] = value
        config = Settings.from_environ(tmp_path, environ).flask_config()
        assert config["REQUIRE_2FA_FOR_MEMBERS"] is expected


def test_disabling_asks_the_password_and_a_staff_member_enrols_again_at_once(app, client):
    animator = AnimatorFactory()
    login(client, animator)
    response = client.post(f"{MANAGE}/desactiver", data={"disable-password": "faux"})
    assert response.status_code == 422
    assert "Ce n'est pas votre mot de passe actuel." in text(response)
    db.session.expire_all()
    assert animator.has_second_factor
    response = client.post(f"{MANAGE}/desactiver", data={"disable-password": PASSWORD})
    assert response.status_code == 302
    assert "account.second_factor_disabled" in _actions(animator)
    # The role requires it: every page leads to the enrolment until it is done.
    assert client.get("/instruction/").headers["Location"] == ENROL
    _enrol(client, animator)
    assert client.get("/instruction/").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(app, client):
    animator = AnimatorFactory()
    login(client, animator)
    old = second_factor.regenerate_recovery_codes(animator, PASSWORD)
    db.session.commit()
    response = client.post(f"{MANAGE}/codes", data={"renew-password": PASSWORD})
    assert response.status_code == 200
    new = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(new) == 10
    db.session.expire_all()
    with pytest.raises(second_factor.SecondFactorRefused):
        second_factor.verify(animator, old[0])
    assert second_factor.verify(animator, new[0]) == "recovery"
    assert "account.recovery_codes_renewed" in _actions(animator)


def test_holders_have_no_second_factor(app):
    holder = HolderFactory()
    assert not second_factor.offered_to(holder) and not second_factor.asks_code(holder)
    from murporteur.accounts.models import TokenPurpose
    from murporteur.accounts.services import issue_link

    browser = app.test_client()
    browser.post(f"/lien/{issue_link(holder, TokenPurpose.LOGIN).signed}")
    assert browser.get(ENROL).status_code == 403
    assert browser.get(MANAGE).status_code == 403


def test_a_reset_password_still_asks_for_the_code(app, client):
    from murporteur.accounts.models import TokenPurpose
    from murporteur.accounts.services import issue_link

    animator = AnimatorFactory()
    link = issue_link(animator, TokenPurpose.PASSWORD_RESET)
    new = "une autre phrase secrete"
    response = client.post(f"/mot-de-passe/{link.signed}",
                           data={"password": new, "confirm": new})
    assert response.headers["Location"] == SECOND_STEP
    assert client.get("/instruction/").status_code == 302


def test_a_member_without_a_second_factor_is_told_there_is_nothing_to_disable(app, client):
    member = MemberFactory()
    login(client, member)
    for action in ("desactiver", "codes"):
        response = client.post(f"{MANAGE}/{action}", data={})
        assert response.headers["Location"] == MANAGE
        assert "n'est pas activée" in text(client.get(MANAGE))

"""Staff and committee accounts cannot be captured through the public forms (issue 13,
finding 7): login links are for holders only, an idea sent with a staff address is kept apart
from the staff account, and the account page asks for the current password."""

import pytest
from sqlalchemy import select

from murporteur.accounts import recovery, services
from murporteur.accounts.models import AccessToken, Role, TokenPurpose
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from tests.conftest import login
from tests.factories import PASSWORD, AdminFactory, AnimatorFactory, HolderFactory, MemberFactory
from tests.helpers import link_in, outbox, text
from tests.submissions.test_idea_form import answers

STAFF = {"animator": AnimatorFactory, "admin": AdminFactory, "member": MemberFactory}


@pytest.mark.parametrize("role", sorted(STAFF))
def test_an_idea_sent_with_a_staff_address_is_kept_but_not_attached_to_that_account(
        app, client, role):
    staff = STAFF[role]()
    response = client.post("/deposer", data=answers(email=staff.email.upper()),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    dossier = db.session.scalars(select(Dossier)).one()
    # Kept, with its answers and consent, under a holder account of its own.
    assert dossier.number and dossier.consent_at is not None
    assert dossier.holder_id != staff.id
    assert dossier.holder.role == Role.HOLDER
    assert dossier.holder.contact_email == staff.email
    # The confirmation names the address typed; the receipt goes there.
    assert staff.email in text(client.get(response.headers["Location"]))
    receipt, = outbox("dossier_receipt")
    assert receipt.recipient_email == staff.email
    # Its link opens the dossier, not the staff account.
    browser = app.test_client()
    assert browser.post(link_in(receipt)).status_code == 302
    assert browser.get(f"/mes-dossiers/{dossier.public_id}").status_code == 200
    assert browser.get("/compte/double-authentification").status_code == 403
    if role != "member":
        assert browser.get("/instruction/").status_code == 403
    # The staff account itself holds nothing.
    staff_browser = app.test_client()
    login(staff_browser, staff)
    assert staff_browser.get(f"/mes-dossiers/{dossier.public_id}").status_code in (403, 404)


def test_ideas_sent_twice_with_a_staff_address_share_one_separate_holder(app):
    animator = AnimatorFactory()
    first = services.holder_for_email(animator.email, "Camille")
    second = services.holder_for_email(animator.email.upper())
    assert first is second and first.id != animator.id
    assert first.email.endswith("@non-rattache.invalid")
    assert first.mail_address == animator.email


def test_the_animators_see_that_the_address_is_a_staff_one(app, client, animator_client):
    admin = AdminFactory()
    client.post("/deposer", data=answers(email=admin.email),
                content_type="multipart/form-data")
    dossier = db.session.scalars(select(Dossier)).one()
    page = text(animator_client.get(f"/instruction/dossiers/{dossier.number}"))
    assert admin.email in page
    assert "adresse d'un compte de l'équipe ou du comité" in page


@pytest.mark.parametrize("role", sorted(STAFF))
def test_retrouver_mon_dossier_never_mails_a_link_to_a_staff_account(client, role):
    staff = STAFF[role]()
    response = client.post("/retrouver-mon-dossier", data={"email": staff.email})
    assert response.status_code == 302
    assert outbox("login_link") == []
    assert db.session.scalars(select(AccessToken).where(
        AccessToken.user_id == staff.id)).all() == []


def test_retrouver_mon_dossier_with_a_staff_address_reaches_its_separate_holder(client):
    admin = AdminFactory()
    client.post("/deposer", data=answers(email=admin.email),
                content_type="multipart/form-data")
    client.post("/retrouver-mon-dossier", data={"email": admin.email})
    mail, = outbox("login_link")
    assert mail.recipient_email == admin.email
    assert mail.recipient_id != admin.id


@pytest.mark.parametrize("role", sorted(STAFF))
def test_a_login_link_cannot_be_issued_to_staff(app, role):
    staff = STAFF[role]()
    for purpose in (TokenPurpose.LOGIN, TokenPurpose.RESUME_DRAFT):
        with pytest.raises(services.AccountError):
            services.issue_link(staff, purpose)
    # A password reset is still theirs: it leads to the password and second factor.
    services.issue_link(staff, TokenPurpose.PASSWORD_RESET)


def test_a_login_link_of_a_staff_account_does_not_log_in(app):
    admin = AdminFactory(role=Role.HOLDER)
    link = services.issue_link(admin, TokenPurpose.LOGIN)  # issued while it was a holder
    admin.role = Role.ADMIN
    db.session.flush()
    browser = app.test_client()
    assert browser.get(f"/lien/{link.signed}").status_code == 404
    assert browser.post(f"/lien/{link.signed}").status_code == 404
    assert browser.get("/admin/outbox/").status_code == 302
    token = db.session.get(AccessToken, link.token.id)
    assert token.used_at is None


def test_changing_the_password_asks_for_the_current_one(app, client):
    animator = AnimatorFactory()
    login(client, animator)
    new = "une toute nouvelle phrase"
    response = client.post("/compte/mot-de-passe", data={
        "current": "pas le bon", "password": new, "confirm": new})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="current-error"' in html
    assert "Ce n'est pas votre mot de passe actuel." in text(response)
    response = client.post("/compte/mot-de-passe", data={"password": new, "confirm": new})
    assert response.status_code == 422
    db.session.expire_all()
    assert services.authenticate(animator.email, PASSWORD) is animator
    response = client.post("/compte/mot-de-passe", data={
        "current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    db.session.expire_all()
    assert services.authenticate(animator.email, new) is animator


def test_a_holder_who_came_by_a_link_chooses_a_first_password_without_a_current_one(app):
    holder = HolderFactory()
    link = services.issue_link(holder, TokenPurpose.LOGIN)
    browser = app.test_client()
    browser.post(f"/lien/{link.signed}")
    page = browser.get("/compte/mot-de-passe").get_data(as_text=True)
    assert 'name="current"' not in page
    new = "ma phrase de porteur"
    assert browser.post("/compte/mot-de-passe",
                        data={"password": new, "confirm": new}).status_code == 302
    db.session.expire_all()
    assert services.authenticate(holder.email, new) is holder
    # From then on, a change asks for it.
    assert 'name="current"' in browser.get("/compte/mot-de-passe").get_data(as_text=True)


def test_a_separate_holder_is_created_only_for_non_holder_addresses(app):
    holder = HolderFactory()
    assert services.holder_for_email(holder.email) is holder
    fresh = services.holder_for_email("nouveau@example.org", "Nouveau")
    assert fresh.email == "nouveau@example.org" and fresh.contact_email is None
    assert recovery.send_login_link_if_known("nobody@example.org") is None
    assert recovery.send_login_link_if_known(AdminFactory().email) is None
    assert recovery.send_login_link_if_known(holder.email).used_at is None


def test_erasing_a_separate_holder_forgets_the_address_it_mails(app):
    from murporteur.privacy.services import anonymise_account

    holder = services.holder_for_email(AdminFactory().email, "Quelqu'un")
    anonymise_account(holder, None)
    assert holder.contact_email is None
    assert holder.mail_address.endswith("@anonyme.invalid")


def test_the_team_reads_and_finds_the_address_typed_not_the_separate_accounts(
        app, client, animator, animator_client):
    from murporteur.api.services import create_token

    member = MemberFactory(email="claire.membre@bailleur.example")
    response = client.post("/deposer", data=answers(email=member.email),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    dossier = db.session.scalars(select(Dossier)).one()
    # The export, the dashboard's search and the API give the address the holder typed.
    export = animator_client.get("/instruction/export.csv?tab=all&column=number&column=email")
    assert f"{dossier.number};{member.email}" in export.get_data(as_text=True).replace(",", ";")
    found = text(animator_client.get(f"/instruction/?tab=all&q={member.email}"))
    assert dossier.number in found
    _token, plain = create_token(animator, "tableau de bord")
    answer = app.test_client().get(f"/api/v1/dossiers/{dossier.number}",
                                   headers={"Authorization": f"Bearer {plain}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["data"]["holder"]["email"] == member.email

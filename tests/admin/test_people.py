"""People invited by e-mail, their invitation link, deactivation and moves (issue 15)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from murporteur.accounts.models import Invitation, Role, User
from murporteur.audit.models import AuditEntry
from murporteur.extensions import db
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    AdminFactory,
    AnimatorFactory,
    MemberFactory,
    OrganisationFactory,
)
from tests.helpers import ENROLMENT, link_in, outbox, text

PARIS = ZoneInfo("Europe/Paris")
NEW_PASSWORD = "une phrase de passe bien longue"


def _as(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _invite(client, **values):
    return client.post("/admin/personnes/inviter", data={
        "email": "claire@dynacite.example", "full_name": "Claire Fontaine", "role": "member",
        **values})


def _actions(user):
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_type == "user_account", AuditEntry.subject_id == str(user.id))
        .order_by(AuditEntry.id)))


def test_an_invited_member_chooses_a_password_and_logs_in(app):
    org = OrganisationFactory(name="Dynacité")
    admin = _as(app, AdminFactory(full_name="Paul Martin"))
    response = _invite(admin, organisation=str(org.id))
    assert response.status_code == 302
    person = db.session.scalar(select(User).where(User.email == "claire@dynacite.example"))
    assert person.role == Role.MEMBER and person.organisation_id == org.id
    assert person.password_hash is None  # opens nothing until the invitation is used
    [mail] = outbox("invitation", to="claire@dynacite.example")
    assert "Paul Martin vous invite" in mail.text_body
    link = link_in(mail)
    browser = app.test_client()
    assert "Choisissez le mot de passe" in text(browser.get(link))
    short = browser.post(link, data={"password": "court", "confirm": "court"})
    assert short.status_code == 422 and "12 caractères" in text(short)  # the link still works
    done = browser.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert browser.get("/comite/").status_code == 200  # logged in, as a member
    again = app.test_client().get(link)
    assert again.status_code == 410 and "déjà servi" in text(again)
    assert _actions(person) == ["user.invited", "user.invitation_accepted"]


def test_an_invited_animator_enrols_the_second_factor_before_going_in(app):
    admin = _as(app, AdminFactory())
    response = _invite(admin, email="anim@cress.example", role="animator")
    assert response.status_code == 302
    link = link_in(outbox("invitation", to="anim@cress.example")[0])
    browser = app.test_client()
    done = browser.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith(ENROLMENT)


def test_a_duplicate_address_is_refused_with_a_link_to_the_existing_person(app):
    existing = MemberFactory(email="deja@example.org")
    admin = _as(app, AdminFactory())
    response = _invite(admin, email="Deja@Example.org", organisation=str(existing.organisation_id))
    assert response.status_code == 422
    assert "a déjà un compte" in text(response)
    assert f"/admin/personnes/{existing.id}" in response.get_data(as_text=True)
    assert 'value="Claire Fontaine"' in response.get_data(as_text=True)  # nothing typed lost


def test_a_member_needs_an_organisation_and_bad_input_is_told_at_the_field(app):
    admin = _as(app, AdminFactory())
    response = _invite(admin, organisation="")
    assert response.status_code == 422 and "Choisissez l'organisation" in text(response)
    response = _invite(admin, email="pas-une-adresse", organisation="")
    assert response.status_code == 422 and "ne semble pas valide" in text(response)
    assert outbox("invitation") == []


def test_animators_invite_members_of_existing_organisations_only(app):
    org = OrganisationFactory()
    animator = _as(app, AnimatorFactory())
    assert _invite(animator, role="admin").status_code == 422
    assert _invite(animator, role="animator").status_code == 422
    assert db.session.scalar(select(User).where(
        User.email == "claire@dynacite.example")) is None
    assert _invite(animator, organisation=str(org.id)).status_code == 302
    admin_page = animator.get(f"/admin/personnes/{AdminFactory().id}")
    assert admin_page.status_code == 404  # an admin is not theirs to manage
    assert app.test_client().get("/admin/personnes/").status_code == 302  # to the login
    member = _as(app, MemberFactory())
    assert member.get("/admin/personnes/").status_code == 403


def test_a_resent_invitation_replaces_the_old_link_which_then_offers_to_ask_again(app):
    org = OrganisationFactory()
    inviter = AnimatorFactory(full_name="Inès Animatrice")
    animator = _as(app, inviter)
    _invite(animator, organisation=str(org.id))
    person = db.session.scalar(select(User).where(User.email == "claire@dynacite.example"))
    old = link_in(outbox("invitation")[0])
    assert animator.post(f"/admin/personnes/{person.id}/renvoyer").status_code == 302
    mails = outbox("invitation", to=person.email)
    assert len(mails) == 2 and link_in(mails[1]) != old
    page = app.test_client().get(old)
    assert page.status_code == 410 and "retirée ou remplacée" in text(page)
    assert "Demander une nouvelle invitation" in text(page)
    browser = app.test_client()
    browser.get(old)
    assert browser.post(old + "/nouvelle").status_code == 302
    [asked] = outbox("invitation_renewal_asked")
    assert asked.recipient_email == inviter.email and person.email in asked.text_body
    browser.post(old + "/nouvelle")
    assert len(outbox("invitation_renewal_asked")) == 1  # once per invitation


def test_an_expired_invitation_says_so(app):
    org = OrganisationFactory()
    admin = _as(app, AdminFactory())
    _invite(admin, organisation=str(org.id))
    link = link_in(outbox("invitation")[0])
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    page = app.test_client().get(link)
    assert page.status_code == 410 and "a expiré" in text(page)
    refused = app.test_client().post(link, data={"password": NEW_PASSWORD,
                                                 "confirm": NEW_PASSWORD})
    assert refused.status_code == 410
    assert db.session.get(User, invitation.user_id).password_hash is None


def test_a_revoked_invitation_no_longer_opens(app):
    org = OrganisationFactory()
    admin = _as(app, AdminFactory())
    _invite(admin, organisation=str(org.id))
    person = db.session.scalar(select(User).where(User.email == "claire@dynacite.example"))
    link = link_in(outbox("invitation")[0])
    assert admin.post(f"/admin/personnes/{person.id}/retirer").status_code == 302
    assert app.test_client().get(link).status_code == 410
    again = admin.post(f"/admin/personnes/{person.id}/retirer")
    assert again.status_code == 302  # nothing to revoke: told on the page
    assert "Aucune invitation en cours" in text(admin.get(f"/admin/personnes/{person.id}"))


def test_a_deactivated_person_cannot_log_in_and_keeps_their_history(app):
    member = MemberFactory()
    admin_user = AdminFactory()
    admin = _as(app, admin_user)
    browser = _as(app, member)
    assert admin.post(f"/admin/personnes/{member.id}/desactiver").status_code == 302
    assert browser.get("/comite/").status_code == 302  # the open session ended
    refused = app.test_client().post("/connexion", data={"email": member.email,
                                                          "password": PASSWORD})
    assert refused.status_code == 422
    assert db.session.get(User, member.id) is not None
    page = text(admin.get("/admin/personnes/?etat=desactives"))
    assert member.email in page
    assert admin.post(f"/admin/personnes/{member.id}/reactiver").status_code == 302
    login(app.test_client(), member)
    assert _actions(member) == ["user.deactivated", "user.reactivated"]
    own = admin.post(f"/admin/personnes/{admin_user.id}/desactiver")
    assert own.status_code == 302
    assert "votre propre compte" in text(admin.get(own.headers["Location"]))
    assert db.session.get(User, admin_user.id).active


def test_a_member_moves_to_another_organisation(app):
    member = MemberFactory()
    target = OrganisationFactory(name="Vilogia")
    archived = OrganisationFactory(name="Ancienne", active=False)
    admin = _as(app, AdminFactory())
    refused = admin.post(f"/admin/personnes/{member.id}/organisation",
                         data={"organisation": str(archived.id)})
    assert refused.status_code == 422
    moved = admin.post(f"/admin/personnes/{member.id}/organisation",
                       data={"organisation": str(target.id)})
    assert moved.status_code == 302
    assert db.session.get(User, member.id).organisation_id == target.id
    assert "user.moved" in _actions(member)


def test_the_people_page_shows_the_last_login(app):
    member = MemberFactory(full_name="Jeanne Membre")
    MemberFactory(full_name="Jamal Jamais")
    login(app.test_client(), member)
    page = text(_as(app, AdminFactory()).get("/admin/personnes/"))
    db.session.refresh(member)
    assert member.last_login_at is not None
    when = f"{member.last_login_at.astimezone(PARIS):%H:%M}"
    assert f"Jeanne Membre {member.email} Membre d'une organisation" in page
    jamal, jeanne = page.split("Jamal Jamais")[1].split("Jeanne Membre")
    assert "jamais" in jamal and when in jeanne


def test_members_enrol_the_second_factor_when_the_collective_requires_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_2FA_FOR_MEMBERS", True)
    org = OrganisationFactory()
    _invite(_as(app, AdminFactory()), organisation=str(org.id))
    link = link_in(outbox("invitation", to="claire@dynacite.example")[0])
    browser = app.test_client()
    done = browser.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.headers["Location"].endswith(ENROLMENT)
    assert browser.get("/comite/").status_code == 302  # not in before the enrolment

"""A new collective sets itself up (issue 15): on an empty database the first admin is made
by the command, logs in, enrols the second factor, adds an organisation with its logo,
invites one of its representatives, who chooses a password and logs in. Every page is checked
by axe, in French and in English."""

from __future__ import annotations

import re

import pytest

from tests import files
from tests.e2e.steps import visit
from tests.factories import PASSWORD

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect

ADMIN = "premiere.admin@cress.example"
MEMBER = "claire.fontaine@dynacite.example"


def test_a_new_collective_sets_itself_up(web, live, tmp_path):
    import pyotp

    from murporteur.accounts.services import admin_exists

    with live.data():
        assert not admin_exists()  # the journey starts where a new collective does
    result = live.app.test_cli_runner().invoke(args=[
        "first-admin", "--email", ADMIN, "--name", "Ada Admin", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    check = web.checker.check

    # The admin logs in and enrols the second factor their role requires.
    admin = web.open()
    admin.goto(live.url + "/connexion")
    admin.get_by_label("Adresse e-mail").fill(ADMIN)
    admin.get_by_label("Mot de passe").fill(PASSWORD)
    admin.get_by_role("button", name="Se connecter").last.click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(
        "Activer la double authentification")
    check(admin)
    secret = admin.locator("#totp-secret").inner_text()
    admin.get_by_label("Code affiché par l'application").fill(pyotp.TOTP(secret).now())
    admin.get_by_role("button", name="Activer").click()
    admin.get_by_role("link", name="J'ai noté mes codes, continuer").click()

    # The home lists what to set up.
    expect(admin.get_by_role("heading", level=1)).to_have_text("Administration du collectif")
    expect(admin.locator(".checklist")).to_contain_text("Ajouter les bailleurs et partenaires")
    check(admin, "the first-run checklist")

    # An organisation, with its logo; a missing name is told at the field first.
    admin.get_by_role("link", name="Ajouter les bailleurs et partenaires").click()
    check(admin)
    admin.get_by_role("link", name="Ajouter une organisation").click()
    admin.get_by_role("button", name="Enregistrer").click()
    expect(admin.locator("#error-summary")).to_contain_text("Indiquez le nom de l'organisation.")
    check(admin, "organisation form with errors")
    admin.get_by_label("Nom de l'organisation").fill("Dynacité")
    admin.get_by_label("Nom court ou sigle").fill("DYN")
    admin.get_by_label("Type d'organisation").select_option(label="Bailleur social")
    admin.get_by_label("Territoire").fill("Métropole de Lyon")
    logo = tmp_path / "logo.png"
    logo.write_bytes(files.png())
    admin.get_by_label("Logo (facultatif)").set_input_files(str(logo))
    admin.get_by_role("button", name="Enregistrer").click()
    expect(admin.get_by_role("status")).to_contain_text(
        "L'organisation « Dynacité » a été ajoutée.")
    expect(admin.get_by_role("img", name="Logo de Dynacité")).to_be_visible()
    check(admin)

    # One of its representatives is invited.
    admin.get_by_role("link", name="Inviter un·e représentant·e").click()
    check(admin)
    admin.get_by_label("Adresse e-mail").fill(MEMBER)
    admin.get_by_label("Nom et prénom").fill("Claire Fontaine")
    admin.get_by_role("button", name="Envoyer l'invitation").click()
    expect(admin.get_by_role("status")).to_contain_text(f"Invitation envoyée à {MEMBER}")
    expect(admin.locator("main")).to_contain_text("Invité·e")
    check(admin)

    # She follows the link in her mail, chooses a password and is in.
    [(_key, subject, body)] = live.outbox(MEMBER, "invitation")
    assert subject == "Votre invitation à rejoindre Mur porteur"
    member = web.open()
    member.goto(live.link_in(body))
    expect(member.get_by_role("heading", level=1)).to_have_text("Bienvenue sur Mur porteur")
    check(member)
    member.get_by_label("Nouveau mot de passe").fill("une phrase de passe bien longue")
    member.get_by_label("Confirmez le mot de passe").fill("une phrase de passe bien longue")
    member.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(member.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(member.get_by_role("status")).to_contain_text("Bienvenue")
    # She lands on her committee portal; the landing page shows the collective's members
    # with their logos.
    expect(member).to_have_url(re.compile(r"/comite/$"))
    member.goto(live.url + "/")
    expect(member.locator(".member-logos img")).to_have_count(1)
    check(member)

    # The admin sees her active, with her last login.
    visit(admin, live, web.checker, "/admin/personnes/")
    row = admin.get_by_role("row", name=re.compile("Claire Fontaine"))
    expect(row).to_contain_text("Actif·ve")
    expect(row).not_to_contain_text("jamais")

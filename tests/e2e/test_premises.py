"""The premises journey (issue 19): a member adds a unit with a photo; a holder finds it on
the public list and proposes an idea for it; the animator sees the match on the dossier."""

from __future__ import annotations

import io
import re

import pytest

from tests.e2e.steps import log_in

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect


TOWN = re.compile(r"^Commune( \(obligatoire\))?$")


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "vitrine.png"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (180, 90, 40)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_unit_added_with_a_photo_is_found_proposed_for_and_matched(web, live, tmp_path):
    from tests.factories import AnimatorFactory, MemberFactory, OrganisationFactory

    with live.data():
        landlord = OrganisationFactory(name="Grand Lyon Habitat E2E")
        member = MemberFactory(organisation=landlord, email="membre.locaux@e2e.example")
        animator = AnimatorFactory(email="animatrice.locaux@e2e.example")
        member_email, animator_email = member.email, animator.email
    check = web.checker.check

    # The member adds a unit with a photo.
    page = web.open()
    log_in(page, live, web.checker, member_email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Locaux", exact=True).click()
    check(page)
    page.get_by_role("link", name="Ajouter un local").click()
    check(page)
    page.get_by_label("Nom du local").fill("Ancienne boulangerie du Mas")
    page.get_by_label(re.compile(r"^Adresse( \(obligatoire\))?$")).fill("4 rue Jean Lesire")
    page.get_by_label(TOWN).fill("Vaulx-en-Velin")
    page.get_by_label("Quartier", exact=True).fill("Mas du Taureau")
    page.get_by_label("Quartier prioritaire de la politique de la ville (QPV)").check()
    page.get_by_label(re.compile(r"^Surface \(m²\)")).fill("70")
    page.get_by_label("Restauration, café").check()
    page.get_by_label("Mis à disposition gratuitement").check()
    page.get_by_label("Bail commercial d'utilité sociale").check()
    page.get_by_label("Public (visible de tous sur le site)").check()
    page.get_by_label("Ajouter des photos").set_input_files(str(_photo(tmp_path)))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ancienne boulangerie du Mas")
    expect(page.get_by_role("img", name="Photo 1 du local")).to_be_visible()
    check(page, "the unit's page, for its keeper")

    # A holder finds it on the public list and proposes an idea for it.
    visitor = web.open(width=375, height=740)
    visitor.goto(live.url + "/")
    visitor.get_by_role("link", name="Voir les locaux disponibles").click()
    check(visitor)
    visitor.get_by_label("Commune").select_option("Vaulx-en-Velin")
    visitor.get_by_role("button", name="Filtrer").click()
    check(visitor, "the list filtered")
    visitor.get_by_role("link", name="Ancienne boulangerie du Mas").click()
    check(visitor)
    visitor.get_by_role("link", name="Proposer une idée pour ce local").click()
    expect(visitor.get_by_role("heading", name="Le local que vous cherchez")).to_be_visible()
    check(visitor, "the idea form with its premises section")
    visitor.get_by_label("Vos nom et prénom").fill("Amina Diallo")
    visitor.get_by_label("Nom de votre structure ou de votre collectif").fill("Le Comptoir")
    visitor.get_by_label("Forme juridique").select_option(value="scic")
    visitor.get_by_label("Adresse e-mail").fill("amina.locaux@example.org")
    visitor.get_by_label("Téléphone").fill("06 12 34 56 78")
    visitor.get_by_label(TOWN).fill("Vaulx-en-Velin")
    visitor.get_by_label("Titre de votre idée").fill("Café solidaire de la boulangerie")
    visitor.get_by_label("Résumé").fill("Un café coopératif au pied des immeubles.")
    visitor.get_by_label("Le besoin auquel elle répond").fill("Aucun lieu de rencontre.")
    visitor.get_by_label("Les habitants concernés").fill("Les 400 foyers de la résidence.")
    visitor.get_by_label("Quartiers concernés").fill("Mas du Taureau")
    visitor.get_by_role("group", name=re.compile("quartier prioritaire")).get_by_label(
        "Oui").check()
    visitor.get_by_role("group", name=re.compile("Où en est votre projet")).get_by_role(
        "radio").first.check()
    visitor.get_by_role("group", name=re.compile("Quel soutien")).get_by_label(
        re.compile("local", re.I)).first.check()
    visitor.get_by_label("Surface minimale (m²)").fill("50")
    visitor.get_by_label("Surface maximale (m²)").fill("90")
    visitor.get_by_label(re.compile("J'accepte que les informations")).check()
    visitor.get_by_role("button", name="Envoyer mon idée").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("bien envoyée")
    check(visitor, "the confirmation")

    # The animator sees the match on the dossier.
    from sqlalchemy import select

    from murporteur.submissions.models import Dossier

    with live.data() as session:
        number = session.scalar(select(Dossier.number).where(
            Dossier.title == "Café solidaire de la boulangerie"))
    staff = web.open()
    log_in(staff, live, web.checker, animator_email)
    staff.goto(live.url + f"/instruction/dossiers/{number}")
    matches = staff.get_by_role("region", name="Locaux compatibles")
    expect(matches).to_contain_text("Ancienne boulangerie du Mas")
    expect(matches).to_contain_text("choisi par le porteur")
    check(staff, "the dossier with its compatible premises")

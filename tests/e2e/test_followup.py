"""Issue 18 (follow-up): the holder sends a progress report from their phone, a wrong figure
refused at its field with what was typed kept; the organisation's member reads it and decides
on a payment request — in Chromium, every page checked by axe in French and in English."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tests.e2e.steps import log_in, visit

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect


def _world(live):
    from murporteur.conventions import followup, services
    from murporteur.conventions.models import IndicatorKind
    from murporteur.core.lifecycle import apply_transition
    from murporteur.core.timeutil import paris_today
    from tests.conventions.test_services import signed, supported_project
    from tests.factories import _HASH, AnimatorFactory

    tag = uuid.uuid4().hex[:6]
    with live.data():
        animator = AnimatorFactory(full_name=f"Camille {tag}")
        dossier, _orgs, members = supported_project(
            animator, {f"Lyon Métropole Habitat {tag}": (["financing"], 800000, "Démarrage")},
            title=f"Café solidaire {tag}")
        dossier.holder.password_hash = _HASH
        member = next(iter(members.values()))
        convention = services.create_conventions(dossier, animator)[0]
        signed(convention, animator, member)
        apply_transition(convention, "activate", animator)
        followup.add_indicator(convention, animator, IndicatorKind.PEOPLE, 200)
        followup.add_reporting_date(convention, animator, paris_today() - timedelta(days=2))
        payment = services.schedule_payment(convention, animator,
                                            paris_today() + timedelta(days=20), 300000)
        return {"public_id": dossier.public_id, "holder": dossier.holder.email,
                "member": member.email, "convention": convention.id, "payment": payment.id}


def test_the_holder_reports_on_a_phone_and_the_member_decides_on_a_payment(web, live):
    world = _world(live)
    check = web.checker.check

    phone = web.open(width=390, height=844)
    log_in(phone, live, web.checker, world["holder"])
    visit(phone, live, web.checker, f"/mes-dossiers/{world['public_id']}")
    phone.get_by_role("link", name="Envoyer le bilan du").click()
    check(phone)
    phone.get_by_label("Personnes touchées (personnes)").fill("beaucoup")
    phone.get_by_label("Où en est le projet ?").fill("Trente familles aux ateliers.")
    phone.get_by_role("button", name="Envoyer le bilan").click()
    expect(phone.locator(".field-error").first).to_contain_text("Indiquez un nombre entier")
    expect(phone.get_by_label("Où en est le projet ?")).to_have_value(
        "Trente familles aux ateliers.")
    check(phone, "a wrong figure")
    phone.get_by_label("Personnes touchées (personnes)").fill("30")
    phone.get_by_role("button", name="Envoyer le bilan").click()
    expect(phone.get_by_text("Bilan envoyé. Merci !")).to_be_visible()
    check(phone)
    phone.get_by_role("link", name="Demander ce versement").click()
    check(phone)
    phone.get_by_label("Votre demande").fill("Le local est ouvert.")
    phone.get_by_role("button", name="Envoyer la demande").click()
    expect(phone.get_by_text("Demande de versement envoyée")).to_be_visible()

    desk = web.open()
    log_in(desk, live, web.checker, world["member"])
    visit(desk, live, web.checker, f"/conventions/{world['convention']}")
    expect(desk.get_by_text("Trente familles aux ateliers.")).to_be_attached()
    desk.get_by_role("link", name="Approuver ou refuser").click()
    check(desk)
    desk.get_by_label("Approuver").check()
    desk.get_by_role("button", name="Enregistrer la décision").click()
    expect(desk.locator(".field-error")).to_contain_text("Le motif est obligatoire.")
    check(desk, "no reason")
    desk.get_by_label("Motif").fill("Ouverture constatée.")
    desk.get_by_role("button", name="Enregistrer la décision").click()
    expect(desk.get_by_text("Demande de versement approuvée.")).to_be_visible()
    check(desk)

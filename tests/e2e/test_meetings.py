"""Flash meetings in Chromium: an animator creates an event and registers participants, they
state their wishes (one on a phone), the schedule is made and adjusted by hand, the agendas
go out and a participant downloads theirs. axe checks every page in French and English."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.steps import log_in, nav

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect


def _world(live):
    from tests.factories import (
        AnimatorFactory,
        MemberFactory,
        OrganisationFactory,
        submitted_dossier,
    )

    tag = uuid.uuid4().hex[:6]
    with live.data():
        animator = AnimatorFactory(full_name=f"Camille {tag}")
        member = MemberFactory(full_name=f"Claire {tag}",
                               organisation=OrganisationFactory(name=f"Alliade {tag}"))
        dossier = submitted_dossier(title=f"Café solidaire {tag}", contact_name=f"Amina {tag}")
        return animator.email, member.full_name, member.email, dossier.number, \
            dossier.holder.mail_address, member.organisation.name


def _personal_link(live, email: str) -> str:
    _key, _subject, body = live.outbox(email, "flash_invitation")[-1]
    return live.link_in(body)


def test_an_animator_runs_a_flash_meeting_from_wishes_to_agendas(web, live):
    animator, member_name, member_email, number, holder_email, organisation = _world(live)
    page = web.open()
    log_in(page, live, web.checker, animator)
    nav(page, web.checker, "Rencontres flash")
    page.get_by_role("link", name="Créer une rencontre").click()
    web.checker.check(page)
    page.get_by_label("Titre").fill("Rencontres flash de printemps")
    page.get_by_label("Date").fill("2027-03-12")
    page.get_by_label("Heure du premier rendez-vous").fill("09:30")
    page.get_by_label("Nombre de créneaux").fill("4")
    page.get_by_label("Pauses").fill("cinq")
    page.get_by_label("Nombre de tables").fill("2")
    page.get_by_role("button", name="Créer la rencontre").click()
    # A bad value: said at the field, everything typed kept, the summary first.
    expect(page.locator("#error-summary")).to_contain_text("Écrivez des numéros de créneaux")
    expect(page.get_by_label("Titre")).to_have_value("Rencontres flash de printemps")
    web.checker.check(page, "the event's form with an error")
    page.get_by_label("Pauses").fill("")
    page.get_by_role("button", name="Créer la rencontre").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rencontres flash de printemps")
    web.checker.check(page)
    page.get_by_label("Numéro du dossier").fill(number)
    page.get_by_role("button", name="Inscrire le porteur de ce dossier").click()
    page.get_by_label("Représentant·e").first.select_option(
        label=f"{member_name} — {organisation}")
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.locator("#participants")).to_contain_text(member_name)
    web.checker.check(page)

    # The holder, on a phone, through the link of their invitation.
    phone = web.open(width=375, height=800)
    phone.goto(_personal_link(live, holder_email))
    web.checker.check(phone)
    phone.get_by_label("Choix n° 1", exact=True).select_option(
        label=f"{member_name} ({organisation})")
    phone.get_by_role("button", name="Enregistrer").click()
    expect(phone.get_by_text("Vos disponibilités et vos souhaits sont enregistrés.")) \
        .to_be_visible()
    # The member, on a computer, only free in the second slot.
    desk = web.open()
    desk.goto(_personal_link(live, member_email))
    desk.get_by_label("09:30").uncheck()
    desk.get_by_label("10:00").uncheck()
    desk.get_by_label("10:15").uncheck()
    desk.get_by_label("Choix n° 1", exact=True).select_option(index=1)
    desk.get_by_role("button", name="Enregistrer").click()
    expect(desk.get_by_text("Vos disponibilités et vos souhaits sont enregistrés.")) \
        .to_be_visible()

    # The schedule, then a change by hand refused because the member is not free then.
    page.reload()
    page.get_by_role("button", name="Calculer le planning").click()
    expect(page.get_by_text("Planning calculé : 1 rendez-vous, 2 souhaits satisfaits sur 2.")) \
        .to_be_visible()
    web.checker.check(page, "the schedule")
    grid = page.locator(".flash-grid")
    expect(grid.get_by_role("row", name=re.compile("09:45"))).to_contain_text(member_name)
    page.get_by_role("button", name=re.compile("^retirer .* × ")).click()
    page.get_by_label("Créneau").select_option(label="09:30")
    page.get_by_label("Table").fill("1")
    page.get_by_role("button", name="Placer le rendez-vous").click()
    expect(page.locator("#error-summary")).to_contain_text(
        f"{member_name} n'est pas disponible à 09:30.")
    page.get_by_label("Créneau").select_option(label="09:45")
    page.get_by_role("button", name="Placer le rendez-vous").click()
    expect(page.get_by_text("Rendez-vous placé à 09:45, table 1.")).to_be_visible()
    page.get_by_role("button", name="Envoyer les agendas").click()
    expect(page.get_by_text("Agendas envoyés").first).to_be_visible()
    # The tables' sheets to print, laid out in the background: the job's page, its file.
    page.get_by_role("button", name="Préparer les feuilles des tables (PDF)").click()
    expect(page.get_by_text("Les feuilles des tables sont prêtes")).to_be_visible()
    web.checker.check(page, "the table sheets' job")
    sheets = page.get_by_role("link", name=re.compile("Télécharger « rencontres-flash-"))
    assert page.request.get(live.url + sheets.get_attribute("href")).body().startswith(b"%PDF")
    page.get_by_role("link", name="Revenir à la rencontre").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rencontres flash de printemps")

    # The holder's agenda: the mail's fresh link, the meeting, and the .ics.
    _key, _subject, body = live.outbox(holder_email, "flash_agenda")[-1]
    assert "09:45" in body and member_name in body
    phone.goto(live.link_in(body))
    web.checker.check(phone, "the participant's agenda")
    expect(phone.get_by_role("heading", name="Mon agenda")).to_be_visible()
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    content = download.value.path().read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in content and member_name in content

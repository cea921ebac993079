"""The animators' and members' journeys, from triage to the reporting page, in Chromium.

Each journey starts where the one before it ends: factories and services build that point,
then every step a person takes is taken in the browser.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from murporteur.core.timeutil import paris_today
from tests.e2e.steps import log_in, nav, visit

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect

NBSP = re.compile("[\u00a0\u202f]")


def _tag() -> str:
    return uuid.uuid4().hex[:6]


def _animator(live):
    from tests.factories import AnimatorFactory

    with live.data():
        user = AnimatorFactory(full_name=f"Camille {_tag()}")
        return user.email


def _submitted(live, **kwargs):
    from tests.factories import submitted_dossier

    with live.data():
        dossier = submitted_dossier(**kwargs)
        return dossier.number, dossier.title


def _qualified_and_retained(animator, **kwargs):
    from murporteur.triage import services as triage
    from tests.factories import submitted_dossier

    dossier = submitted_dossier(**kwargs)
    values = triage.qualification_values(dossier)
    values.update(themes=["social_link"], summary="Un café tenu par les habitants.",
                  opinion="Projet solide, porté par une SCIC.")
    triage.decide(dossier, "start_qualification", animator)
    triage.save_qualification(dossier, values, animator)
    triage.decide(dossier, "retain", animator)
    return dossier


def _committee(live, *, state: str, n_orgs: int = 2, positions: bool = False,
               decided: bool = False):
    """A session on tomorrow, with a retained dossier on its agenda, for two organisations."""
    from murporteur.committee import positions as committee_positions
    from murporteur.committee import services as committee
    from murporteur.committee.models import Decision, Stance
    from murporteur.core.db import utcnow
    from murporteur.core.lifecycle import apply_transition
    from tests.factories import AnimatorFactory, MemberFactory, OrganisationFactory, designated

    tag = _tag()
    with live.data():
        animator = AnimatorFactory(full_name=f"Camille {tag}")
        organisations = [OrganisationFactory(name=f"{name} {tag}")
                         for name in ("Habitat Rhône", "Fondation Solidaire")[:n_orgs]]
        # Each organisation's member is its authorised signatory (as its admin would set).
        members = [designated(MemberFactory(organisation=o, full_name=f"Membre {o.name}"))
                   for o in organisations]
        session = committee.create_session(
            animator, starts_at=utcnow() + timedelta(days=1), place="Maison des associations",
            organisations=organisations)
        dossier = _qualified_and_retained(animator, title=f"Café du Mas {tag}")
        item = committee.add_item(session, dossier, animator)
        if state != "planned":
            apply_transition(session, "convene", animator)
        if positions:
            for member, amount in zip(members, (800000, 300000), strict=False):
                committee_positions.record_position(
                    item, member, stance=Stance.SUPPORTS, offer_kinds=["financing"],
                    amount_cents=amount, comment="", expected_version=None)
        if decided:
            committee.record_decision(item, Decision.SUPPORTED, animator,
                                      supporters=organisations)
            committee.publish_decisions(session, animator)
        return {"animator": animator.email, "members": [m.email for m in members],
                "organisations": [o.name for o in organisations], "session": session.id,
                "item": item.id, "number": dossier.number, "title": dossier.title}


def test_an_animator_triages_qualifies_and_retains_an_idea(web, live):
    email = _animator(live)
    number, title = _submitted(live, title=f"Jardin partagé {_tag()}")
    page = web.open()
    check = web.checker.check
    log_in(page, live, web.checker, email)
    check(page)  # the dashboard, the animators' home
    page.get_by_label("Rechercher (numéro, titre, résumé, porteur, structure)").fill(number)
    page.get_by_role("button", name="Rechercher").click()
    check(page)
    page.get_by_role("link", name=number).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    check(page)

    # Triage: take it, start the qualification.
    page.get_by_role("button", name="Me le confier").click()
    expect(page.get_by_text("Dossier confié à Camille")).to_be_visible()
    page.locator("#decision-start_qualification summary").click()
    page.locator("#decision-start_qualification").get_by_role("button").click()
    expect(page.locator("main .badge").first).to_have_text(re.compile("qualif", re.I))
    check(page)

    # Retaining before the qualification is complete is refused, with the reason.
    page.locator("#decision-retain summary").click()
    expect(page.locator("#decision-retain")).to_contain_text(
        "La qualification doit être complète pour retenir l'idée.")

    # Qualify.
    page.get_by_text("Modifier la qualification").click()
    page.get_by_role("group", name="Thèmes").get_by_label("Lien social et citoyenneté").check()
    page.get_by_label("Résumé pour le comité").fill("Un jardin partagé au pied des tours.")
    page.get_by_label("Avis de l'équipe d'animation").fill("Porteurs motivés, lieu trouvé.")
    page.get_by_role("button", name="Enregistrer la qualification").click()
    expect(page.get_by_text("Complète.")).to_be_visible()
    check(page)

    # Retain.
    page.locator("#decision-retain summary").click()
    page.locator("#decision-retain").get_by_role("button").click()
    expect(page.locator("main .badge").first).to_have_text("Retenu")
    check(page)

    # The animator chooses English on their account page: it follows them everywhere.
    nav(page, web.checker, "Mon compte")
    page.get_by_label("Langue", exact=True).select_option("en")
    page.get_by_role("button", name="Enregistrer la langue").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#locale")).to_have_value("en")
    check(page)


def test_an_animator_builds_and_convenes_a_committee(web, live):
    from tests.factories import AnimatorFactory, MemberFactory, OrganisationFactory

    tag = _tag()
    with live.data():
        animator = AnimatorFactory(full_name=f"Camille {tag}")
        organisation = OrganisationFactory(name=f"Lyon Métropole Habitat {tag}")
        member = MemberFactory(organisation=organisation)
        dossier = _qualified_and_retained(animator, title=f"Atelier vélo {tag}")
        number, member_email, email = dossier.number, member.email, animator.email
    page = web.open()
    check = web.checker.check
    log_in(page, live, web.checker, email)
    nav(page, web.checker, "Comités")
    page.get_by_role("link", name="Créer une séance").click()
    check(page)

    # A mistake first: no place and no link.
    day = (paris_today() + timedelta(days=20)).isoformat()
    page.get_by_label("Date de la séance").fill(day)
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_role("group", name="Organisations invitées").get_by_label(
        f"Lyon Métropole Habitat {tag}").check()
    page.get_by_role("button", name="Créer la séance").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "session form with an error")
    page.get_by_label("Lieu").fill("Maison des associations, Vaulx-en-Velin")
    if not page.get_by_label(f"Lyon Métropole Habitat {tag}").is_checked():
        page.get_by_label(f"Lyon Métropole Habitat {tag}").check()
    page.get_by_role("button", name="Créer la séance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Séance du")
    check(page)

    # The agenda: the retained dossier.
    options = page.get_by_label("Dossier retenu à inscrire").locator("option")
    value = next(options.nth(i).get_attribute("value") for i in range(options.count())
                 if number in options.nth(i).inner_text())
    page.get_by_label("Dossier retenu à inscrire").select_option(value)
    page.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    expect(page.locator("#agenda")).to_contain_text(number)
    check(page)

    page.get_by_role("button", name="Envoyer les convocations").click()
    expect(page.locator("main .badge").first).to_have_text("Convoqué")
    # The convocations are a background job (run in-process here): its outcome on the page.
    # (the members of every organisation the journeys before this one invited count too)
    expect(page.locator("#session-jobs")).to_contain_text(
        re.compile(r"Convocations? écrites? pour \d+ membres? et 1 porteur"))
    check(page)
    kinds = [key for key, _s, _b in live.outbox(member_email)]
    assert "committee_invitation" in kinds, kinds


def test_two_members_of_different_organisations_record_their_positions(web, live):
    world = _committee(live, state="convened")
    check = web.checker.check
    for email, amount, stance in zip(world["members"], ("8 000", "3 000,50"),
                                     ("Soutient", "Intéressé, souhaite rencontrer le porteur"),
                                     strict=True):
        page = web.open()
        log_in(page, live, web.checker, email)
        nav(page, web.checker, "Comité")  # the member's home
        expect(page.get_by_role("heading", level=1)).to_have_text("Comité trimestriel")
        page.get_by_role("link", name=re.compile("Séance du")).first.click()
        check(page)
        page.get_by_role("link", name=re.compile(world["number"])).click()
        check(page)
        page.get_by_role("button", name="Enregistrer la position").click()  # nothing chosen
        expect(page.locator("#error-summary")).to_contain_text(
            "Indiquez la position de votre organisation.")
        check(page, "position form with an error")
        page.get_by_role("group", name="Position de votre organisation").get_by_label(
            stance, exact=True).check()
        page.get_by_role("group", name="Ce que vous proposez").get_by_label(
            "Un financement").check()
        page.get_by_label("Montant indicatif (en euros)").fill(amount)
        page.get_by_label("Commentaire").fill("Sous réserve du budget voté.")
        page.get_by_role("button", name="Enregistrer la position").click()
        expect(page.get_by_role("status")).to_contain_text("Position enregistrée pour")
        expect(page.locator("main")).to_contain_text(stance)
        check(page)

    # The animator's grid shows both organisations' offers and their sum.
    page = web.open()
    log_in(page, live, web.checker, world["animator"])
    visit(page, live, web.checker, f"/instruction/comites/{world['session']}/grille")
    grid = page.locator(f"#item-{world['item']}")
    for organisation in world["organisations"]:
        expect(grid).to_contain_text(organisation)
    assert "11 000,50 €" in NBSP.sub(" ", grid.inner_text())
    # On a phone: each position a short card, nothing wider than the screen.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    check(page, "grid on a phone")
    expect(grid).to_contain_text(world["organisations"][0])


def test_the_animator_records_decisions_and_publishes_the_minutes(web, live):
    world = _committee(live, state="convened", positions=True)
    page = web.open()
    check = web.checker.check
    log_in(page, live, web.checker, world["animator"])
    visit(page, live, web.checker, f"/instruction/comites/{world['session']}/grille")
    item = page.locator(f"#item-{world['item']}")
    # The decision's form comes into the item (htmx), pre-filled from the « Soutient »
    # positions, the focus on its first choice.
    item.get_by_role("link", name="Noter la décision du comité").click()
    expect(item.get_by_role("group", name="Décision du comité")).to_be_visible()
    expect(item.get_by_label("Soutenu", exact=True)).to_be_focused()
    check(page)
    item.get_by_role("group", name="Décision du comité").get_by_label(
        "Soutenu", exact=True).check()
    for organisation in world["organisations"]:
        item.get_by_role("group", name="Organisations qui soutiennent").get_by_label(
            organisation).check()
    item.get_by_role("button", name="Noter la décision").click()
    expect(page.get_by_text("Décision en attente de publication :")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Publier les décisions").click()
    expect(page.get_by_text("Décision publiée :")).to_be_visible()
    check(page)

    page.get_by_role("link", name=re.compile("Séance du")).last.click()
    page.get_by_role("button", name="Publier le compte rendu").click()
    # Laid out and published by a background job: its page, then the file.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compte rendu du comité")
    expect(page.get_by_text("Compte rendu publié et envoyé aux membres")).to_be_visible()
    check(page)
    download = page.get_by_role("link", name=re.compile("Télécharger « compte-rendu-comite-"))
    response = page.request.get(live.url + download.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    page.get_by_role("link", name="Revenir à la séance").click()
    expect(page.locator("main .badge").first).to_have_text("Compte rendu publié")
    check(page)
    link = page.get_by_role("link", name="Télécharger le compte rendu (PDF)")
    response = page.request.get(live.url + link.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")
    # The bell says it is ready.
    visit(page, live, web.checker, "/notifications")
    expect(page.locator("main")).to_contain_text("Le compte rendu du comité")
    # The holder heard of the decision.
    assert "committee_decision" in [
        key for key, _s, _b in live.outbox(_holder_email(live, world["number"]))]


def test_a_job_page_follows_the_work_without_reloading(web, live):
    """The yearly report is laid out while its page is open: htmx fetches the progress and,
    once done, the download appears without a reload."""
    from murporteur.accounts.models import User
    from murporteur.jobs import services as jobs
    from murporteur.jobs.models import BackgroundJob, JobState

    email = _animator(live)
    with live.data() as session:
        user = session.scalar(select(User).where(User.email == email))
        # Running in a worker elsewhere (none here: the test does its work below).
        job = BackgroundJob(kind="yearly_report", requested_by=user, parameters={"year": 2024},
                            dedupe_key=f"e2e-{_tag()}", locale="fr", state=JobState.RUNNING,
                            progress=25, step="rendering", attempts=1)
        session.add(job)
        session.flush()
        job_id = job.id
    page = web.open(width=375, height=740)
    check = web.checker.check
    log_in(page, live, web.checker, email)
    visit(page, live, web.checker, f"/taches/{job_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport annuel 2024")
    expect(page.locator("progress")).to_have_attribute("value", "25")
    expect(page.get_by_text("Mise en page du PDF")).to_be_visible()
    with live.data() as session:  # the worker finishes its run
        job = session.get(BackgroundJob, job_id)
        job.state, job.attempts = JobState.QUEUED, 0
        session.commit()
        assert jobs.run(job_id) == JobState.DONE
    download = page.get_by_role("link", name="Télécharger « rapport-mur-porteur-2024.pdf »")
    expect(download).to_be_visible(timeout=15_000)
    assert page.locator("progress").count() == 0
    check(page)
    response = page.request.get(live.url + download.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")


def _holder_email(live, number):
    from murporteur.submissions.services import find_by_number

    with live.data():
        return find_by_number(number).holder.email


def test_a_convention_is_created_signed_paid_and_reported(web, live):
    world = _committee(live, state="convened", positions=True, decided=True, n_orgs=1)
    page = web.open()
    check = web.checker.check
    log_in(page, live, web.checker, world["animator"])
    nav(page, web.checker, "Rapports")
    before = {name: _figure(page, name) for name in ("committed", "paid")}
    visit(page, live, web.checker, f"/conventions/dossiers/{world['number']}")
    page.get_by_role("button", name="Créer les conventions").click()
    expect(page.get_by_text("1 convention créée en brouillon")).to_be_visible()
    check(page)
    page.get_by_role("link", name=world["organisations"][0]).click()
    expect(page.locator("#amount-committed")).to_have_text(re.compile(r"8\s000\s€"))
    check(page)
    page.get_by_role("button", name="Envoyer pour signature").click()
    expect(page.locator("main .badge").first).to_have_text("Envoyée pour signature")
    convention_url = page.url
    check(page)

    # The member signs for their organisation.
    member = web.open(width=375, height=740)
    log_in(member, live, web.checker, world["members"][0])
    nav(member, web.checker, "Conventions")
    member.get_by_role("link", name=re.compile(world["number"] + "|" + world["title"])).first \
        .click()
    check(member)
    member.get_by_role("button", name="Marquer comme signée").click()
    expect(member.locator("main .badge").first).to_have_text("Signée")
    check(member)

    # The animator schedules a payment and records it as paid.
    page.goto(convention_url)
    page.get_by_text("Prévoir un versement").click()
    new_payment = page.locator("#new-payment")
    new_payment.get_by_label("Date prévue").fill(paris_today().isoformat())
    new_payment.get_by_label("Montant (en euros)").fill("2 500")
    page.get_by_role("button", name="Ajouter à l'échéancier").click()
    expect(page.locator("#amount-scheduled")).to_have_text(re.compile(r"2\s500\s€"))
    check(page)
    page.get_by_text("Noter comme versé").click()
    page.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.locator("#amount-paid")).to_have_text(re.compile(r"2\s500\s€"))
    expect(page.locator("#amount-remaining")).to_have_text(re.compile(r"5\s500\s€"))
    check(page)

    # The reporting page counts the new amount, written the French way and the English way.
    nav(page, web.checker, "Rapports")
    after = {name: _figure(page, name) for name in ("committed", "paid")}
    # Every chart has a name and, in its section, a table giving its values.
    charts = page.locator("main svg.chart")
    assert charts.count() >= 3
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label")
        assert chart.locator("xpath=ancestor::section[1]//table").count() >= 1
    assert after["committed"] - before["committed"] == 800000, (before, after)
    assert after["paid"] - before["paid"] == 250000, (before, after)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check(page)
    assert re.search(r"€\d{1,3}(,\d{3})*", page.locator("main").inner_text())


def _figure(page, name: str) -> int:
    """An amount of the reporting page's key figures table, in cents."""
    from murporteur.core.money import parse_euros

    cell = page.locator(f"[data-figure='{name}']").first
    return parse_euros(NBSP.sub(" ", cell.inner_text()))

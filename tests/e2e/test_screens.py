"""The three home screens, photographed at 1280 and 375 px wide (docs/screenshots/), and read
at 200 % zoom (a 1280 px screen zoomed twice is 640 px wide): nothing wider than the screen."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.steps import log_in

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect

WIDTHS = (1280, 375)


@pytest.fixture(scope="module")
def world(live):
    """A collective in mid-season: dossiers in every state, a convened committee."""
    from murporteur.accounts.models import Role
    from murporteur.committee import positions
    from murporteur.committee import services as committee
    from murporteur.committee.models import Stance
    from murporteur.core.db import utcnow
    from murporteur.core.lifecycle import apply_transition
    from murporteur.submissions.services import post_message
    from murporteur.triage import services as triage
    from tests.factories import (
        AnimatorFactory,
        MemberFactory,
        OrganisationFactory,
        UserFactory,
        submitted_dossier,
    )

    tag = uuid.uuid4().hex[:4]
    with live.data():
        animator = AnimatorFactory(full_name="Camille Dubois")
        holder = UserFactory(role=Role.HOLDER, full_name="Amina Diallo",
                             email=f"amina.{tag}@example.org")
        organisations = [OrganisationFactory(name=f"Lyon Métropole Habitat {tag}"),
                         OrganisationFactory(name=f"Fondation Habitat Solidaire {tag}")]
        member = MemberFactory(organisation=organisations[0], full_name="Louis Martin")
        titles = ["Café solidaire au pied des immeubles", "Atelier de réparation de vélos",
                  "Jardin partagé des Sauges", "Épicerie vrac et circuits courts",
                  "Conciergerie de quartier", "Ludothèque itinérante"]
        dossiers = [submitted_dossier(title=t, structure_name=s) for t, s in zip(
            titles, ["Le Comptoir des Voisins", "Vélos du Mas", "Les Sauges Vertes",
                     "Vrac & Vous", "Conciergerie Solidaire", "Ludo'Mobile"], strict=True)]
        mine = submitted_dossier(holder=holder, title="Cuisine partagée de la Soie",
                                 structure_name="La Marmite", financing_amount_cents=1200000)
        triage.assign(mine, animator, animator)
        apply_transition(mine, "request_info", animator,
                         "Pouvez-vous nous envoyer le budget prévisionnel ?")
        post_message(mine, holder, "Voici le budget : 45 000 € la première année.", [])
        for dossier in dossiers[:4]:
            triage.assign(dossier, animator, animator)
            triage.decide(dossier, "start_qualification", animator)
        for dossier in dossiers[:2]:
            values = triage.qualification_values(dossier)
            values.update(themes=["social_link"], summary=dossier.summary,
                          opinion="Projet solide.")
            triage.save_qualification(dossier, values, animator)
            triage.decide(dossier, "retain", animator)
        session = committee.create_session(
            animator, starts_at=utcnow() + timedelta(days=9), place="Maison des associations",
            organisations=organisations)
        items = [committee.add_item(session, d, animator) for d in dossiers[:2]]
        apply_transition(session, "convene", animator)
        positions.record_position(items[0], member, stance=Stance.SUPPORTS,
                                  offer_kinds=["financing"], amount_cents=800000,
                                  comment="", expected_version=None)
        return {"animator": animator.email, "holder": holder.email, "member": member.email,
                "mine": mine.public_id}


SCREENS = [
    ("holder-dossier", "holder", lambda w: f"/mes-dossiers/{w['mine']}"),
    ("animator-dashboard", "animator", lambda w: "/instruction/"),
    ("member-committee", "member", lambda w: "/comite/"),
]


@pytest.mark.parametrize("name, who, path", SCREENS, ids=[s[0] for s in SCREENS])
def test_home_screens_fit_and_are_photographed(web, live, world, name, who, path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = web.open(width=1280, height=800)
    log_in(page, live, web.checker, world[who])
    for width in (*WIDTHS, 640):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live.url + path(world))
        expect(page.locator("main h1")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{name} is {overflow} px wide on a {width} px screen"
        if width in WIDTHS:
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    web.checker.check(page)

"""The minutes' layout (issue 17): « Soutenu — par … » spaced, and a first page that holds
more than the attendance."""

import io

from pypdf import PdfReader

from murporteur.committee import services
from murporteur.committee.minutes import minutes_pdf
from murporteur.committee.models import Decision
from tests.committee import test_services as committee_tests

world = committee_tests.world  # the session of four items and two organisations


def test_supporters_are_spaced_and_the_first_page_reaches_the_agenda(world):
    animator, session = world["animator"], world["session"]
    services.convene(session, animator)
    for item in session.items:
        services.record_decision(item, Decision.SUPPORTED, animator,
                                 supporters=[world["org_a"]])
    services.publish_decisions(session, animator)
    pages = [p.extract_text().replace("\xa0", " ").replace("\u202f", " ")
             for p in PdfReader(io.BytesIO(minutes_pdf(session))).pages]
    assert "Soutenu— par" not in "".join(pages)
    assert f"Soutenu — par {world['org_a'].name}" in " ".join("".join(pages).split())
    assert "Ordre du jour et décisions" in pages[0]
    assert session.items[0].dossier.title in pages[0]

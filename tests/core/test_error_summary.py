"""A refused side form (issue 17): the page comes back with a summary at its top, each
message a link to its field, so that the person sees at once that nothing was saved."""

import re

from murporteur.committee import services
from tests.committee import test_staff_views as staff
from tests.conventions import test_views as convention_views
from tests.factories import submitted_dossier

# The fixtures of the grid's and the conventions' own tests.
decide, four, organisations, session = staff.decide, staff.four, staff.organisations, staff.session
conventions, project = convention_views.conventions, convention_views.project


def _summary(response) -> tuple[str, list[str]]:
    """The summary's text and the anchors it links to; it comes before the page's title."""
    html = response.get_data(as_text=True)
    found = re.search(r'<div class="error-summary"[^>]*id="page-error-summary"[^>]*>(.*?)</div>',
                      html, re.S)
    assert found, "no error summary at the top of the page"
    assert found.start() < html.index("<h1"), "the summary is not at the top"
    assert "data-error-summary" in html[found.start():found.end()]
    said = " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).replace("&#39;", "'").split())
    return said, re.findall(r'href="#([^"]+)"', found.group(1))


def test_a_call_without_outcome_is_summed_up_at_the_top(animator_client):
    dossier = submitted_dossier(title="Café solidaire")
    refused = animator_client.post(f"/instruction/dossiers/{dossier.number}/appels",
                                   data={"notes": "Rappeler lundi"})
    assert refused.status_code == 422
    said, anchors = _summary(refused)
    assert "Rien n'a été enregistré" in said and "Indiquez le résultat de l'appel." in said
    assert anchors == ["outcome"]
    assert 'id="outcome"' in refused.get_data(as_text=True)


def test_a_decision_without_supporters_is_summed_up_at_the_top(animator_client, animator,
                                                                session, four):
    services.convene(session, animator)
    item = session.items[0]
    refused = decide(animator_client, session, item, decision="supported")
    assert refused.status_code == 422
    said, anchors = _summary(refused)
    assert "Indiquez quelle(s) organisation(s) soutiennent le projet." in said
    assert anchors == [f"item{item.id}-supporters"]


def test_a_payment_beyond_the_committed_amount_is_summed_up_at_the_top(
        animator_client, conventions):
    lyon = conventions["Lyon Métropole Habitat"]
    refused = animator_client.post(f"/conventions/{lyon.id}/versements",
                                   data={"planned_date": "2027-06-15", "amount": "9000"})
    assert refused.status_code == 422
    said, anchors = _summary(refused)
    assert "au-delà du montant engagé" in said
    assert anchors == ["amount"]


def test_a_page_without_refusal_has_no_summary(animator_client):
    dossier = submitted_dossier(title="Café solidaire")
    html = animator_client.get(f"/instruction/dossiers/{dossier.number}").get_data(as_text=True)
    assert 'id="page-error-summary"' not in html


def test_a_refusal_said_after_a_redirect_takes_the_focus(animator_client):
    html = animator_client.post("/instruction/lot", data={"action": "assign"},
                                follow_redirects=True).get_data(as_text=True)
    flashes = re.search(r'<div class="flashes"[^>]*>', html).group(0)
    assert 'role="alert"' in flashes and "data-error-summary" in flashes

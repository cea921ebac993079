"""Issue 17 item 10 and issue 20: the idea form is POST, redirect, GET. Without JavaScript, a
refused send comes back by a GET with everything typed; after the good send, Back reaches that
GET (no "resubmit the form" prompt). A call's file answer survives a refused send, and the
holder reads their answers on their dossier page, on a phone."""

from __future__ import annotations

import re
import uuid

import pytest

from tests import files
from tests.e2e.test_holder import _fill_idea, _pdf

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright is not installed").expect

PHONE = {"width": 375, "height": 740}


def _back_is_a_get(page, live, path: str) -> None:
    """Back, after the send: the form's GET again, shown without an error or a resend."""
    requests: list[tuple[str, str]] = []
    page.on("request", lambda r: requests.append((r.method, r.url)))
    response = page.go_back()  # a resubmission would fail here (net::ERR_CACHE_MISS)
    expect(page.get_by_role("button", name="Envoyer mon idée")).to_be_visible()
    assert page.url == live.url + path, page.url
    assert response is None or (response.request.method == "GET" and response.status == 200)
    assert all(method == "GET" for method, _url in requests), requests


def test_without_javascript_back_after_a_refused_then_a_good_send_is_a_get(web, live,
                                                                            tmp_path):
    context = web.browser.new_context(java_script_enabled=False, viewport=PHONE,
                                      locale="fr-FR", extra_http_headers={"Accept-Language": "fr"})
    web.contexts.append(context)
    page = context.new_page()
    page.goto(live.url + "/deposer")
    email = f"sans.js.{uuid.uuid4().hex[:6]}@example.org"
    _fill_idea(page, email, "12", _pdf(tmp_path))
    page.get_by_label("Résumé").fill("Un café coopératif. " * 1000)  # 20,000 characters
    page.get_by_role("button", name="Envoyer mon idée").click()

    # The refusal, drawn by the GET the browser was sent to, with everything kept.
    assert page.url == live.url + "/deposer"
    expect(page.locator("#error-summary")).to_contain_text("Téléphone")
    expect(page.locator("#summary-error")).to_contain_text("Rien n'a été coupé")
    expect(page.get_by_label("Titre de votre idée")).to_have_value("Café solidaire du Mas")
    expect(page.get_by_role("link", name="presentation.pdf")).to_be_visible()
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.get_by_label("Résumé").fill("Un café coopératif au pied des immeubles.")
    page.get_by_role("button", name="Envoyer mon idée").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Merci, votre idée est bien envoyée")

    _back_is_a_get(page, live, "/deposer")
    # The form is a fresh one: the idea was sent, what the refused send kept is gone.
    expect(page.locator("#error-summary")).to_have_count(0)


def test_a_call_s_file_answer_survives_a_refusal_and_the_holder_reads_the_answers(
        web, live, tmp_path):
    from murporteur.calls.models import QuestionKind
    from tests.calls.test_calls import make_call
    from tests.factories import AnimatorFactory

    title = f"Local à occuper {uuid.uuid4().hex[:6]}"
    with live.data():
        call = make_call(AnimatorFactory(), title=title, questions=(
            (QuestionKind.FILE, "Plan du local", True, ()),
            (QuestionKind.NUMBER, "Surface souhaitée (m²)", True, ())))
        call_id = call.id
    check = web.checker.check
    page = web.open(**PHONE)
    page.goto(f"{live.url}/deposer?appel={call_id}")
    email = f"appel.{uuid.uuid4().hex[:6]}@example.org"
    _fill_idea(page, email, "06 12 34 56 78", _pdf(tmp_path))
    plan = tmp_path / "plan-du-local.pdf"
    plan.write_bytes(files.pdf("Plan"))
    page.get_by_label(re.compile("^Plan du local")).set_input_files(str(plan))
    surface = page.get_by_label(re.compile("Surface souhaitée"))
    surface.fill("beaucoup")
    page.get_by_role("button", name="Envoyer mon idée").click()

    assert page.url == f"{live.url}/deposer?appel={call_id}"
    expect(page.locator("#error-summary")).to_contain_text("Indiquez un nombre")
    expect(page.locator("#section-call")).to_contain_text(
        "Fichier déjà joint : plan-du-local.pdf")
    expect(surface).to_have_value("beaucoup")
    check(page, "a call's answer refused, its file kept")
    surface.fill("80")
    page.get_by_role("button", name="Envoyer mon idée").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Merci, votre idée est bien envoyée")
    _back_is_a_get(page, live, f"/deposer?appel={call_id}")

    # The holder's dossier page: their answers, under the questions, on a phone.
    receipts = [body for key, _s, body in live.outbox(email) if key == "dossier_receipt"]
    page.goto(live.link_in(receipts[0]))
    page.get_by_role("button", name="Accéder à mon dossier").click()
    answers = page.get_by_role("region", name=f"Vos réponses à « {title} »")
    expect(answers).to_contain_text("Surface souhaitée (m²)")
    expect(answers).to_contain_text("80")
    check(page, "the holder's answers to a call")
    with page.expect_download() as download:
        answers.get_by_role("link", name="plan-du-local.pdf").click()
    assert download.value.suggested_filename == "plan-du-local.pdf"

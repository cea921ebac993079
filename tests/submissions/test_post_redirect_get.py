"""The idea form is POST, redirect, GET (issue 17, item 10): a refused send is kept on the
server and answered by a 303 to the form's address, whose GET draws what was typed and what was
refused; Back after a later send reaches a GET, never a "resubmit the form" prompt."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from sqlalchemy import func, select

from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.submissions.models import Dossier, StagedForm
from murporteur.submissions.tasks import purge_staged_uploads
from tests.helpers import sent_back, text
from tests.submissions.test_idea_form import answers


def _post(client, url="/deposer", **data):
    return client.post(url, data=answers(**data), content_type="multipart/form-data")


def _textarea(html, name):
    return unescape(re.search(rf'<textarea[^>]*id="{name}"[^>]*>(.*?)</textarea>', html,
                              re.S).group(1)).strip()


def test_a_refused_send_comes_back_by_get_with_everything_typed_and_said(client):
    response = _post(client, title="", phone="pas un numéro", town="Bron")
    assert response.status_code == 303 and response.headers["Location"] == "/deposer"
    page = client.get("/deposer")
    assert page.status_code == 200  # the GET is answered; the refusal was the POST's
    html = page.get_data(as_text=True)
    assert 'class="error-summary"' in html and 'id="title-error"' in html
    assert 'id="phone-error"' in html and "Ce numéro ne semble pas valide" in text(page)
    assert 'value="Bron"' in html and 'value="pas un numéro"' in html
    assert "<body>" in html  # not a page drawn in answer to a POST
    assert db.session.scalar(select(func.count(Dossier.id))) == 0
    # Drawn again (a reload), the same; a sent idea forgets it.
    assert 'value="Bron"' in client.get("/deposer").get_data(as_text=True)
    assert _post(client).status_code == 302
    assert db.session.scalar(select(func.count(StagedForm.id))) == 0
    back = client.get("/deposer")  # Back, after the send: a fresh form, no error
    assert back.status_code == 200 and 'class="error-summary"' not in back.get_data(True)
    assert 'value="Bron"' not in back.get_data(as_text=True)


def test_twenty_thousand_characters_are_kept_on_the_server_not_in_the_cookie(client):
    pasted = "Notre projet, écrit ailleurs et collé ici. " * 470  # about 20,000 characters
    response = _post(client, summary=pasted)
    assert response.status_code == 303
    cookies = response.headers.getlist("Set-Cookie")
    assert all(len(c) < 4096 for c in cookies) and not any("projet" in c for c in cookies)
    kept = db.session.scalars(select(StagedForm)).one()
    assert ["summary", pasted] in kept.values
    page = client.get(response.headers["Location"])
    assert _textarea(page.get_data(as_text=True), "summary") == pasted.strip()
    assert "Rien n'a été coupé" in text(page)


def test_what_one_browser_typed_is_not_shown_to_another(app, client):
    sent_back(client, _post(client, title="", town="Bron"))
    other = app.test_client()
    html = other.get("/deposer").get_data(as_text=True)
    assert 'value="Bron"' not in html and 'class="error-summary"' not in html


def test_a_refused_draft_comes_back_to_its_own_address(client):
    saved = _post(client, action="save", town="Bron")
    assert saved.status_code == 302
    draft_url = saved.headers["Location"]
    response = client.post(draft_url, data=answers(town="Villeurbanne", phone="faux"),
                           content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"] == draft_url
    page = client.get(draft_url)
    assert 'value="Villeurbanne"' in page.get_data(as_text=True)
    assert 'id="phone-error"' in page.get_data(as_text=True)
    # The new idea's form is another form: it shows nothing of the draft's refusal.
    assert 'id="phone-error"' not in client.get("/deposer").get_data(as_text=True)
    # Saved since (the autosave of the draft): the draft's answers win.
    draft = db.session.scalars(select(Dossier)).one()
    draft.town = "Lyon"
    draft.updated_at = utcnow() + timedelta(seconds=5)
    db.session.commit()
    html = client.get(draft_url).get_data(as_text=True)
    assert 'value="Lyon"' in html and 'id="phone-error"' not in html


def test_a_send_refused_by_a_rule_after_the_checks_comes_back_too(client):
    # The consent missing: every field is well formed, the submission itself is refused.
    response = _post(client, consent=None)
    page = sent_back(client, response)
    assert 'id="consent-error"' in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Dossier.id))) == 0


def test_the_call_answer_form_comes_back_with_its_answers(client, animator):
    from murporteur.calls.models import QuestionKind
    from tests.calls.test_calls import field, make_call, post_idea

    call = make_call(animator, questions=(
        (QuestionKind.NUMBER, "Surface", True, ()),
        (QuestionKind.SHORT_TEXT, "Partenaire", False, ())))
    response = post_idea(client, call, **{field(call, "Surface"): "beaucoup",
                                          field(call, "Partenaire"): "La MJC"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/deposer?appel={call.id}"
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert f'id="{field(call, "Surface")}-error"' in html
    assert 'value="beaucoup"' in html and 'value="La MJC"' in html
    assert "Indiquez un nombre" in text(page)
    assert post_idea(client, call, **{field(call, "Surface"): "80"}).status_code == 302


def test_the_purge_drops_what_refused_sends_kept_once_old(app, client):
    sent_back(client, _post(client, title=""))
    kept = db.session.scalars(select(StagedForm)).one()
    assert purge_staged_uploads() == 0  # young: kept
    kept.created_at = utcnow() - timedelta(hours=app.config["STAGED_UPLOAD_HOURS"] + 1)
    db.session.commit()
    assert purge_staged_uploads() == 1
    assert db.session.scalar(select(func.count(StagedForm.id))) == 0
    assert 'class="error-summary"' not in client.get("/deposer").get_data(as_text=True)

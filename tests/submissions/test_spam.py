"""The public idea form against robots, without a third party: a trap field people never see
and a minimal time between showing the form and sending it."""

import re
import time

import pytest
from sqlalchemy import func, select

from murporteur.core.security import form_stamp
from murporteur.extensions import db
from murporteur.settings import PROJECT_ROOT
from murporteur.submissions.models import Dossier
from tests.conftest import make_app
from tests.helpers import outbox, sent_back, text
from tests.submissions.test_idea_form import answers


def _count():
    return db.session.scalar(select(func.count(Dossier.id)))


def test_the_trap_field_is_hidden_from_people_and_assistive_technologies(client):
    html = client.get("/deposer").get_data(as_text=True)
    trap = re.search(r'<div class="trap-field" aria-hidden="true">(.*?)</div>', html, re.DOTALL)
    assert trap, "the trap field is missing"
    field = re.search(r"<input[^>]*>", trap.group(1)).group(0)
    assert 'name="website"' in field
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field
    assert 'value=""' in field
    css = (PROJECT_ROOT / "static/css/app.css").read_text()
    rule = re.search(r"\.trap-field\s*{([^}]*)}", css).group(1)
    assert "left: -10000px" in rule and "position: absolute" in rule


def test_a_filled_trap_stores_nothing_and_keeps_the_answers(client):
    before = _count()
    response = sent_back(client, client.post(
        "/deposer", data=answers(website="http://spam.example"),
        content_type="multipart/form-data"))
    page = text(response)
    assert "ressemble à celui d'un robot" in page and "rien n'a été enregistré" in page
    html = response.get_data(as_text=True)
    assert 'value="Café solidaire au pied des immeubles"' in html
    assert "Un café coopératif tenu avec les habitants." in html
    assert _count() == before
    assert outbox() == []


@pytest.fixture
def timed_app(app, database_url, tmp_path):
    return make_app(database_url, tmp_path, FORM_MIN_SECONDS=3)


def test_a_form_sent_too_fast_is_refused_with_everything_kept(timed_app):
    client = timed_app.test_client()
    html = client.get("/deposer").get_data(as_text=True)
    started = re.search(r'id="started" name="started" type="hidden" value="([^"]+)"',
                        html) or re.search(r'name="started"[^>]*value="([^"]+)"', html)
    before = _count()
    response = sent_back(client, client.post(
        "/deposer", data=answers(started=started.group(1)),
        content_type="multipart/form-data"))
    page = text(response)
    assert "plus vite qu'une personne ne remplit ce formulaire" in page
    assert 'value="Café solidaire au pied des immeubles"' in response.get_data(as_text=True)
    assert _count() == before
    # The page sent back is timed afresh: the next send, after a human pause, goes through.
    assert client.post("/deposer", data=answers(started=form_stamp_ago(timed_app, 10)),
                       content_type="multipart/form-data").status_code == 302
    assert _count() == before + 1


def form_stamp_ago(app, seconds: int) -> str:
    with app.test_request_context():
        return form_stamp(time.time() - seconds)


def test_a_missing_or_forged_timestamp_counts_as_too_fast(timed_app):
    client = timed_app.test_client()
    before = _count()
    for started in (None, "", "1700000000", "forged.signature"):
        response = sent_back(client, client.post(
            "/deposer", data=answers(started=started),
            content_type="multipart/form-data"))
        assert "plus vite qu'une personne" in text(response)
    assert _count() == before


def test_a_holder_resuming_a_draft_is_not_timed(timed_app):
    from tests.conftest import login
    from tests.factories import PASSWORD, AnimatorFactory, DraftFactory, HolderFactory

    holder = HolderFactory(password_hash=AnimatorFactory().password_hash)
    draft = DraftFactory(holder=holder)
    client = timed_app.test_client()
    login(client, holder, PASSWORD)
    response = client.post(f"/deposer/{draft.public_id}", data=answers(email=holder.email),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.number is not None


def test_the_minimum_is_off_in_tests_and_three_seconds_by_default(app):
    from pathlib import Path

    from murporteur.settings import Settings

    assert app.config["FORM_MIN_SECONDS"] == 0
    assert Settings.from_environ(Path("/tmp"), {"SECRET_KEY": "x"}).form_min_seconds == 3
    assert Settings.from_environ(Path("/tmp"), {"SECRET_KEY": "x", "FORM_MIN_SECONDS": "5"}
                                 ).form_min_seconds == 5


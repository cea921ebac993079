"""The same idea form sent twice (a double click, a reload): one dossier, on every engine."""

import re

from sqlalchemy import func, select

from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from tests.submissions.test_idea_form import answers


def _key(client, url="/deposer"):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="submission_key"[^>]*value="([^"]+)"', page).group(1)


def _count():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Dossier))


def test_the_new_idea_form_sent_twice_makes_one_numbered_dossier(app, client):
    data = answers(submission_key=_key(client))
    first = client.post("/deposer", data=dict(data))
    second = client.post("/deposer", data=dict(data))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count() == 1
    dossier = db.session.scalars(select(Dossier)).one()
    assert [e.transition for e in dossier.events] == ["submit"]
    assert "Votre numéro de dossier" in client.get(second.headers["Location"]).get_data(
        as_text=True)


def test_a_draft_saved_twice_from_one_page_stays_one_draft(app, client):
    data = answers(submission_key=_key(client), action="save")
    client.post("/deposer", data=dict(data))
    client.post("/deposer", data=dict(data))
    assert _count() == 1


def test_a_draft_sent_twice_is_numbered_once(app, client):
    saved = client.post("/deposer", data=answers(submission_key=_key(client), action="save"))
    draft_url = saved.headers["Location"]
    data = answers(action="submit")
    first = client.post(draft_url, data=dict(data))
    second = client.post(draft_url, data=dict(data))
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith("/merci")
    dossier = db.session.scalars(select(Dossier)).one()
    db.session.refresh(dossier)
    assert [e.transition for e in dossier.events] == ["submit"]


def test_two_different_pages_make_two_dossiers(app, client):
    client.post("/deposer", data=answers(submission_key=_key(client)))
    client.post("/deposer", data=answers(submission_key=_key(client), title="Autre idée"))
    assert _count() == 2

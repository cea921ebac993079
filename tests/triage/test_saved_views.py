"""Saved dashboard views (issue 17): each animator names a view (tab, filters, sort, export
columns) and finds it again in one click; nobody else sees it."""

import re

from murporteur.extensions import db
from murporteur.triage.models import SavedView
from tests.conftest import login
from tests.factories import AnimatorFactory
from tests.helpers import text


def _views_links(html):
    return re.findall(r'<a href="(/instruction/\?[^"]*)">([^<]+)</a>', html)


def test_an_animator_saves_a_view_and_opens_it_again(animator_client, animator):
    query = "tab=all&state=submitted&sort=town&direction=asc&neighbourhood=Mas"
    animator_client.get("/instruction/?column=number&column=town&columns_chosen=1")
    response = animator_client.post("/instruction/vues", data={"query": query,
                                                              "name": "  Mas du Taureau  "})
    assert response.status_code == 302
    assert "neighbourhood=Mas" in response.headers["Location"]
    assert "column=number&column=title&column=town" in response.headers["Location"]
    html = animator_client.get("/instruction/").get_data(as_text=True)
    links = [(href, name) for href, name in _views_links(html) if name == "Mas du Taureau"]
    assert links, "the saved view is not offered on the dashboard"
    opened = text(animator_client.get(links[0][0].replace("&amp;", "&")))
    assert "Filtres (2)" in opened  # the state and the neighbourhood, filtered again


def test_the_same_name_replaces_the_view_and_a_name_is_required(animator_client, animator):
    animator_client.post("/instruction/vues", data={"query": "tab=mine", "name": "Mes"})
    animator_client.post("/instruction/vues", data={"query": "tab=waiting", "name": "Mes"})
    views = db.session.query(SavedView).filter_by(user_id=animator.id).all()
    assert [(v.name, v.query.split("&")[0]) for v in views] == [("Mes", "tab=waiting")]
    refused = animator_client.post("/instruction/vues", data={"query": "tab=all", "name": " "},
                                   follow_redirects=True)
    assert "Donnez un nom à cette vue." in text(refused)
    long = animator_client.post("/instruction/vues", data={"query": "", "name": "x" * 81},
                                follow_redirects=True)
    assert "Ce nom est trop long" in text(long)


def test_a_view_is_its_animators_own(app, animator_client, animator):
    animator_client.post("/instruction/vues", data={"query": "tab=mine", "name": "À moi"})
    view = db.session.query(SavedView).filter_by(user_id=animator.id).one()
    db.session.commit()
    other = app.test_client()
    login(other, AnimatorFactory())
    assert "À moi" not in text(other.get("/instruction/"))
    refused = other.post(f"/instruction/vues/{view.id}/supprimer", follow_redirects=True)
    assert "Cette vue n'existe plus." in text(refused)
    db.session.expire_all()
    assert db.session.get(SavedView, view.id) is not None
    assert animator_client.post(f"/instruction/vues/{view.id}/supprimer").status_code == 302
    db.session.expire_all()
    assert db.session.get(SavedView, view.id) is None


def test_what_the_dashboard_does_not_understand_is_not_kept(animator_client, animator):
    animator_client.post("/instruction/vues", data={
        "query": "tab=nope&state=draft&evil=<script>&sort=town", "name": "Bizarre"})
    view = db.session.query(SavedView).filter_by(user_id=animator.id).one()
    assert "evil" not in view.query and "draft" not in view.query and "nope" not in view.query

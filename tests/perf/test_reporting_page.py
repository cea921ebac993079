"""The reporting page stays small whatever the year: the first supported projects, the whole
list in the yearly report and the exports (issue 16)."""

from __future__ import annotations

from html import unescape

from murporteur.reporting import cache
from murporteur.reporting.services import supported_count, supported_projects
from tests.conftest import login
from tests.reporting.test_services import YEAR, build_world


def test_the_page_lists_the_first_supported_projects_and_says_where_the_rest_is(
        app, client, monkeypatch):
    world = build_world()
    period = YEAR
    assert supported_count(period) == 2 == len(supported_projects(period))
    monkeypatch.setattr(cache, "SUPPORTED_ON_PAGE", 1)
    login(client, world.animator)
    page = unescape(client.get(f"/rapports/?year={YEAR.year}").get_data(as_text=True))
    assert "Les 1 premiers projets sur 2" in page
    assert len(supported_projects(period, limit=1)) == 1

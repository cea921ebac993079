"""The dashboard's deep pages by keyset: following "next" (and "previous") walks every dossier
of the tab once, in the order chosen, ties on the sorted column included (issue 16)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from murporteur.extensions import db
from murporteur.triage import dashboard, keyset
from tests.conftest import login
from tests.factories import AnimatorFactory, submitted_dossier


@pytest.fixture
def many(app, monkeypatch):
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 4)
    animator = AnimatorFactory(full_name="Zoé Martin")
    other = AnimatorFactory(full_name="Anne Durand")
    # Ties on the town (three towns for 11 dossiers) and on the assignee, some without one.
    dossiers = []
    for k in range(11):
        d = submitted_dossier(town=["Lyon", "Bron", "Vaulx-en-Velin"][k % 3],
                              title=f"Idée {k:02d}")
        d.assigned_to = [animator, other, None][k % 3] if k % 4 else None
        dossiers.append(d)
    db.session.flush()
    return animator, dossiers


def _numbers(page: str) -> list[str]:
    return re.findall(r"MP-\d{4}-\d{4}", page)


def _link(page: str, label: str) -> str | None:
    found = re.search(r'<a href="([^"]+)">' + label + "</a>", page)
    return unescape(found.group(1)) if found else None


@pytest.mark.parametrize("sort,direction", [("town", "asc"), ("town", "desc"),
                                            ("assigned", "asc"), ("assigned", "desc"),
                                            ("submitted", "desc"), ("state", "asc")])
# A filter (here one every dossier passes) takes the other way: the page's ids are read with
# the tabs' counts, from the matches.
@pytest.mark.parametrize("filtered", ["", "&submitted_from=2000-01-01"])
def test_next_and_previous_walk_every_dossier_once_in_order(client, many, sort, direction,
                                                            filtered):
    animator, dossiers = many
    login(client, animator)
    url = f"/instruction/?tab=all&sort={sort}&direction={direction}{filtered}"
    # What the offset pages show, all on one page, is the order to follow.
    expected = []
    for n in range(1, 4):
        expected += _unique(_numbers(client.get(f"{url}&page={n}").get_data(as_text=True)))
    assert sorted(expected) == sorted(d.number for d in dossiers)
    seen, pages = [], []
    page = client.get(url).get_data(as_text=True)
    while True:
        pages.append(page)
        seen += _unique(_numbers(page))
        following = _link(page, "Page suivante")
        if following is None:
            break
        assert "after=" in following
        page = client.get(following).get_data(as_text=True)
    assert seen == expected  # each once, in order, ties included
    # And back: "previous" gives the page before, by its own cursor.
    back = _link(pages[-1], "Page précédente")
    assert _unique(_numbers(client.get(back).get_data(as_text=True))) == \
        _unique(_numbers(pages[-2]))


def _unique(numbers: list[str]) -> list[str]:
    return list(dict.fromkeys(numbers))


def test_a_cursor_survives_a_dossier_added_before_it(client, many):
    animator, dossiers = many
    login(client, animator)
    url = "/instruction/?tab=all&sort=submitted&direction=desc"
    first = client.get(url).get_data(as_text=True)
    following = _link(first, "Page suivante")
    second_before = _unique(_numbers(client.get(following).get_data(as_text=True)))
    submitted_dossier(title="Nouvelle idée")  # lands on the first page
    db.session.flush()
    assert _unique(_numbers(client.get(following).get_data(as_text=True))) == second_before


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjoxfQ", "WyJ0b3duIiwiYXNjIiwxLCJ4Il0"])
def test_a_cursor_not_understood_shows_the_first_page_and_says_so(client, many, cursor):
    animator, _dossiers = many
    login(client, animator)
    response = client.get(f"/instruction/?tab=all&sort=town&direction=asc&after={cursor}")
    assert response.status_code == 200
    assert "Le lien de page n'est plus valable" in unescape(response.get_data(as_text=True))


def test_a_cursor_made_for_another_sort_is_refused(client, many):
    animator, dossiers = many
    f = dashboard.Filters(sort="town", direction="asc")
    cursor = keyset.encode_cursor(f, dossiers[0])
    assert keyset.decode_cursor(cursor, dashboard.Filters(sort="title")) is None
    assert keyset.decode_cursor(cursor, f) == (dossiers[0].town, dossiers[0].id)

"""The dashboard's searched and filtered tabs against a plain reference (issue 16): whatever
way the page and the counts are read (one reading of the matches, the indexes, the keyset
cursors), each tab's count is the number of matching dossiers in it, and following « Page
suivante » then « Page précédente » shows every match once, in the order asked."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from murporteur.extensions import db
from murporteur.submissions.workflow import DossierState
from murporteur.triage import dashboard, keyset
from murporteur.triage.dashboard import TABS, Filters
from murporteur.triage.dashboard_rows import dashboard_view
from tests.factories import AnimatorFactory, submitted_dossier

#: Words that share no stem in French: what the full text finds is what a substring finds.
WORDS = ("ressourcerie", "jardin", "cuisine", "velo", "atelier")
STATES = (DossierState.SUBMITTED, DossierState.QUALIFYING, DossierState.NEEDS_INFO,
          DossierState.RETAINED, DossierState.SUPPORTED, DossierState.DECLINED,
          DossierState.REDIRECTED)
TOWNS = ("Lyon", "Bron", "Vaulx-en-Velin")


@pytest.fixture(params=[3, 11])
def world(app, monkeypatch, request):
    """Thirty dossiers drawn at random (seeded): states, assignees, titles and towns, with
    ties on the date and the town so that the cursors' tie-break on the id is exercised."""
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 4)
    draw = random.Random(request.param)
    me, other = AnimatorFactory(), AnimatorFactory()
    days = [datetime(2024, 3, 1, 9, tzinfo=UTC) + timedelta(days=n) for n in range(4)]
    dossiers = []
    for k in range(30):
        words = draw.sample(WORDS, draw.randint(1, 2))
        dossier = submitted_dossier(title=" ".join(words) + f" n°{k}", town=draw.choice(TOWNS))
        dossier.state = draw.choice(STATES)
        dossier.assigned_to = draw.choice([me, other, None])
        dossier.submitted_at = draw.choice(days)
        dossiers.append(dossier)
    db.session.flush()
    return me, dossiers


def _in_tab(tab: str, dossier, user) -> bool:
    states = TABS[tab][1]
    if states is not None:
        return dossier.state in states
    if tab == "to_qualify":
        return dossier.state == DossierState.SUBMITTED
    if tab == "mine":
        return dossier.assigned_to_id == user.id and dossier.state not in TABS["finished"][1]
    return True


def _reference(dossiers, user, f: Filters):
    """(counts per tab, the tab's dossiers in the order of ``f``), computed in Python."""
    matches = [d for d in dossiers
               if (not f.q or f.q in d.title.split())
               and (not f.submitted_from or d.submitted_at.date() >= f.submitted_from)]
    counts = {tab: sum(_in_tab(tab, d, user) for d in matches) for tab in TABS}
    attribute = {"submitted": "submitted_at", "town": "town", "title": "title"}[f.sort]
    descending = f.direction == "desc"
    shown = sorted((d for d in matches if _in_tab(f.tab, d, user)),
                   key=lambda d: (getattr(d, attribute), d.id), reverse=descending)
    return counts, [d.id for d in shown]


def _walk(user, f: Filters) -> tuple[dict[str, int], list[int], list[int]]:
    """The counts of the first page, the ids met following « next » to the end, and those
    met following « previous » from there back to the start."""
    counts, rows, _total = dashboard_view(f, user)
    forward, page = [r.dossier.id for r in rows], 1
    while rows:
        page += 1
        assert page < 30, "the pages never end"
        after = keyset.encode_cursor(f, rows[-1].dossier)
        _c, rows, _t = dashboard_view(Filters(**{**vars(f), "after": after, "page": page}),
                                      user)
        if rows:
            last_rows = rows
        forward += [r.dossier.id for r in rows]
    backward: list[int] = []
    if forward and page > 2:
        rows = last_rows
        backward = [r.dossier.id for r in rows]
        while True:
            assert len(backward) <= len(forward), "the pages never end"
            before = keyset.encode_cursor(f, rows[0].dossier)
            _c, rows, _t = dashboard_view(Filters(**{**vars(f), "before": before,
                                                     "page": 3}), user)
            if not rows:
                break
            backward = [r.dossier.id for r in rows] + backward
    return counts, forward, backward


@pytest.mark.parametrize("q", ["ressourcerie", "velo", ""])
@pytest.mark.parametrize("tab", ["all", "to_qualify", "mine", "finished"])
@pytest.mark.parametrize("sort,direction", [("submitted", "desc"), ("town", "asc"),
                                            ("title", "desc")])
def test_searched_and_filtered_tabs_match_a_plain_reference(world, tab, q, sort, direction):
    me, dossiers = world
    # Without a search, a date filter (leaving the first day out): the filtered reading.
    f = Filters(tab=tab, q=q, sort=sort, direction=direction,
                submitted_from=None if q else date(2024, 3, 2))
    counts, expected = _reference(dossiers, me, f)
    found, forward, backward = _walk(me, f)
    assert found == counts
    assert forward == expected
    if len(expected) > dashboard.PAGE_SIZE:
        assert backward == expected

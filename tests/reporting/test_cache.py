"""The reporting's figures kept in Redis: read again while nothing changes, computed again as
soon as the data they read does (a transition, a rolled back change), computed each time
without Redis."""

import re

import pytest
from sqlalchemy import event, inspect, text

from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.reporting import cache
from murporteur.reporting.models import WATCHED_TABLES
from murporteur.reporting.periods import Period
from murporteur.triage import services as triage
from murporteur.triage.choices import CallOutcome
from tests.conftest import REDIS_URL, _redis_available, login
from tests.reporting.test_services import build_world
from tests.reporting.test_views import figure

THIS_YEAR = f"/rapports/?year={paris_today().year}"


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def animator_browser(app, world):
    client = app.test_client()
    login(client, world.animator)
    return client


@pytest.fixture
def with_redis(app, monkeypatch):
    if not _redis_available():
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)


def statements_of(client, url):
    """The response to a GET of ``url`` and how many statements it ran."""
    response, ran = statements_read(client, url)
    return response, len(ran)


def statements_read(client, url):
    """The response to a GET of ``url`` and the statements it ran."""
    ran = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            ran.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return response, ran


def test_every_table_the_figures_read_changes_the_version(app):
    """A migration that rebuilt one of these tables on SQLite would lose its triggers: the
    figures would go stale there. Checked on both databases."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        found = {name for (name,) in connection.execute(text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'figures_changed'"))}
        assert found == set(WATCHED_TABLES)
    else:
        found = {name for (name,) in connection.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'figures_changed_%'"))}
        assert found == {f"figures_changed_{table}_{operation}" for table in WATCHED_TABLES
                         for operation in ("insert", "update", "delete")}
    assert set(WATCHED_TABLES) <= set(inspect(connection).get_table_names())


def test_a_write_changes_the_version_a_rollback_brings_it_back(app, world):
    before = cache.version()
    savepoint = db.session.begin_nested()
    world.vilogia.name = "Vilogia Rhône"
    db.session.flush()
    during = cache.version()
    savepoint.rollback()
    assert during != before
    assert cache.version() == before


def test_the_figures_are_kept_until_a_transition_changes_them(animator_browser, world,
                                                              with_redis):
    first, computed = statements_of(animator_browser, THIS_YEAR)
    again, cached = statements_of(animator_browser, THIS_YEAR)
    assert cached < computed - 10  # the figures came from Redis
    assert figure(again, "qualified") == figure(first, "qualified")
    qualified = int(figure(first, "qualified"))
    # The Jardin partagé (sent in November 2025) is qualified today: a transition.
    triage.record_call(world.dossiers["E"], world.animator, CallOutcome.REACHED,
                       "Premier échange")
    assert world.dossiers["E"].state == "qualifying"
    db.session.flush()
    after, recomputed = statements_of(animator_browser, THIS_YEAR)
    assert figure(after, "qualified") == str(qualified + 1)
    assert recomputed > cached


def test_a_change_rolled_back_leaves_the_figures_as_they_were(world, with_redis):
    year = Period.of_year(2025)
    assert cache.figures(year).collective.committed_cents == 1_400_000
    savepoint = db.session.begin_nested()
    world.dossiers["A"].conventions[0].committed_cents += 100_000
    db.session.flush()
    during = cache.figures(year).collective.committed_cents
    savepoint.rollback()
    assert (during, cache.figures(year).collective.committed_cents) == (1_500_000, 1_400_000)
    # Computed once for each version, read again after.
    assert cache.figures(year).by_organisation[0].organisation.name == "Dynacité"


def test_without_redis_the_figures_are_computed(animator_browser, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nobody there
    response, _count = statements_of(animator_browser, "/rapports/?year=2025")
    assert figure(response, "received") == "7"
    assert re.search(r'data-figure="committed">14\s000\s€<', response.get_data(as_text=True))


def test_beat_computes_the_figures_again_after_a_change_for_the_next_reader(
        animator_browser, world, with_redis):
    from worker.schedule import BEAT_SCHEDULE

    assert "murporteur.reporting.warm_figures" in {e["task"] for e in BEAT_SCHEDULE.values()}
    this_year = paris_today().year
    cache.warm()  # whatever an earlier test left: this version is now computed
    assert cache.warm() == []  # nothing changed since: nothing computed
    before = figure(animator_browser.get(THIS_YEAR), "qualified")
    triage.record_call(world.dossiers["E"], world.animator, CallOutcome.REACHED,
                       "Premier échange")
    db.session.flush()
    assert cache.warm() == [this_year, this_year - 1]  # the change made both stale
    after, statements = statements_read(animator_browser, THIS_YEAR)
    assert figure(after, "qualified") == str(int(before) + 1)
    # The first reader after the change computed none of the figures: no milestone read.
    assert not [s for s in statements if "dossier_milestone" in s]


def test_without_redis_warming_computes_nothing(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    assert cache.warm() == []

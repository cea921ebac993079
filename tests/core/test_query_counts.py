"""The number of SQL statements a page runs does not grow with the data (no N+1).

Each page is opened with N objects of what it lists, then with 3N: the count must be the
same. The benchmark (``bench/``) reports the same counts at 1,000 and 100,000 dossiers.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from murporteur.committee import services as committee
from murporteur.committee.models import Position, Stance
from murporteur.conventions.models import Convention, Payment
from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.submissions.models import Message
from murporteur.triage.models import Label, PhoneCall, PrivateNote, Qualification
from tests.conftest import login
from tests.factories import (
    AnimatorFactory,
    DraftFactory,
    HolderFactory,
    MemberFactory,
    OrganisationFactory,
    submitted_dossier,
)

N = 2


@contextmanager
def counting():
    statements: list[str] = []

    def count(conn, cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def queries(client, url: str) -> int:
    """The statements one GET of ``url`` runs (after a first, warming GET)."""
    assert client.get(url).status_code == 200, url
    db.session.commit()
    # As under gunicorn, where each request starts from an empty session: nothing the test
    # or the warming request left in memory may spare the counted request a query.
    db.session.expire_all()
    gc.collect()
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    if os.environ.get("QUERY_COUNTS_DUMP"):  # to find what repeats
        with open(os.environ["QUERY_COUNTS_DUMP"], "a") as dump:
            dump.write(f"==== {url} {len(statements)}\n" + "\n--\n".join(statements) + "\n")
    return len(statements)


def _dossier_with_everything(animator, label, k: int):
    """A qualified dossier, assigned and labelled, with calls, notes and messages."""
    dossier = submitted_dossier(town="Lyon", title=f"Café solidaire {k} coopératif")
    dossier.assigned_to = animator
    dossier.labels.append(label)
    db.session.add(Qualification(dossier=dossier, themes=["food"], stage="development"))
    db.session.add(PhoneCall(dossier=dossier, animator=animator, done_at=utcnow(),
                             outcome="reached", notes="Échange"))
    db.session.add(PrivateNote(dossier=dossier, author=animator, body="Note"))
    db.session.add(Message(dossier=dossier, author=dossier.holder, body="Bonjour"))
    db.session.flush()
    return dossier


@pytest.fixture
def staff(app):
    animator = AnimatorFactory()
    label = Label(name="Urgent-qc", colour="red")
    db.session.add(label)
    db.session.flush()
    return animator, label


@pytest.mark.parametrize("url", [
    "/instruction/",
    "/instruction/?tab=all&theme=food&assigned={me}&label={label}&sort=assigned",
    "/instruction/?tab=all&q=caf%C3%A9+solidaire",
])
def test_dashboard_queries_do_not_grow_with_the_dossiers(app, staff, url):
    animator, label = staff
    client = app.test_client()
    login(client, animator)
    url = url.format(me=animator.id, label=label.id)
    for k in range(N):
        _dossier_with_everything(animator, label, k)
    small = queries(client, url)
    for k in range(N, 3 * N):
        _dossier_with_everything(animator, label, k)
    assert queries(client, url) == small


def _add_to_dossier(dossier, animator, label, n: int):
    for k in range(n):
        db.session.add(PhoneCall(dossier=dossier, animator=AnimatorFactory(),
                                 done_at=utcnow(), outcome="reached", notes=f"Appel {k}"))
        db.session.add(PrivateNote(dossier=dossier, author=AnimatorFactory(), body=f"Note {k}"))
        db.session.add(Message(dossier=dossier, author=dossier.holder if k % 2
                               else AnimatorFactory(), body=f"Message {k}"))
        dossier.labels.append(Label(name=f"qc-{dossier.id}-{n}-{k}"))
    db.session.flush()


def test_staff_dossier_page_queries_do_not_grow_with_its_history(app, staff):
    animator, label = staff
    client = app.test_client()
    login(client, animator)
    dossier = _dossier_with_everything(animator, label, 0)
    url = f"/instruction/dossiers/{dossier.number}"
    _add_to_dossier(dossier, animator, label, N)
    small = queries(client, url)
    _add_to_dossier(dossier, animator, label, 2 * N)
    assert queries(client, url) == small


def test_a_dossier_page_runs_as_many_queries_for_a_bare_dossier_as_for_a_full_one(app, staff):
    """Who wrote, called, noted, qualified or is assigned is read with what they did (joined),
    not after it: an empty thread, no call, no note and no qualification spare no statement,
    and neither does an author the page knew already (the reader themself)."""
    animator, label = staff
    holder = HolderFactory(password_hash=animator.password_hash)
    bare = submitted_dossier(holder=holder, support_kinds=["introductions"])
    full = _dossier_with_everything(animator, label, 0)
    full.holder, full.support_kinds = holder, ["introductions"]
    _add_to_dossier(full, animator, label, N)
    db.session.add(Message(dossier=full, author=animator, body="Un document ?"))
    db.session.flush()
    staff_client, holder_client = app.test_client(), app.test_client()
    login(staff_client, animator)
    login(holder_client, holder)
    assert queries(staff_client, f"/instruction/dossiers/{bare.number}") \
        == queries(staff_client, f"/instruction/dossiers/{full.number}")
    assert queries(holder_client, f"/mes-dossiers/{bare.public_id}") \
        == queries(holder_client, f"/mes-dossiers/{full.public_id}")


def _retained():
    dossier = DraftFactory(state="retained")
    dossier.number = f"MP-2026-{9000 + dossier.id}"
    return dossier


def _units_in(town: str, n: int):
    """``n`` available units in ``town``, each of another landlord (named beside a match)."""
    from murporteur.premises import services as premises
    from tests.premises.conftest import unit_values

    return [premises.save_unit(None, MemberFactory(), None, **unit_values(town=town))
            for _ in range(n)]


@pytest.mark.parametrize("url", ["/instruction/dossiers/{number}",
                                 "/comite/seances/{session}/points/{item}"])
def test_a_dossier_page_runs_as_many_queries_whether_it_seeks_premises_or_not(app, staff,
                                                                                  url):
    """Its compatible units (the wish said with the idea, the landlords named) are read in
    the same statements whether the dossier seeks none, seeks some that nothing fits, or has
    matches of several landlords: the benchmark's busiest dossier at 100,000 did, the one
    at 1,000 did not."""
    from murporteur.premises.models import PremisesWish

    animator, label = staff
    _units_in("Lyon", 3)
    member = MemberFactory()
    session = committee.create_session(animator, starts_at=utcnow() + timedelta(days=10),
                                       place="Lyon", organisations=[member.organisation])
    session.positions_open_early = True
    dossiers = []
    for k, (kinds, town) in enumerate([(["introductions"], "Lyon"), (["premises"], "Brest"),
                                       (["premises"], "Lyon"), (["introductions"], "Lyon")]):
        dossier = _dossier_with_everything(animator, label, k)
        dossier.support_kinds, dossier.town = kinds, town
        dossiers.append(dossier)
    # The last one seeks no premises by its answers, but said a wish with its idea.
    db.session.add(PremisesWish(dossier_id=dossiers[-1].id, towns="Lyon", surface_min=50))
    items = []
    # Each between two others: the page names the items before and after it.
    for dossier in [_retained(), *dossiers, _retained()]:
        dossier.state = "retained"
        items.append(committee.add_item(session, dossier, animator))
    items = items[1:-1]
    db.session.flush()
    client = app.test_client()
    login(client, member if url.startswith("/comite") else animator)
    counts = [queries(client, url.format(number=d.number, session=session.id, item=i.id))
              for d, i in zip(dossiers, items, strict=True)]
    assert counts == [counts[0]] * len(dossiers)


def test_holder_dossier_page_queries_do_not_grow_with_its_thread(app, staff):
    animator, label = staff
    holder = HolderFactory(password_hash=animator.password_hash)
    dossier = submitted_dossier(holder=holder)
    client = app.test_client()
    login(client, holder)
    url = f"/mes-dossiers/{dossier.public_id}"

    def thread(n):
        for k in range(n):
            db.session.add(Message(dossier=dossier, author=holder if k % 2
                                   else AnimatorFactory(), body=f"Message {k}"))
        db.session.flush()

    thread(N)
    small = queries(client, url)
    thread(2 * N)
    assert queries(client, url) == small


@pytest.fixture
def committee_world(app):
    """A convened session with its invited organisations, each with a member."""
    animator = AnimatorFactory()
    members = [MemberFactory() for _ in range(3)]
    session = committee.create_session(animator, starts_at=utcnow() + timedelta(days=10),
                                       place="Lyon",
                                       organisations=[m.organisation for m in members])
    db.session.flush()

    def add_items(n):
        for _ in range(n):
            dossier = DraftFactory(state="retained")
            dossier.number = f"MP-2026-{9000 + dossier.id}"
            item = committee.add_item(session, dossier, animator)
            db.session.flush()
            for member in members:
                db.session.add(Position(item=item, organisation=member.organisation,
                                        stance=Stance.SUPPORTS, offer_kinds=["financing"],
                                        amount_cents=100000, updated_by=member))
        db.session.flush()

    return animator, members, session, add_items


def test_committee_live_grid_queries_do_not_grow_with_the_agenda(app, committee_world):
    animator, _members, session, add_items = committee_world
    client = app.test_client()
    login(client, animator)
    url = f"/instruction/comites/{session.id}/grille"
    add_items(N)
    small = queries(client, url)
    add_items(2 * N)
    assert queries(client, url) == small


def test_members_session_page_queries_do_not_grow_with_the_agenda(app, committee_world):
    _animator, members, session, add_items = committee_world
    session.positions_open_early = True
    client = app.test_client()
    login(client, members[0])
    url = f"/comite/seances/{session.id}"
    add_items(N)
    small = queries(client, url)
    add_items(2 * N)
    assert queries(client, url) == small


def test_reporting_page_queries_do_not_grow_with_the_conventions(app):
    animator = AnimatorFactory()
    organisations = [OrganisationFactory() for _ in range(2)]
    client = app.test_client()
    login(client, animator)
    year = utcnow().year
    url = f"/rapports/?year={year}"

    def conventions(n):
        for _ in range(n):
            dossier = submitted_dossier()
            dossier.state = "conventioned"
            for organisation in organisations:
                convention = Convention(dossier=dossier, organisation=organisation,
                                        kind="financing", state="active",
                                        committed_cents=300000, signed_at=utcnow(),
                                        start_date=date(year, 1, 1))
                convention.payments.append(Payment(planned_date=date(year, 2, 1),
                                                   amount_cents=100000,
                                                   paid_date=date(year, 2, 1),
                                                   paid_amount_cents=100000))
                db.session.add(convention)
        db.session.flush()

    conventions(N)
    small = queries(client, url)
    conventions(2 * N)
    assert queries(client, url) == small

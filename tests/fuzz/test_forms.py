"""Every form and query of the site, fed anything: any text, size and encoding, fields missing,
duplicated or unknown. Never a server error; a refusal writes nothing and says why.

The routes, their URLs and the role that may use each come from the access matrix
(``tests/core/test_access_matrix.py``): a new route is fuzzed as soon as it is in the matrix.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from hypothesis import given, settings
from sqlalchemy import text as sql
from wtforms.fields.core import UnboundField

from murporteur.extensions import db
from murporteur.settings import PROJECT_ROOT
from tests.core.test_access_matrix import LOGIN, ROUTES, world  # noqa: F401
from tests.fuzz.strategies import FUZZ, form_body, query_string

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
#: Who tries each route: the first of these the matrix lets in.
ROLE_ORDER = ("animator", "member", "admin", "holder", "anonymous")
#: Routes whose success is leaving (logging out would end the fuzzing session itself).
NOT_FUZZED = {"accounts.logout", "accounts.forget_device"}
#: Pages that build a PDF, a spreadsheet or charts: a few examples are enough (their queries
#: are parsed by the same code as the pages'), the time goes to the forms.
HEAVY = {"reporting.yearly_report", "reporting.dashboard", "reporting.export_conventions",
         "reporting.export_payments", "triage.export", "committee.download_minutes",
         "members.download_minutes", "signing.preview_dossier_document"}


def _settings(endpoint: str):
    return settings(FUZZ, max_examples=3) if endpoint in HEAVY else FUZZ


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def field_names() -> list[str]:
    """Every field name of every form, and every name the views read from the request."""
    import importlib
    import pkgutil

    import murporteur

    for module in pkgutil.walk_packages(murporteur.__path__, "murporteur."):
        if module.name.rsplit(".", 1)[-1].startswith(("forms", "views", "token_views")):
            importlib.import_module(module.name)
    names = set()
    for form in _all_subclasses(FlaskForm):
        for klass in form.__mro__:
            names |= {n for n, v in vars(klass).items() if isinstance(v, UnboundField)}
    source = "\n".join(p.read_text() for p in (PROJECT_ROOT / "murporteur").rglob("*.py"))
    names |= set(re.findall(r'request\.(?:form|args|values)\.(?:get|getlist)\(\s*"([^"]+)"',
                            source))
    return sorted(names - {"csrf_token"})


def _role_for(expected: dict) -> str | None:
    for role in ROLE_ORDER:
        if expected.get(role) not in (LOGIN, 401, 403, 404):
            return role
    return None


def _fuzzed(methods: tuple[str, ...]):
    cases = []
    for endpoint, (method, template, expected) in ROUTES.items():
        if endpoint in NOT_FUZZED or endpoint.startswith("api.") or method not in methods:
            continue
        role = _role_for(expected)
        if role is not None:
            cases.append(pytest.param(endpoint, template, role, id=endpoint))
    return cases


#: Where a refused send of a POST-redirect-GET form keeps what was typed and refused for the
#: page the browser is sent to (``submissions.staging``): the one row a refusal may write.
KEPT_FOR_THE_GET = "staged_form"


def _row_counts() -> tuple:
    """The number of rows of every table, in one query."""
    tables = sorted(db.metadata.tables)
    query = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    return tuple(db.session.execute(sql(query)).one())


def _but_kept(counts: tuple) -> tuple:
    """The row counts, but the table of refused sends kept for their GET."""
    return tuple(n for t, n in zip(sorted(db.metadata.tables), counts, strict=True)
                 if t != KEPT_FOR_THE_GET)


def _client(app, users, role):
    """A browser logged in as ``role`` (the session written directly: the login form, and
    its deliberately slow Argon2 check, are tested elsewhere)."""
    client = app.test_client()
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = users[role].get_id()
            session["_fresh"] = True
        assert client.get("/notifications").status_code == 200
    return client


def _says_why(response, *, refused_form: bool = False) -> bool:
    """A refused form is shown again with its errors (in answer to the POST, 422, or by the
    GET a POST-redirect-GET form sends the browser to); any other refusal is an error page."""
    html = response.get_data(as_text=True)
    if response.status_code == 422 or refused_form:
        return any(mark in html for mark in ('class="field-error"', 'class="error-summary"',
                                             'class="flash'))
    return "<h1>" in html


NAMES = field_names()
POSTED = _fuzzed(STATE_CHANGING)
# The pages shown by GET (and the forms among them that post to themselves: login, the idea
# form, links...).
GET_AND_POST = _fuzzed(("GET",))


def _send(client, method, url, body, token):
    if method == "GET":
        return client.get(url)
    return client.post(url, data=f"csrf_token={token}&{body}", csrf=False,
                       content_type="application/x-www-form-urlencoded")


def _check(endpoint, method, response, before, client=None):
    where = f"{method} {endpoint} answered {response.status_code}"
    assert response.status_code < 500, f"{where}: {response.get_data(as_text=True)[:2000]}"
    if method == "POST" and response.status_code == 303:
        # A refusal, POST-redirect-GET (the idea form; successes answer 302): nothing written
        # but the one row that keeps what was typed for the GET, which says why.
        db.session.rollback()
        after = _row_counts()
        assert _but_kept(after) == _but_kept(before), f"{where} but wrote rows"
        assert sum(after) - sum(before) <= 1, f"{where} but kept more than one send"
        shown = client.get(response.headers["Location"])
        assert shown.status_code == 200, f"{where}, then its GET {shown.status_code}"
        assert _says_why(shown, refused_form=True), \
            f"{where}, its GET without saying why: {shown.get_data(as_text=True)[:2000]}"
    elif method == "POST" and response.status_code >= 400:
        db.session.rollback()
        assert _row_counts() == before, f"{where} but wrote rows"
        if response.mimetype == "text/html":
            assert _says_why(response), f"{where} without saying why: " \
                                        f"{response.get_data(as_text=True)[:2000]}"


def _fuzz_route(app, client, token, endpoint, url, method):
    also_post = method == "GET" and endpoint not in NOT_FUZZED and any(
        "POST" in rule.methods for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)

    @_settings(endpoint)
    @given(query=query_string(NAMES), body=form_body(NAMES))
    def attempt(query, body):
        target = f"{url}?{query}" if method == "GET" or also_post else url
        db.session.commit()
        before = _row_counts() if method == "POST" else None
        _check(endpoint, method, _send(client, method, target, body, token), before, client)
        if also_post:
            db.session.commit()
            before = _row_counts()
            _check(endpoint, "POST", _send(client, "POST", target, body, token), before,
                   client)

    attempt()


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_every_form_and_page_takes_anything_without_failing(app, world, role):  # noqa: F811
    """Each route this role may use, fuzzed in turn on one world (built once per role: the
    suite stays under a minute)."""
    users, values = world
    client = _client(app, users, role)
    token = client.csrf_token()
    posted = [(c.values[0], c.values[1], "POST") for c in POSTED if c.values[2] == role]
    shown = [(c.values[0], c.values[1], "GET") for c in GET_AND_POST if c.values[2] == role]
    for endpoint, template, method in shown + posted:
        _fuzz_route(app, client, token, endpoint, template.format(**values), method)


def test_the_fuzzed_routes_cover_the_matrix():
    fuzzed = {case.values[0] for case in POSTED + GET_AND_POST}
    web = {e for e in ROUTES if not e.startswith("api.")} - NOT_FUZZED
    # Every route someone may use is fuzzed (the API has its own fuzz test and schemathesis).
    unreachable = {e for e in web if _role_for(ROUTES[e][2]) is None}
    assert fuzzed == web - unreachable
    assert len(NAMES) > 50 and "email" in NAMES and "action" in NAMES
    assert Path(__file__).parent.joinpath("test_api.py").exists()

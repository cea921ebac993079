"""Thin views: a refusal comes back at its field with 422 and nothing lost, access is asked of
one loader, and a request commits once, at its end, only when it succeeded."""

import pytest
from flask import Blueprint, render_template_string
from flask_wtf import FlaskForm
from wtforms import StringField

from murporteur.accounts.models import Organisation, OrganisationKind
from murporteur.core import policy
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.extensions import db
from tests.conftest import make_app


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


PAGE = "{% for e in form.name.errors %}<p class=err>{{ e }}</p>{% endfor %}" \
       "<input value='{{ form.name.data or '' }}'>"


class Conflict(DomainError):
    status = 409


@pytest.fixture
def shell(tmp_path):
    """An app of its own on a fresh SQLite file, with a few routes that use the helpers."""
    app = make_app(f"sqlite:///{tmp_path / 'handling.db'}", tmp_path, WTF_CSRF_ENABLED=False)
    bp = Blueprint("handling_test", __name__)

    @bp.post("/t/create")
    def create():
        form = NameForm()
        on_refusal(form, "name", lambda exc: render_template_string(PAGE, form=form))
        db.session.add(Organisation(name=form.name.data, kind=OrganisationKind.LANDLORD))
        db.session.flush()
        if form.name.data == "refused":
            raise DomainError("Ce nom est refusé.")
        if form.name.data == "taken":
            raise Conflict("Quelqu'un l'a pris entre-temps.")
        return "", 302, {"Location": "/"}

    @bp.post("/t/side")
    def side():
        raise DomainError("Pas maintenant.")

    @bp.post("/t/denied")
    def denied():
        raise AccessDenied("Non.")

    @bp.get("/t/org/<int:ident>")
    def show(ident):
        org = get_or_404(Organisation, ident, may=lambda _user, o: o.name != "secret")
        return org.name

    app.register_blueprint(bp)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()


def _names(app):
    with app.app_context():
        return [o.name for o in db.session.query(Organisation).all()]


def test_a_refusal_comes_back_at_its_field_with_what_was_typed_and_nothing_written(shell):
    answer = shell.test_client().post("/t/create", data={"name": "refused"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "<p class=err>Ce nom est refusé.</p>" in page and "value='refused'" in page
    assert _names(shell) == []


def test_a_request_that_succeeds_commits_once_at_its_end(shell):
    assert shell.test_client().post("/t/create", data={"name": "Alliade"}).status_code == 302
    assert _names(shell) == ["Alliade"]


def test_a_side_form_refused_goes_back_to_its_page_with_the_message(shell):
    client = shell.test_client()
    answer = client.post("/t/side", headers={"Referer": "http://localhost/t/page?x=1"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/t/page?x=1"
    with client.session_transaction() as session:
        assert ("error", "Pas maintenant.") in session["_flashes"]


def test_a_refusal_from_elsewhere_is_a_page_that_says_it(shell):
    answer = shell.test_client().post("/t/side", headers={"Referer": "http://evil.test/"})
    assert answer.status_code == 422 and "Pas maintenant." in answer.get_data(as_text=True)


def test_access_denied_outside_a_form_is_forbidden(shell):
    assert shell.test_client().post("/t/denied").status_code == 403


def test_the_loader_hides_what_the_policy_refuses_as_if_it_did_not_exist(shell):
    with shell.app_context():
        db.session.add_all([Organisation(name="Dynacité", kind=OrganisationKind.LANDLORD),
                            Organisation(name="secret", kind=OrganisationKind.PARTNER)])
        db.session.commit()
        ids = {o.name: o.id for o in db.session.query(Organisation)}
    client = shell.test_client()
    assert client.get(f"/t/org/{ids['Dynacité']}").get_data(as_text=True) == "Dynacité"
    assert client.get(f"/t/org/{ids['secret']}").status_code == 404
    assert client.get("/t/org/999999").status_code == 404


def test_a_permission_is_declared_once_and_asked_by_name():
    rule = policy.permission("test_view_even")(lambda _user, n: n % 2 == 0)
    assert policy.can("test_view_even", 4, user=object())
    assert not policy.can("test_view_even", 3, user=object())
    with pytest.raises(ValueError):
        policy.permission("test_view_even")(lambda _user, _n: True)
    with pytest.raises(LookupError):
        policy.can("no_such_permission", user=object())
    assert policy.permission("test_view_even")(rule) is rule  # the same rule again is fine


def test_a_refusal_that_names_its_status_is_answered_with_it(shell):
    answer = shell.test_client().post("/t/create", data={"name": "taken"})
    assert answer.status_code == 409
    assert "<p class=err>Quelqu&#39;un l&#39;a pris entre-temps.</p>" in answer.get_data(
        as_text=True)
    assert _names(shell) == []

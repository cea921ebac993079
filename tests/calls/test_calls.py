"""Calls and needs: writing and approval, answers through the idea form with their questions
checked at the field, the closing date, versioned questions, comparison, agenda, figures."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from murporteur.calls import services
from murporteur.calls.models import Call, CallAnswer, CallKind, CallQuestion, QuestionKind
from murporteur.calls.tasks import remind_closing_drafts
from murporteur.calls.workflow import CallState
from murporteur.committee import services as committee
from murporteur.committee.models import AgendaItem
from murporteur.core.errors import AccessDenied
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.notifications.models import NotificationPreference
from murporteur.submissions.models import Dossier
from tests.conftest import login
from tests.factories import HolderFactory, MemberFactory, OrganisationFactory
from tests.helpers import outbox, sent_back, text
from tests.submissions.test_idea_form import answers

TODAY = paris_today()
START = datetime(2027, 1, 12, 13, 0, tzinfo=UTC)


def make_call(author, *, questions=(), state=CallState.PUBLISHED, opens=-5, closes=20,
              organisations=(), kind=CallKind.CALL, title="Rez-de-chaussée à occuper"):
    call = services.create_call(
        author, [o.id for o in organisations], kind=kind, title=title,
        body="Un local de 80 m² attend un projet.", neighbourhoods="Mas du Taureau", qpv=True,
        themes=["social_link"], offers=["premises", "financing"], envelope_cents=1_500_000,
        premises="12 rue des Tilleuls", opens_on=TODAY + timedelta(days=opens),
        closes_on=TODAY + timedelta(days=closes))
    for kind_, label, required, choices in questions:
        services.add_question(call, author, services.QuestionData(
            kind_, label, f"EN {label}", required,
            [{"fr": c, "en": f"{c} (en)"} for c in choices]))
    if state == CallState.PUBLISHED:
        services.transition(call, "publish", author)
    return call


QUESTIONS = (
    (QuestionKind.NUMBER, "Surface souhaitée (m²)", True, ()),
    (QuestionKind.SINGLE, "Ouverture le soir", True, ("Oui", "Non")),
    (QuestionKind.MULTIPLE, "Publics", False, ("Jeunes", "Seniors", "Familles")),
    (QuestionKind.DATE, "Date de démarrage", False, ()),
    (QuestionKind.SHORT_TEXT, "Partenaire principal", False, ()),
    (QuestionKind.LONG_TEXT, "Expérience", False, ()),
)


def field(call, label):
    return next(q for q in call.current_questions if q.label_fr == label).field_name


def post_idea(client, call, url=None, **overrides):
    return client.post(url or f"/deposer?appel={call.id}", data=answers(
        appel=str(call.id), **overrides), content_type="multipart/form-data")


@pytest.fixture
def call(animator):
    return make_call(animator, questions=QUESTIONS)


def good(call, **more):
    return {field(call, "Surface souhaitée (m²)"): "80,5",
            field(call, "Ouverture le soir"): "Oui",
            field(call, "Publics"): ["Jeunes", "Familles"], **more}


# --- Public pages -------------------------------------------------------------------------

def test_open_calls_are_listed_with_filters_and_on_the_landing_page(client, animator, call):
    closed = make_call(animator, title="Appel clos", opens=-30, closes=-1)
    draft = make_call(animator, title="Appel en brouillon", state=CallState.DRAFT)
    page = text(client.get("/appels"))
    assert call.title in page and closed.title not in page and draft.title not in page
    assert "Répondre" in page and "15 000" in page
    assert call.title not in text(client.get("/appels?theme=food"))
    assert call.title in text(client.get("/appels?theme=social_link&offer=premises&qpv=1"))
    assert call.title not in text(client.get("/appels?kind=need"))
    assert client.get("/appels?kind=<script>&theme=zzz&q=" + "x" * 500).status_code == 200
    assert call.title in text(client.get("/"))
    assert client.get(f"/appels/{draft.id}").status_code == 404
    show = client.get(f"/appels/{call.id}").get_data(as_text=True)
    assert f"/deposer?appel={call.id}" in show and "Surface souhaitée" in show


def test_answering_opens_the_idea_form_with_the_call_questions_in_their_section(client, call):
    response = client.get(f"/deposer?appel={call.id}")
    html = response.get_data(as_text=True)
    assert '<section id="section-call"' in html and "Questions de l'appel" in text(response)
    assert f'<input type="hidden" name="appel" value="{call.id}">' in html
    for _kind, label, *_ in QUESTIONS:
        assert label in html


# --- Answers checked against their questions ----------------------------------------------

@pytest.mark.parametrize("label,value,message", [
    ("Surface souhaitée (m²)", "beaucoup", "Indiquez un nombre"),
    ("Ouverture le soir", "Peut-être", "Choisissez parmi les réponses proposées"),
    ("Date de démarrage", "31/02/2027", "Indiquez une date"),
    ("Date de démarrage", "3027-01-01", "entre 1900 et 2100"),
    ("Partenaire principal", "x" * 301, "trop long"),
    ("Expérience", "x" * 5001, "trop long"),
])
def test_each_answer_is_checked_against_its_type_at_its_field(client, call, label, value,
                                                             message):
    name = field(call, label)
    response = sent_back(client, post_idea(
        client, call, **good(call, **{name: value}), title="Atelier vélo"))
    html = response.get_data(as_text=True)
    assert f'id="{name}-error"' in html and message in text(response)
    assert 'value="Atelier vélo"' in html  # nothing typed is lost
    assert db.session.scalar(select(func.count(Dossier.id))) == 0


def test_a_choice_outside_the_list_of_a_multiple_question_is_refused(client, call):
    name = field(call, "Publics")
    response = sent_back(client, post_idea(
        client, call, **good(call, **{name: ["Jeunes", "Robots"]})))
    assert f'id="{name}-error"' in response.get_data(True)


def test_required_answers_are_needed_to_send_not_to_save_a_draft(client, call):
    response = sent_back(client, post_idea(
        client, call, **{field(call, "Partenaire principal"): "La MJC"}))
    html = response.get_data(as_text=True)
    assert f'id="{field(call, "Surface souhaitée (m²)")}-error"' in html
    assert f'id="{field(call, "Ouverture le soir")}-error"' in html
    assert 'value="La MJC"' in html
    response = post_idea(client, call, action="save",
                         **{field(call, "Partenaire principal"): "La MJC"})
    assert response.status_code == 302
    draft = db.session.scalars(select(Dossier)).one()
    saved = services.answers_by_key(services.response_of(draft))
    assert {a.question.label_fr: a.value for a in saved.values()}["Partenaire principal"] \
        == "La MJC"
    # The draft's page finds its call without the parameter, with the answer kept.
    page = client.get(response.headers["Location"])
    assert "Questions de l'appel" in text(page) and 'value="La MJC"' in page.get_data(True)


def test_a_complete_answer_is_sent_and_stored_typed(client, call):
    response = post_idea(client, call, **good(call, **{
        field(call, "Date de démarrage"): "2027-03-01"}))
    assert response.status_code == 302, text(response)
    dossier = db.session.scalars(select(Dossier)).one()
    assert dossier.number
    values = {a.question.label_fr: a.value for a in services.response_of(dossier).answers}
    assert values["Surface souhaitée (m²)"] == 80.5
    assert values["Publics"] == ["Jeunes", "Familles"]
    assert values["Date de démarrage"] == "2027-03-01"


def test_a_file_question_takes_a_checked_file(client, animator):
    from tests import files

    call = make_call(animator, questions=((QuestionKind.FILE, "Plan", True, ()),))
    name = field(call, "Plan")
    response = sent_back(client, post_idea(
        client, call, **{name: files.upload(b"MZ not a pdf", "plan.exe")}))
    assert "pas d'un type accepté" in text(response)
    response = sent_back(client, post_idea(client, call))
    assert f'id="{name}-error"' in response.get_data(True)
    response = post_idea(client, call, **{name: files.upload(files.pdf(), "plan.pdf")})
    assert response.status_code == 302
    answer = db.session.scalars(select(CallAnswer)).one()
    assert answer.document.original_name == "plan.pdf"


# --- Dates --------------------------------------------------------------------------------

def test_after_the_closing_date_answers_are_refused_with_a_clear_message(client, animator):
    call = make_call(animator, opens=-30, closes=-1)
    response = sent_back(client, post_idea(client, call))
    assert "Cet appel est clos depuis le" in text(response)
    assert db.session.scalar(select(func.count(Dossier.id))) == 0
    assert "Cet appel est clos" in text(client.get(f"/appels/{call.id}"))


def test_a_draft_of_a_call_that_has_closed_cannot_be_sent(client, animator):
    call = make_call(animator)
    response = post_idea(client, call, action="save")
    assert response.status_code == 302
    call.closes_on = TODAY - timedelta(days=1)
    call.opens_on = TODAY - timedelta(days=10)
    db.session.flush()
    draft_id = db.session.scalars(select(Dossier)).one().public_id
    response = sent_back(client, client.post(
        response.headers["Location"], data=answers(),
        content_type="multipart/form-data"))
    assert "Cet appel est clos" in text(response)
    assert "Envoyer mon idée sans la lier à cet appel" in text(response)
    assert db.session.scalars(select(Dossier)).one().is_draft
    # The holder may send it as an idea of its own instead.
    response = client.post(f"/deposer/{draft_id}", data=answers(appel_detacher="1"),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    dossier = db.session.scalars(select(Dossier)).one()
    assert dossier.number and services.response_of(dossier) is None


def test_a_call_not_yet_open_or_unknown_takes_no_answer(client, animator):
    call = make_call(animator, opens=2, closes=10)
    assert "Cet appel ouvre le" in text(sent_back(client, post_idea(client, call)))
    response = sent_back(client, client.post(
        "/deposer?appel=999999", data=answers(appel="999999"),
        content_type="multipart/form-data"))
    assert "n'existe pas" in text(response)


def test_drafts_are_reminded_three_days_before_closing_once(client, animator):
    call = make_call(animator, closes=3)
    post_idea(client, call, action="save")
    other = make_call(animator, closes=4, title="Autre appel")
    post_idea(client, other, action="save", email="autre@example.org")
    assert remind_closing_drafts() == 1
    commit_and_dispatch()
    reminder, = outbox("call_closing_reminder")
    assert reminder.recipient_email == "amina@example.org"
    assert call.title in reminder.subject and "/lien/" in reminder.text_body
    remind_closing_drafts()
    commit_and_dispatch()
    assert len(outbox("call_closing_reminder")) == 1


# --- Questions versioned ------------------------------------------------------------------

def test_a_question_changed_after_answers_keeps_the_old_answers_readable(
        client, animator, animator_client, call):
    post_idea(client, call, **good(call))
    question = next(q for q in call.current_questions if q.label_fr == "Ouverture le soir")
    newer = services.change_question(question, animator, services.QuestionData(
        QuestionKind.SINGLE, "Horaires du soir", "", True,
        [{"fr": "Jusqu'à 20 h", "en": ""}, {"fr": "Jusqu'à 22 h", "en": ""}]))
    assert newer.id != question.id and newer.version == 2 and question.retired_at
    assert db.session.get(CallQuestion, question.id).label_fr == "Ouverture le soir"
    page = text(animator_client.get(f"/appels/{call.id}/reponses"))
    assert "Horaires du soir" in page and "Oui" in page
    assert "à la version 1 : Ouverture le soir" in page
    # The dossier's page keeps the answer with the question it answered.
    number = db.session.scalars(select(Dossier)).one().number
    page = text(animator_client.get(f"/instruction/dossiers/{number}"))
    assert f"En réponse à « {call.title} »" in page
    assert "Ouverture le soir (version 1) Oui" in page and "Surface souhaitée (m²) 80,5" in page
    # Before any answer, a change is made in place.
    unanswered = next(q for q in call.current_questions if q.label_fr == "Expérience")
    assert services.change_question(unanswered, animator, services.QuestionData(
        QuestionKind.LONG_TEXT, "Vos expériences", "", False, [])) is unanswered


def test_a_choice_question_needs_two_choices(animator_client, call):
    response = animator_client.post(f"/appels/{call.id}/questions", data={
        "kind": "single", "label_fr": "Lequel ?", "choices_fr": "Un seul"})
    assert response.status_code == 422 and "au moins deux réponses" in text(response)
    assert 'value="Lequel ?"' in response.get_data(as_text=True)


# --- Writing and approval -----------------------------------------------------------------

def call_form(**overrides):
    data = {"kind": "need", "title": "Entretien des espaces verts",
            "body": "Une régie de quartier ?", "neighbourhoods": "La Duchère",
            "themes": ["reuse"], "offers": ["order"], "envelope": "12 000",
            "opens_on": TODAY.isoformat(), "closes_on": (TODAY + timedelta(days=30)).isoformat(),
            "session_id": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_animator_writes_adds_a_question_and_publishes(animator_client):
    response = animator_client.post("/appels/nouveau", data=call_form(kind="call"))
    assert response.status_code == 302
    new = db.session.scalars(select(Call)).one()
    assert new.envelope_cents == 1_200_000 and new.state == CallState.DRAFT
    response = animator_client.post(f"/appels/{new.id}/questions", data={
        "kind": "number", "label_fr": "Combien de salariés ?", "label_en": "How many staff?",
        "required": "y"})
    assert response.status_code == 302
    response = animator_client.post(f"/appels/{new.id}/etapes/publish")
    assert response.status_code == 302 and new.state == CallState.PUBLISHED


def test_bad_call_input_is_said_at_the_field_and_kept(animator_client):
    response = animator_client.post("/appels/nouveau", data=call_form(
        title="", envelope="beaucoup", closes_on="hier", kind="autre"))
    assert response.status_code == 422
    page = text(response)
    assert "Donnez un titre." in page and "Indiquez un montant en euros" in page
    assert "Indiquez une date valide" in page
    assert 'value="beaucoup"' in response.get_data(as_text=True)
    response = animator_client.post("/appels/nouveau", data=call_form(
        closes_on=(TODAY - timedelta(days=3)).isoformat()))
    assert response.status_code == 422 and "doit suivre la date d'ouverture" in text(response)
    assert db.session.scalar(select(func.count(Call.id))) == 0


def test_a_member_writes_for_their_organisation_and_cannot_publish_without_approval(
        app, animator_client):
    member = MemberFactory()
    client = app.test_client()
    login(client, member)
    response = client.post("/appels/nouveau", data=call_form())
    assert response.status_code == 302
    need = db.session.scalars(select(Call)).one()
    assert need.organisation_id == member.organisation_id
    assert [o.id for o in need.organisations] == [member.organisation_id]
    assert client.post(f"/appels/{need.id}/etapes/publish").status_code == 403
    assert need.state == CallState.DRAFT
    with pytest.raises(AccessDenied):
        services.transition(need, "publish", member)
    assert client.get("/appels").get_data(as_text=True).count(need.title) == 0
    assert client.post(f"/appels/{need.id}/etapes/ask_approval").status_code == 302
    assert need.state == CallState.PENDING
    asked, = outbox("call_approval_asked")  # the animators hear of it
    assert need.title in asked.subject
    # Once asked, the member no longer edits it; another member never sees it.
    assert client.get(f"/appels/{need.id}/modifier").status_code == 403
    stranger = app.test_client()
    login(stranger, MemberFactory())
    assert stranger.get(f"/appels/{need.id}").status_code == 404
    assert animator_client.post(f"/appels/{need.id}/etapes/send_back").status_code == 422
    assert animator_client.post(f"/appels/{need.id}/etapes/publish").status_code == 302
    assert need.state == CallState.PUBLISHED


def test_a_member_cannot_name_another_organisation(app):
    member = MemberFactory()
    other = OrganisationFactory()
    client = app.test_client()
    login(client, member)
    response = client.post("/appels/nouveau", data=call_form(organisations=[str(other.id)]))
    assert response.status_code == 422
    assert "Choisissez parmi les organisations proposées." in text(response)


# --- The animators' side ------------------------------------------------------------------

def _sent(client, call, email):
    response = post_idea(client, call, email=email,
                         **(good(call) if call.current_questions else {}))
    assert response.status_code == 302, text(response)
    return db.session.scalars(select(Dossier).order_by(Dossier.id.desc())).first()


def test_comparison_table_with_exports(app, animator_client, call):
    first = _sent(app.test_client(), call, "a@example.org")
    _sent(app.test_client(), call, "b@example.org")
    page = text(animator_client.get(f"/appels/{call.id}/reponses"))
    assert "2 réponses envoyées" in page and first.number in page and "80,5" in page
    assert "Jeunes, Familles" in page
    response = animator_client.get(f"/appels/{call.id}/reponses.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=response.get_data(as_text=True)[0:1] and ";"
                           if ";" in response.get_data(as_text=True).splitlines()[0] else ","))
    assert "Surface souhaitée (m²)" in rows[0] and len(rows) == 3
    response = animator_client.get(f"/appels/{call.id}/reponses.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(1, 6).value == "Surface souhaitée (m²)" and sheet.max_row == 3
    assert animator_client.get(f"/appels/{call.id}/reponses.pdf").status_code == 404


def test_the_dashboard_filters_by_call(app, animator_client, call):
    dossier = _sent(app.test_client(), call, "a@example.org")
    other = make_call(call.created_by, title="Autre appel")
    page = text(animator_client.get(f"/instruction/?tab=all&call={call.id}"))
    assert dossier.number in page
    page = text(animator_client.get(f"/instruction/?tab=all&call={other.id}"))
    assert dossier.number not in page


def test_several_answers_put_on_an_agenda_at_once_or_none(app, animator, animator_client,
                                                          call):
    one = _sent(app.test_client(), call, "a@example.org")
    two = _sent(app.test_client(), call, "b@example.org")
    session = committee.create_session(animator, starts_at=START, place="Maison de l'ESS",
                                       organisations=[OrganisationFactory()])
    one.state = "retained"
    db.session.flush()
    response = animator_client.post(f"/appels/{call.id}/reponses/ordre-du-jour", data={
        "session_id": str(session.id), "dossier": [str(one.id), str(two.id)]})
    assert response.status_code == 422 and two.number in text(response)
    assert db.session.scalar(select(func.count(AgendaItem.id))) == 0
    two.state = "retained"
    db.session.flush()
    response = animator_client.post(f"/appels/{call.id}/reponses/ordre-du-jour", data={
        "session_id": str(session.id), "dossier": [str(one.id), str(two.id)]})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(AgendaItem.id))) == 2
    response = animator_client.post(f"/appels/{call.id}/reponses/ordre-du-jour", data={
        "session_id": str(session.id)})
    assert response.status_code == 422 and "Cochez au moins une réponse" in text(response)


def test_members_hear_of_answers_to_their_organisation_need(app, animator):
    landlord = OrganisationFactory(name="Habitat du Rhône")
    member = MemberFactory(organisation=landlord)
    quiet = MemberFactory(organisation=landlord)
    db.session.add(NotificationPreference(user_id=quiet.id, kind="call_answers",
                                          mode="none"))
    need = make_call(animator, kind=CallKind.NEED, organisations=[landlord])
    dossier = _sent(app.test_client(), need, "a@example.org")
    message, = outbox("call_new_answer")
    assert message.recipient_email == member.email
    assert dossier.number in message.subject and need.title in message.text_body


def test_figures_by_call(app, animator_client, call):
    one = _sent(app.test_client(), call, "a@example.org")
    _sent(app.test_client(), call, "b@example.org")
    one.state = "supported"
    one.financing_amount_cents = 500_000
    db.session.flush()
    figures, = [f for f in services.figures() if f.call.id == call.id]
    assert (figures.answers, figures.retained, figures.supported) == (2, 1, 1)
    assert figures.asked_cents == 500_000
    page = text(animator_client.get("/appels/bilan"))
    assert call.title in page and "5 000" in page


def test_answers_stay_with_the_animators(app, call):
    holder = HolderFactory()
    member = MemberFactory()
    for user in (holder, member):
        client = app.test_client()
        login(client, user) if user is member else None
        assert client.get(f"/appels/{call.id}/reponses").status_code in (302, 403)
        assert client.get(f"/appels/{call.id}/reponses.csv").status_code in (302, 403)
        assert client.get("/appels/bilan").status_code in (302, 403)


# --- API ----------------------------------------------------------------------------------

def test_the_api_lists_published_calls_publicly_with_their_questions(client, animator, call):
    draft = make_call(animator, title="Brouillon", state=CallState.DRAFT)
    need = make_call(animator, kind=CallKind.NEED, title="Un besoin")
    body = client.get("/api/v1/calls").get_json()
    titles = [c["title"] for c in body["data"]]
    assert call.title in titles and need.title in titles and draft.title not in titles
    one = client.get(f"/api/v1/calls/{call.id}").get_json()
    assert one["envelope"] == {"cents": 1_500_000, "euros": "15000.00"} and one["open"]
    assert one["questions"][0]["label_fr"] == "Surface souhaitée (m²)"
    assert one["answer_url"].endswith(f"/deposer?appel={call.id}")
    assert [c["title"] for c in client.get("/api/v1/calls?kind=need").get_json()["data"]] \
        == [need.title]
    assert client.get("/api/v1/calls?kind=robot").status_code == 400
    assert client.get(f"/api/v1/calls/{draft.id}").status_code == 404
    for wrong in ("0", "99999999999", "abc"):
        response = client.get(f"/api/v1/calls/{wrong}")
        assert response.status_code == 404 and response.get_json()["error"]["code"] \
            == "not_found"
        assert client.get(f"/appels/{wrong}").status_code == 404
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/calls" in document["paths"] and "/calls/{call_id}" in document["paths"]


# --- Demo ---------------------------------------------------------------------------------

def test_the_demo_has_open_calls_a_closed_one_with_answers_and_a_landlord_need(app, client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    calls = db.session.scalars(select(Call)).all()
    open_calls = [c for c in calls if c.is_open() and c.kind == CallKind.CALL]
    assert len(open_calls) == 2
    assert sorted(len(c.current_questions) for c in open_calls) == [0, 3]
    closed, = [c for c in calls if c.is_closed()]
    assert len(services.responses(closed)) == 3
    need, = [c for c in calls if c.kind == CallKind.NEED]
    assert need.organisation.kind == "landlord" and need.state == CallState.PUBLISHED
    assert [e.transition for e in need.events] == ["ask_approval", "publish"]
    assert "Appels et besoins ouverts" in text(client.get("/"))


def test_a_call_offers_a_unit_of_the_catalogue_of_its_organisations(client, animator_client):
    from murporteur.premises import services as premises
    from tests.factories import OrganisationFactory
    from tests.premises.conftest import unit_values

    landlord, other = OrganisationFactory(name="Lyon Métropole Habitat"), OrganisationFactory()
    ours = premises.save_unit(None, MemberFactory(organisation=landlord), None,
                              **unit_values(title="Rez-de-chaussée rue Pasteur"))
    theirs = premises.save_unit(None, MemberFactory(organisation=other), None, **unit_values())
    db.session.commit()
    refused = animator_client.post("/appels/nouveau", data=call_form(
        organisations=[str(landlord.id)], premises_unit=str(theirs.id)))
    assert refused.status_code == 422 and "Choisissez un local proposé" in text(refused)
    saved = animator_client.post("/appels/nouveau", data=call_form(
        organisations=[str(landlord.id)], premises_unit=str(ours.id), offers=["premises"]))
    assert saved.status_code == 302
    call = db.session.scalars(select(Call)).one()
    assert call.premises_unit_id == ours.id
    call.state = CallState.PUBLISHED
    db.session.commit()
    page = client.get(f"/appels/{call.id}").get_data(as_text=True)
    assert f'href="/locaux/{ours.id}"' in page and "Rez-de-chaussée rue Pasteur" in page

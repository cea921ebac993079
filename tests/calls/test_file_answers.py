"""A call's file question in the idea form (issue 20): the file sent is kept when another
answer is refused, said at its question, counts for a required question on the next send, and
is attached to the answer when the form is saved; a file of a refused type is said at its
field."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from murporteur.calls import services
from murporteur.calls.models import CallAnswer, QuestionKind
from murporteur.extensions import db
from murporteur.submissions.models import Document, Dossier
from tests import files
from tests.calls.test_calls import field, make_call, post_idea
from tests.helpers import sent_back, text

PLAN = "Plan du local"
SURFACE = "Surface souhaitée (m²)"


@pytest.fixture
def call(animator):
    return make_call(animator, questions=(
        (QuestionKind.FILE, PLAN, True, ()),
        (QuestionKind.NUMBER, SURFACE, False, ())))


def test_a_file_answer_is_kept_when_another_answer_is_refused(client, call):
    plan, surface = field(call, PLAN), field(call, SURFACE)
    page = sent_back(client, post_idea(client, call, **{
        plan: files.upload(files.pdf(), "plan.pdf"), surface: "beaucoup"}))
    html = page.get_data(as_text=True)
    assert f'id="{surface}-error"' in html and f'id="{plan}-error"' not in html
    assert "Fichier déjà joint : plan.pdf ( remplacer )" in text(page)
    assert f'<label for="{plan}" class="label-inline">' in html
    # Kept with its question, not among the form's own documents.
    assert "Fichiers déjà joints" not in text(page)
    assert db.session.scalar(select(func.count(Dossier.id))) == 0
    # Sent again, the number fixed and no file chosen: the file kept is the answer.
    response = post_idea(client, call, **{surface: "80"})
    assert response.status_code == 302, text(response)
    dossier = db.session.scalars(select(Dossier)).one()
    answer = db.session.scalars(select(CallAnswer).where(
        CallAnswer.question_id == call.current_questions[0].id)).one()
    assert answer.document.original_name == "plan.pdf"
    assert answer.document.dossier_id == dossier.id and answer.document.staging_key is None
    assert dossier.number and len(dossier.documents) == 1


def test_a_required_file_already_kept_satisfies_required_on_the_next_send(client, call):
    plan = field(call, PLAN)
    page = sent_back(client, post_idea(client, call, summary="", **{
        plan: files.upload(files.pdf(), "plan.pdf")}))
    assert 'id="summary-error"' in page.get_data(as_text=True)
    assert f'id="{plan}-error"' not in page.get_data(as_text=True)
    response = post_idea(client, call)
    assert response.status_code == 302, text(response)
    answer, = services.response_of(db.session.scalars(select(Dossier)).one()).answers
    assert answer.document.original_name == "plan.pdf"


def test_without_a_file_kept_a_required_file_question_is_refused(app, client, call):
    page = sent_back(client, post_idea(client, call))
    assert f'id="{field(call, PLAN)}-error"' in page.get_data(as_text=True)
    # Another browser's file is not this one's.
    other = app.test_client()
    sent_back(other, post_idea(other, call, summary="", **{
        field(call, PLAN): files.upload(files.pdf(), "autre.pdf")}))
    page = sent_back(client, post_idea(client, call))
    assert f'id="{field(call, PLAN)}-error"' in page.get_data(as_text=True)
    assert "autre.pdf" not in text(page)


def test_a_file_of_a_refused_type_is_said_at_its_field_and_not_kept(client, call):
    plan = field(call, PLAN)
    page = sent_back(client, post_idea(client, call, **{
        plan: files.upload(b"MZ\x90\x00 an executable", "plan.pdf")}))
    html = page.get_data(as_text=True)
    assert f'id="{plan}-error"' in html
    assert "« plan.pdf » n'est pas d'un type accepté" in text(page)
    assert "Fichier déjà joint" not in text(page)
    assert db.session.scalar(select(func.count(Document.id))) == 0
    page = sent_back(client, post_idea(client, call, **{plan: files.upload(b"", "vide.pdf")}))
    assert "« vide.pdf » est vide." in text(page)


def test_a_hostile_file_name_is_cleaned_and_shown_as_text(client, call):
    plan = field(call, PLAN)
    name = "..\\..\\<img src=x onerror=alert(1)>\x07.pdf"
    page = sent_back(client, post_idea(client, call, summary="", **{
        plan: files.upload(files.pdf(), name)}))
    html = page.get_data(as_text=True)
    assert "<img src=x" not in html
    assert "Fichier déjà joint : &lt;img src=x onerror=alert(1)&gt;.pdf" in html
    document = db.session.scalars(select(Document)).one()
    assert document.original_name == "<img src=x onerror=alert(1)>.pdf"


def test_a_new_file_replaces_the_one_kept_or_saved(client, call):
    plan = field(call, PLAN)
    sent_back(client, post_idea(client, call, summary="", **{
        plan: files.upload(files.pdf(), "premier.pdf")}))
    page = sent_back(client, post_idea(client, call, summary="", **{
        plan: files.upload(files.pdf(), "second.pdf")}))
    assert "Fichier déjà joint : second.pdf" in text(page)
    assert db.session.scalars(select(Document.original_name)).all() == ["second.pdf"]
    response = post_idea(client, call, action="save")
    assert response.status_code == 302
    draft_url = response.headers["Location"]
    page = client.get(draft_url)
    assert "Fichier déjà joint : second.pdf" in text(page)
    assert "Fichiers déjà joints" not in text(page)  # not listed again with the documents
    response = client.post(draft_url, data=_draft(call, **{
        plan: files.upload(files.pdf(), "troisieme.pdf")}), content_type="multipart/form-data")
    assert response.status_code == 302, text(response)
    answer, = services.response_of(db.session.scalars(select(Dossier)).one()).answers
    assert answer.document.original_name == "troisieme.pdf"
    second = db.session.scalars(select(Document).where(
        Document.original_name == "second.pdf")).one()
    assert second.removed  # kept for the history, shown nowhere


def _draft(call, **more):
    from tests.submissions.test_idea_form import answers

    return answers(appel=str(call.id), **more)

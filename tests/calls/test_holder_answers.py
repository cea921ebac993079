"""The holder's own dossier page shows the answers they gave to the call's questions, with
each question as it was when they answered; their files are downloaded by them only."""

from __future__ import annotations

from sqlalchemy import select

from murporteur.calls import services
from murporteur.calls.models import QuestionKind
from murporteur.extensions import db
from murporteur.submissions.models import Dossier
from tests import files
from tests.calls.test_calls import QUESTIONS, field, good, make_call, post_idea
from tests.conftest import login
from tests.factories import _HASH, HolderFactory
from tests.helpers import text

PLAN = "Plan du local"


def _holder():
    return HolderFactory(password_hash=_HASH)  # signs in with the tests' password


def _sent_by(app, holder, call, **answers):
    client = app.test_client()
    login(client, holder)
    response = post_idea(client, call, **answers)
    assert response.status_code == 302, text(response)
    dossier = db.session.scalars(select(Dossier).where(Dossier.holder_id == holder.id)).one()
    return client, dossier


def test_the_holder_reads_their_answers_and_downloads_their_file(app, animator):
    call = make_call(animator, questions=(*QUESTIONS, (QuestionKind.FILE, PLAN, False, ())))
    holder = _holder()
    client, dossier = _sent_by(app, holder, call, **good(call, **{
        field(call, "Date de démarrage"): "2027-03-01",
        field(call, PLAN): files.upload(files.pdf(), "plan-du-local.pdf")}))
    response = client.get(f"/mes-dossiers/{dossier.public_id}")
    assert response.status_code == 200
    page = text(response)
    assert f"Vos réponses à « {call.title} »" in page
    assert "Surface souhaitée (m²) 80,5" in page and "Ouverture le soir Oui" in page
    assert "Publics Jeunes, Familles" in page and "Date de démarrage 01/03/2027" in page
    assert "Plan du local plan-du-local.pdf" in page
    html = response.get_data(as_text=True)
    assert '<dl class="answers">' in html  # one answer under its question: a phone reads it
    document = services.response_of(dossier).answers[-1].document
    link = f"/documents/{document.public_id}"
    assert f'href="{link}"' in html
    download = client.get(link)
    assert download.status_code == 200 and download.data == files.pdf()
    # Nobody else: another holder, a visitor.
    other = app.test_client()
    login(other, _holder())
    assert other.get(link).status_code == 404
    assert app.test_client().get(link).status_code == 404
    assert other.get(f"/mes-dossiers/{dossier.public_id}").status_code == 404


def test_the_holder_reads_the_question_as_it_was_when_they_answered(app, animator):
    call = make_call(animator, questions=QUESTIONS)
    client, dossier = _sent_by(app, _holder(), call, **good(call))
    question = next(q for q in call.current_questions if q.label_fr == "Ouverture le soir")
    services.change_question(question, animator, services.QuestionData(
        QuestionKind.SINGLE, "Horaires du soir", "", True,
        [{"fr": "Jusqu'à 20 h", "en": ""}, {"fr": "Jusqu'à 22 h", "en": ""}]))
    page = text(client.get(f"/mes-dossiers/{dossier.public_id}"))
    assert "Ouverture le soir (question modifiée depuis votre réponse) Oui" in page
    assert "Horaires du soir" not in page
    # In English, the question's English words.
    client.post("/langue", data={"locale": "en"})
    page = text(client.get(f"/mes-dossiers/{dossier.public_id}"))
    assert "Your answers to “" in page and "EN Surface souhaitée (m²) 80.5" in page


def test_an_idea_answering_no_call_shows_no_call_section(app, animator):
    from tests.factories import submitted_dossier

    dossier = submitted_dossier()
    db.session.commit()
    dossier.holder.password_hash = _HASH
    db.session.commit()
    client = app.test_client()
    login(client, dossier.holder)
    page = text(client.get(f"/mes-dossiers/{dossier.public_id}"))
    assert "Vos réponses" in page and "Vos réponses à «" not in page

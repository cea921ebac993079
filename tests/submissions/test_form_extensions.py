"""The idea form's extension point: a section a higher layer adds, checked and saved with
the draft (a test-only extension, registered for each test and taken away after)."""

import pytest
from sqlalchemy import func, select

from murporteur.extensions import db
from murporteur.submissions import extensions
from murporteur.submissions.models import Dossier
from tests.helpers import sent_back, text
from tests.submissions.test_idea_form import answers

SECTION = """
<div class="field">
  <label for="essai-couleur">Couleur préférée</label>
  {% if errors.couleur %}
  <p class="field-error" id="essai-couleur-error">{{ errors.couleur }}</p>
  {% endif %}
  <input id="essai-couleur" name="essai_couleur" value="{{ section.couleur }}">
</div>
"""

SAVED: dict[int, tuple[str, str]] = {}


class Essai(extensions.IdeaFormExtension):
    param = "essai"

    def __init__(self, template):
        self.template = template

    def value_for(self, dossier):
        return SAVED.get(dossier.id, (None, None))[0] if dossier.id else None

    def section(self, value, *, dossier, posted, staging_key):
        if value == "inconnu":
            return None
        if posted is not None:
            colour = posted.get("essai_couleur", "")
        else:
            colour = SAVED.get(dossier.id, ("", ""))[1] if dossier else ""
        return extensions.Section(self.template, "section-essai", f"Essai {value}",
                                  {"couleur": colour})

    def check(self, value, posted, files, *, dossier, submitting, staging_key):
        if value == "inconnu":
            return {"essai": "Cet essai n'existe pas."}
        colour = posted.get("essai_couleur", "").strip()
        if colour and colour not in ("bleu", "vert"):
            return {"couleur": "Choisissez bleu ou vert."}
        if submitting and not colour:
            return {"couleur": "La couleur est nécessaire pour envoyer."}
        return {}

    def save(self, value, dossier, posted, files, *, submitting, staging_key):
        SAVED[dossier.id] = (value, posted.get("essai_couleur", "").strip())
        dossier.support_details = f"couleur : {SAVED[dossier.id][1]}"  # in the transaction


@pytest.fixture
def essai(app):
    SAVED.clear()
    extension = extensions.register(Essai(app.jinja_env.from_string(SECTION)))
    yield extension
    extensions.unregister("essai")
    SAVED.clear()


def _post(client, url="/deposer?essai=un", **overrides):
    return client.post(url, data=answers(**overrides), content_type="multipart/form-data")


def test_without_its_parameter_the_form_has_no_extra_section(client, essai):
    page = client.get("/deposer").get_data(as_text=True)
    assert "section-essai" not in page and 'name="essai"' not in page


def test_the_parameter_adds_its_section_and_a_hidden_input(client, essai):
    html = client.get("/deposer?essai=un").get_data(as_text=True)
    assert '<section id="section-essai"' in html and "Essai un" in html
    assert 'href="#section-essai"' in html
    assert '<input type="hidden" name="essai" value="un">' in html


def test_a_refused_answer_is_at_its_field_with_everything_kept(client, essai):
    response = sent_back(client, _post(client, essai="un", essai_couleur="rouge",
                                       title="Atelier vélo"))
    html = response.get_data(as_text=True)
    assert 'id="essai-couleur-error"' in html and "Choisissez bleu ou vert." in text(response)
    assert 'value="rouge"' in html and 'value="Atelier vélo"' in html
    assert '<input type="hidden" name="essai" value="un">' in html
    assert db.session.scalar(select(func.count(Dossier.id))) == 0


def test_a_draft_is_lenient_a_submission_is_not(client, essai):
    response = sent_back(client, _post(client, essai="un", essai_couleur="", action="submit"))
    assert "La couleur est nécessaire pour envoyer." in text(response)
    response = _post(client, essai="un", essai_couleur="", action="save")
    assert response.status_code == 302
    dossier = db.session.scalars(select(Dossier)).one()
    assert SAVED[dossier.id] == ("un", "") and dossier.is_draft


def test_saved_with_the_draft_and_found_again_for_it(client, essai):
    response = _post(client, essai="un", essai_couleur="vert", action="save")
    assert response.status_code == 302
    dossier = db.session.scalars(select(Dossier)).one()
    assert SAVED[dossier.id] == ("un", "vert") and dossier.support_details == "couleur : vert"
    # The draft's own value, without the parameter in the address.
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Essai un" in html and 'value="vert"' in html
    response = client.post(response.headers["Location"], data=answers(essai_couleur="bleu"),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert SAVED[dossier.id] == ("un", "bleu") and not dossier.is_draft


def test_a_refusal_without_a_section_is_in_the_summary(client, essai):
    response = sent_back(client, _post(client, url="/deposer?essai=inconnu", essai="inconnu"))
    assert "Cet essai n'existe pas." in text(response)
    assert db.session.scalar(select(func.count(Dossier.id))) == 0


def test_a_refused_submission_saves_nothing_of_the_extension(client, essai):
    response = sent_back(client, _post(client, essai="un", essai_couleur="vert", summary=""))
    # Saved, then the submission refused: the whole transaction rolled back.
    assert db.session.scalar(select(func.count(Dossier.id))) == 0
    assert "Cette réponse est nécessaire pour envoyer votre idée." in text(response)
    assert 'value="vert"' in response.get_data(as_text=True)


def test_an_overlong_parameter_is_ignored(client, essai):
    html = client.get("/deposer?essai=" + "x" * 200).get_data(as_text=True)
    assert "section-essai" not in html

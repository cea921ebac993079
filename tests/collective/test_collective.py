"""The collective's settings and reference lists, edited by the admin (issue 15)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from murporteur.audit.models import AuditEntry
from murporteur.collective import references
from murporteur.collective import settings as collective_settings
from murporteur.collective.models import ReferenceEntry
from murporteur.core.errors import DomainError
from murporteur.directory import services as directory
from murporteur.extensions import db
from murporteur.triage.dashboard import deadlines
from tests.conftest import login
from tests.factories import AdminFactory, AnimatorFactory, submitted_dossier
from tests.helpers import text

SETTINGS = "/admin/collectif"


@pytest.fixture
def admin(app):
    return AdminFactory()


@pytest.fixture
def admin_client(app, admin):
    client = app.test_client()
    login(client, admin)
    return client


@pytest.fixture
def environment(app, monkeypatch):
    """Set the collective's environment variables for one test."""

    def set_(**values):
        monkeypatch.setitem(app.config, "COLLECTIVE_ENV", values)
        collective_settings.forget()

    yield set_
    collective_settings.forget()


def _form(**changes):
    values = {f.name: str(f.default) for f in collective_settings.FIELDS}
    values.update(changes)
    return values


def _entry(list_name, key) -> ReferenceEntry:
    return db.session.scalars(select(ReferenceEntry).where(
        ReferenceEntry.list_name == list_name, ReferenceEntry.key == key)).one()


# --- Settings ---------------------------------------------------------------------------------

def test_a_saved_setting_is_read_everywhere_and_audited(app, admin):
    assert deadlines() == (10, 21)
    changed = collective_settings.save(admin, _form(first_call_days="5", name="CRESS AURA"))
    assert set(changed) == {"first_call_days", "name"}
    assert deadlines() == (5, 21)
    assert collective_settings.get("name") == "CRESS AURA"
    db.session.commit()  # the trail is chained when the request commits
    actions = db.session.scalars(select(AuditEntry.subject_id).where(
        AuditEntry.action == "collective_setting.update")).all()
    assert set(actions) == {"first_call_days", "name"}


def test_the_settings_page_saves_and_the_footer_shows_the_contact(admin_client):
    response = admin_client.post(SETTINGS, data=_form(contact_email="accueil@cress.example",
                                                      contact_phone="04 72 00 00 00"))
    assert response.status_code == 302
    page = text(admin_client.get(SETTINGS))
    assert "accueil@cress.example" in page and "04 72 00 00 00" in page


def test_the_environment_wins_and_the_page_says_so(admin_client, environment, app):
    environment(CONTACT_EMAIL="env@cress.example", FIRST_CALL_DAYS="3")
    page = text(admin_client.get(SETTINGS))
    assert "Défini par la variable d'environnement CONTACT_EMAIL" in page
    assert "Défini par la variable d'environnement FIRST_CALL_DAYS" in page
    assert "COLLECTIVE_NAME" not in page
    admin_client.post(SETTINGS, data=_form(contact_email="page@cress.example",
                                           first_call_days="30", region="Bretagne"))
    collective_settings.forget()
    assert collective_settings.get("contact_email") == "env@cress.example"
    assert collective_settings.get("first_call_days") == 3
    assert collective_settings.get("region") == "Bretagne"
    assert deadlines()[0] == 3


@pytest.mark.parametrize("name, value, message", [
    ("committee_slot_minutes", "abc", "entre 5 et 180"),
    ("committee_slot_minutes", "2", "entre 5 et 180"),
    ("first_call_days", "-1", "entre 1 et 365"),
    ("contact_email", "pas-une-adresse", "adresse e-mail valide"),
    ("contact_phone", "appelez-moi", "numéro de téléphone"),
    ("name", "", "obligatoire"),
    ("consent_version", "v 2", "sans espace"),
    ("presentation_fr", "x" * 2001, "2000 caractères"),
])
def test_bad_input_is_refused_at_its_field_and_kept(admin_client, name, value, message):
    response = admin_client.post(SETTINGS, data=_form(region="Occitanie", **{name: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert "Occitanie" in page  # nothing typed is lost
    collective_settings.forget()
    assert collective_settings.get("region") == ""


@pytest.mark.parametrize("value", ["\x00", "é" * 100000, "<script>alert(1)</script>",
                                   "1e9", "9" * 400, "٣"])
def test_hostile_input_never_breaks_the_page(admin_client, value):
    for name in ("committee_slot_minutes", "name", "contact_email", "consent_version"):
        response = admin_client.post(SETTINGS, data=_form(**{name: value}))
        assert response.status_code in (302, 400, 422), (name, value)  # never a 500
    assert "<script>alert" not in admin_client.get("/").get_data(as_text=True)


def test_a_new_consent_wording_needs_a_new_version(app, admin):
    with pytest.raises(DomainError) as refused:
        collective_settings.save(admin, _form(consent_text="J'accepte autre chose."))
    assert refused.value.field == "consent_version"
    collective_settings.save(admin, _form(consent_text="J'accepte autre chose.",
                                          consent_version="2027-01"))
    assert collective_settings.consent_text("2027-01") == "J'accepte autre chose."
    assert collective_settings.consent_text("2026-11") == collective_settings.DEFAULT_CONSENT_TEXT
    # Going back to the old version with its own words is allowed, with other words not.
    with pytest.raises(DomainError):
        collective_settings.save(admin, _form(consent_text="Encore autre chose.",
                                              consent_version="2027-01"))


def test_the_idea_form_shows_the_consent_words_saved(app, admin):
    collective_settings.save(admin, _form(consent_text="Je consens, version 3.",
                                          consent_version="v3"))
    db.session.commit()
    page = app.test_client().get("/deposer").get_data(as_text=True)
    assert "Je consens, version 3." in page


def test_the_landing_page_shows_the_presentation_in_the_readers_language(app, admin):
    collective_settings.save(admin, _form(presentation_fr="Bonjour les quartiers",
                                          presentation_en="Hello neighbourhoods"))
    client = app.test_client()
    assert "Bonjour les quartiers" in client.get("/").get_data(as_text=True)
    client.post("/langue", data={"locale": "en", "csrf_token": client.csrf_token()})
    assert "Hello neighbourhoods" in client.get("/").get_data(as_text=True)


def test_details_done_needs_name_region_and_contact(app, admin, environment):
    assert not collective_settings.details_done()
    collective_settings.save(admin, _form(name="CRESS", region="Bretagne",
                                          contact_email="a@cress.example"))
    assert collective_settings.details_done()
    collective_settings.save(admin, _form(name="CRESS", region="", contact_email="a@b.fr"))
    assert not collective_settings.details_done()
    environment(COLLECTIVE_REGION="Normandie")
    assert collective_settings.details_done()


def test_a_new_committee_session_starts_from_the_default_slot_and_place(app, admin):
    collective_settings.save(admin, _form(committee_slot_minutes="35",
                                          committee_place="Maison de l'ESS"))
    db.session.commit()
    client = app.test_client()
    login(client, AnimatorFactory())
    page = client.get("/instruction/comites/nouvelle").get_data(as_text=True)
    assert 'value="35"' in page and "Maison de l&#39;ESS" in page


# --- Reference lists --------------------------------------------------------------------------

def test_the_lists_are_seeded_with_the_keys_used_so_far(app):
    assert references.keys("theme")[:3] == ["food", "housing_energy", "mobility"]
    assert references.label("support_kind", "financing") == "Un financement"
    assert references.label("structure_kind", "incubator", "en") == "Incubator"


def test_a_duplicate_or_malformed_key_is_refused_at_the_field(admin_client):
    for key, message in (("food", "existe déjà"), ("Circuits courts", "lettres minuscules"),
                         ("", "lettres minuscules")):
        response = admin_client.post("/admin/listes/theme", data={
            "key": key, "label_fr": "Circuits courts", "label_en": "Short supply chains"})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert "Short supply chains" in response.get_data(as_text=True)


def test_english_words_are_required(app, admin):
    with pytest.raises(DomainError) as refused:
        references.create_entry(admin, "theme", "sport", "Sport", " ")
    assert refused.value.field == "label_en"


def test_an_added_entry_is_offered_stored_and_shown_in_english(app, admin):
    references.create_entry(admin, "structure_kind", "third_place", "Tiers-lieu", "Third place")
    assert "third_place" in [k for k, _w in references.choices("structure_kind")]
    structure = directory.save_structure(None, name="La Fabrique", kind="third_place")
    db.session.flush()
    assert structure.kind_label == "Tiers-lieu"
    assert references.label("structure_kind", "third_place", "en") == "Third place"
    db.session.commit()
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "reference_entry.create")) is not None


def test_an_archived_entry_is_not_offered_but_old_dossiers_still_read_it(app, admin):
    from murporteur.triage.forms import QualificationForm
    from murporteur.triage.services import save_qualification

    animator = AnimatorFactory()
    dossier = submitted_dossier()
    save_qualification(dossier, {"themes": ["culture"]}, animator)
    references.set_archived(admin, _entry("theme", "culture"), True)
    with app.test_request_context():
        assert "culture" not in [k for k, _w in QualificationForm().themes.choices]
    db.session.commit()
    client = app.test_client()
    login(client, animator)
    page = text(client.get(f"/instruction/dossiers/{dossier.number}"))
    assert "Culture" in page
    references.set_archived(admin, _entry("theme", "culture"), False)
    assert "culture" in references.keys("theme", archived=False)


def test_the_list_pages_refuse_unknown_lists_and_entries(admin_client):
    assert admin_client.get("/admin/listes/nope").status_code == 404
    other = _entry("support_kind", "pilot").id
    assert admin_client.post(f"/admin/listes/theme/{other}",
                             data={f"e{other}-label_fr": "x", f"e{other}-label_en": "y"}
                             ).status_code == 404
    assert admin_client.post("/admin/listes/theme/999999/archiver").status_code == 404


def test_an_entry_is_renamed_and_reordered_but_keeps_its_key(admin_client):
    food = _entry("theme", "food").id
    response = admin_client.post(f"/admin/listes/theme/{food}", data={
        f"e{food}-label_fr": "Alimentation durable", f"e{food}-label_en": "Sustainable food",
        f"e{food}-position": "999"})
    assert response.status_code == 302
    references.forget()
    assert references.label("theme", "food") == "Alimentation durable"
    assert references.keys("theme")[-1] == "food"
    bad = admin_client.post(f"/admin/listes/theme/{food}", data={
        f"e{food}-label_fr": "", f"e{food}-label_en": "Typed", f"e{food}-position": "x"})
    assert bad.status_code == 422 and "Typed" in bad.get_data(as_text=True)


# --- Labels -----------------------------------------------------------------------------------

def test_an_archived_label_stays_on_its_dossiers_and_is_not_offered(app):
    from murporteur.triage import services as triage

    animator = AnimatorFactory()
    label = triage.create_label("Prioritaire", "red", animator, name_en="Priority")
    dossier = submitted_dossier()
    triage.set_labels(dossier, [label], animator)
    triage.archive_label(label, True, animator)
    assert label not in triage.offered_labels()
    assert label in triage.offered_labels(dossier.labels)
    db.session.commit()
    client = app.test_client()
    login(client, animator)
    assert "Prioritaire" in text(client.get(f"/instruction/dossiers/{dossier.number}"))
    client.post("/langue", data={"locale": "en", "csrf_token": client.csrf_token()})
    assert "Priority" in text(client.get(f"/instruction/dossiers/{dossier.number}"))


# --- API --------------------------------------------------------------------------------------

def test_the_api_gives_a_list_in_the_users_language_with_its_archived_entries(app, admin):
    from murporteur.api.services import create_token

    animator = AnimatorFactory(locale="en")
    references.set_archived(admin, _entry("theme", "culture"), True)
    _token, plain = create_token(animator, "lists")
    db.session.commit()
    client = app.test_client()
    answer = client.get("/api/v1/references/theme",
                        headers={"Authorization": f"Bearer {plain}"}).get_json()["data"]
    food = next(row for row in answer if row["key"] == "food")
    assert food == {"key": "food", "label": "Food", "label_fr": "Alimentation",
                    "label_en": "Food", "archived": False}
    assert next(row for row in answer if row["key"] == "culture")["archived"] is True
    missing = client.get("/api/v1/references/nope", headers={"Authorization": f"Bearer {plain}"})
    assert missing.status_code == 404 and missing.is_json


@pytest.mark.parametrize("value", ["\x00", "é" * 5000, "<b>x</b>", "9" * 400, "٣", "-1"])
def test_hostile_input_on_a_list_never_breaks_it(admin_client, value):
    food = _entry("theme", "food").id
    for url, data in (("/admin/listes/theme", {"key": value, "label_fr": value,
                                               "label_en": value, "position": value}),
                      (f"/admin/listes/theme/{food}", {f"e{food}-label_fr": value,
                                                      f"e{food}-label_en": value,
                                                      f"e{food}-position": value}),
                      (f"/admin/listes/theme/{food}/archiver", {"archived": value})):
        assert admin_client.post(url, data=data).status_code in (302, 400, 422), url
    assert "<b>x</b>" not in admin_client.get("/admin/listes/theme").get_data(as_text=True)


def test_the_footer_names_the_collective_and_its_region(app, admin):
    collective_settings.save(admin, _form(name="CRESS Bretagne", region="Bretagne"))
    db.session.commit()
    assert "CRESS Bretagne (Bretagne)" in text(app.test_client().get("/"))


def test_saving_a_qualification_keeps_an_archived_theme_it_already_had(app, admin):
    from murporteur.triage.services import save_qualification

    animator = AnimatorFactory()
    dossier = submitted_dossier()
    save_qualification(dossier, {"themes": ["culture"]}, animator)
    references.set_archived(admin, _entry("theme", "culture"), True)
    db.session.commit()
    client = app.test_client()
    login(client, animator)
    page = client.get(f"/instruction/dossiers/{dossier.number}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="culture"', page)
    response = client.post(f"/instruction/dossiers/{dossier.number}/qualification",
                           data={"themes": ["culture", "food"]})
    assert response.status_code == 302
    db.session.refresh(dossier.qualification)
    assert dossier.qualification.themes == ["culture", "food"]
    refused = client.post(f"/instruction/dossiers/{dossier.number}/qualification",
                          data={"themes": ["culture", "early_childhood", "nope"]})
    assert refused.status_code == 422


def test_an_archived_structure_kind_is_offered_only_to_the_structures_that_have_it(app, admin):
    structure = directory.save_structure(None, name="Ruche ESS", kind="incubator")
    references.set_archived(admin, _entry("structure_kind", "incubator"), True)
    db.session.commit()
    client = app.test_client()
    login(client, AnimatorFactory())
    assert 'value="incubator"' not in client.get(
        "/instruction/structures/nouvelle").get_data(as_text=True)
    edit = client.get(f"/instruction/structures/{structure.id}/modifier").get_data(as_text=True)
    assert 'value="incubator"' in edit
    assert "Incubateur" in text(client.get("/instruction/structures/?archives=1"))


def test_a_draft_and_a_position_keep_an_archived_kind_of_support_they_hold(app, admin):
    from murporteur.committee import services as committee
    from murporteur.committee.models import Position, Stance
    from murporteur.core.db import utcnow
    from tests.factories import PASSWORD, DraftFactory, HolderFactory, MemberFactory
    from tests.submissions.test_idea_form import answers

    holder = HolderFactory(password_hash=AnimatorFactory().password_hash)
    draft = DraftFactory(holder=holder, support_kinds=["premises", "order"])
    references.set_archived(admin, _entry("support_kind", "premises"), True)
    db.session.commit()
    client = app.test_client()
    login(client, holder, PASSWORD)
    page = client.get(f"/deposer/{draft.public_id}").get_data(as_text=True)
    assert 'value="premises"' in page  # still offered to the draft that holds it
    saved = client.post(f"/deposer/{draft.public_id}", data=answers(
        action="save", support_kinds=["premises", "order"]), content_type="multipart/form-data")
    assert saved.status_code == 302
    db.session.refresh(draft)
    assert set(draft.support_kinds) == {"premises", "order"}
    fresh = app.test_client().get("/deposer").get_data(as_text=True)
    assert 'value="premises"' not in fresh  # a new idea is not offered it
    # A member's position that offered it keeps it when saved again.
    member = MemberFactory()
    dossier = submitted_dossier()
    dossier.state = "retained"
    animator = AnimatorFactory()
    session = committee.create_session(animator, starts_at=utcnow(), place="Lyon",
                                       organisations=[member.organisation])
    item = committee.add_item(session, dossier, animator)
    db.session.add(Position(item_id=item.id, organisation_id=member.organisation_id,
                            stance=Stance.SUPPORTS, offer_kinds=["premises"]))
    db.session.commit()
    member_client = app.test_client()
    login(member_client, member, PASSWORD)
    url = f"/comite/seances/{session.id}/points/{item.id}"
    form = member_client.get(url).get_data(as_text=True)
    assert 'value="premises"' in form
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', form).group(1)
    again = member_client.post(url, data={
        "organisation": str(member.organisation_id), "version": version,
        "version_for": str(member.organisation_id), "stance": "supports",
        "offer_kinds": ["premises"], "amount": "", "comment": "Toujours d'accord."})
    assert again.status_code == 302, text(again)

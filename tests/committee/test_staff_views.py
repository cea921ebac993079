"""The committee as the animators run it: sessions, agenda, live grid, decisions, attendance."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from murporteur.accounts.models import OrganisationKind
from murporteur.committee import services
from murporteur.committee.models import Attendance, AttendanceStatus, Stance
from murporteur.extensions import db
from tests.conftest import login
from tests.factories import (
    AdminFactory,
    HolderFactory,
    MemberFactory,
    OrganisationFactory,
    submitted_dossier,
)
from tests.helpers import text

BASE = "/instruction/comites"
#: 24 November 2026, 14:00 in Paris.
NOVEMBER = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)


@pytest.fixture
def organisations(app):
    return [OrganisationFactory(name="Alliade Habitat"),
            OrganisationFactory(name="Dynacité"),
            OrganisationFactory(name="Banque des Territoires", kind=OrganisationKind.PARTNER)]


@pytest.fixture
def session(animator, organisations):
    return services.create_session(animator, starts_at=NOVEMBER, place="CRESS, Lyon 7e")


def retained(title: str):
    dossier = submitted_dossier(title=title, structure_name=f"Collectif {title}")
    dossier.state = "retained"
    db.session.flush()
    return dossier


@pytest.fixture
def four(session, animator):
    dossiers = [retained(t) for t in ("Café", "Jardin", "Recyclerie", "Crèche")]
    for dossier in dossiers:
        services.add_item(session, dossier, animator)
    return dossiers


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return text(response)


def slots(client, session):
    """(time slot, dossier title) of each agenda row, in order."""
    return re.findall(r"(\d\d:\d\d – \d\d:\d\d) \S+ (\w+)", page(client, f"{BASE}/{session.id}"))


def form_values(organisations, **overrides):
    values = {"day": "2026-11-24", "hour": "14:00", "quarter": "", "place": "CRESS, Lyon 7e",
              "video_link": "", "slot_minutes": "20",
              "organisations": [o.id for o in organisations]}
    return {**values, **overrides}


# --- Sessions ------------------------------------------------------------------------------

def test_a_session_is_created_with_its_quarter_derived_from_the_date(animator_client,
                                                                     organisations):
    blank = animator_client.get(f"{BASE}/nouvelle").get_data(as_text=True)
    for organisation in organisations:  # everyone invited unless unticked
        assert re.search(rf'checked[^>]*value="{organisation.id}"|value="{organisation.id}"'
                         rf'[^>]*checked', blank)
    response = animator_client.post(f"{BASE}/nouvelle", data=form_values(
        organisations[:2], video_link="https://visio.exemple.fr/comite",
        positions_open_early="y"))
    assert response.status_code == 302
    shown = page(animator_client, response.headers["Location"])
    assert "Séance du 2026-Q4 créée" in shown
    assert "24 novembre 2026 à 14:00" in shown and "CRESS, Lyon 7e" in shown
    assert "Alliade Habitat, Dynacité" in shown and "Banque des Territoires" not in shown
    assert "visibles des membres avant la séance" in shown
    listing = page(animator_client, f"{BASE}/")
    assert "2026-Q4 24 novembre 2026 à 14:00 CRESS, Lyon 7e" in listing
    assert "En préparation 0 dossier" in listing


@pytest.mark.parametrize("overrides, message", [
    ({"place": ""}, "Indiquez un lieu, un lien de visioconférence, ou les deux."),
    ({"quarter": "2026-T4"}, "Écrivez le trimestre sous la forme 2026-Q4"),
    ({"video_link": "visio.exemple.fr/comite"},
     "Indiquez une adresse complète qui commence par http:// ou https://"),
    ({"video_link": "ftp://visio.exemple.fr"},
     "Indiquez une adresse complète qui commence par http:// ou https://"),
    ({"slot_minutes": "3"}, "La durée de passage est comprise entre 5 et 180 minutes."),
    ({"slot_minutes": "240"}, "La durée de passage est comprise entre 5 et 180 minutes."),
    ({"day": ""}, "Indiquez la date de la séance (AAAA-MM-JJ)."),
])
def test_a_session_form_is_refused_with_the_reason_and_the_answers_kept(
        animator_client, animator, organisations, overrides, message):
    values = form_values(organisations, **{
        "quarter": "2026-Q4", "place": "Maison de l'ESS", **overrides})
    response = animator_client.post(f"{BASE}/nouvelle", data=values)
    assert response.status_code == 422
    assert message in text(response)
    html = response.get_data(as_text=True)
    for name in ("quarter", "place", "video_link"):
        if values[name]:
            assert f'value="{values[name]}"'.replace("'", "&#39;") in html, name
    assert services.sessions_for(animator) == []


def test_an_animator_edits_the_session(animator_client, session, organisations):
    form = page(animator_client, f"{BASE}/{session.id}/modifier")
    assert "Modifier la séance du 2026-Q4" in form
    response = animator_client.post(f"{BASE}/{session.id}/modifier", data=form_values(
        organisations, day="2027-01-12", hour="09:30", place="",
        video_link="https://visio.exemple.fr/comite", slot_minutes="30"))
    assert response.status_code == 302
    shown = page(animator_client, f"{BASE}/{session.id}")
    assert "Séance du 2027-Q1 enregistrée." in shown
    assert "12 janvier 2027 à 09:30" in shown and "https://visio.exemple.fr/comite" in shown
    assert "30 minutes par dossier" in shown


def test_the_list_shows_upcoming_sessions_first_then_past_ones(animator_client, animator,
                                                               organisations):
    services.create_session(animator, starts_at=datetime(2021, 3, 2, 13, tzinfo=UTC),
                            place="Ancienne salle")
    services.create_session(animator, starts_at=datetime(2099, 6, 2, 12, tzinfo=UTC),
                            place="Salle lointaine")
    services.create_session(animator, starts_at=datetime(2098, 6, 2, 12, tzinfo=UTC),
                            place="Salle proche")
    listing = page(animator_client, f"{BASE}/")
    assert listing.index("Salle proche") < listing.index("Salle lointaine") \
        < listing.index("Séances passées") < listing.index("Ancienne salle")


# --- Agenda --------------------------------------------------------------------------------

def test_dossiers_are_put_on_the_agenda_reordered_and_removed(animator_client, session):
    dossiers = [retained(t) for t in ("Café", "Jardin", "Recyclerie", "Crèche")]
    offered = page(animator_client, f"{BASE}/{session.id}")
    assert all(d.number in offered for d in dossiers)
    for dossier in dossiers:
        response = animator_client.post(f"{BASE}/{session.id}/ajouter",
                                        data={"dossier": str(dossier.id)})
        assert response.status_code == 302
    assert slots(animator_client, session) == [
        ("14:00 – 14:20", "Café"), ("14:20 – 14:40", "Jardin"),
        ("14:40 – 15:00", "Recyclerie"), ("15:00 – 15:20", "Crèche")]
    db.session.expire_all()
    assert {d.state for d in dossiers} == {"on_agenda"}

    third = session.items[2]
    animator_client.post(f"{BASE}/{session.id}/ordre/{third.id}/up")
    animator_client.post(f"{BASE}/{session.id}/ordre/{session.items[0].id}/down")
    assert slots(animator_client, session) == [
        ("14:00 – 14:20", "Recyclerie"), ("14:20 – 14:40", "Café"),
        ("14:40 – 15:00", "Jardin"), ("15:00 – 15:20", "Crèche")]

    café = next(i for i in session.items if i.dossier == dossiers[0])
    response = animator_client.post(f"{BASE}/{session.id}/retirer/{café.id}")
    assert response.status_code == 302
    shown = page(animator_client, f"{BASE}/{session.id}")
    assert f"Dossier {dossiers[0].number} retiré de l'ordre du jour" in shown
    assert slots(animator_client, session) == [
        ("14:00 – 14:20", "Recyclerie"), ("14:20 – 14:40", "Jardin"),
        ("14:40 – 15:00", "Crèche")]
    db.session.expire_all()
    assert dossiers[0].state == "retained"


def test_a_dossier_already_on_an_open_agenda_is_refused(animator_client, animator, session,
                                                        four):
    other = services.create_session(animator, starts_at=datetime(2027, 2, 9, 13, tzinfo=UTC),
                                    place="Villeurbanne")
    response = animator_client.post(f"{BASE}/{other.id}/ajouter",
                                    data={"dossier": str(four[0].id)})
    assert response.status_code == 422
    assert "Ce dossier est déjà à l'ordre du jour d'une séance." in text(response)
    assert other.items == []
    empty = animator_client.post(f"{BASE}/{other.id}/ajouter", data={"dossier": ""})
    assert empty.status_code == 422 and "Choisissez le dossier à inscrire." in text(empty)


# --- Lifecycle -----------------------------------------------------------------------------

def test_convening_sends_the_invitations_and_is_written_in_the_history(
        animator_client, session, four, organisations):
    from tests.helpers import outbox

    MemberFactory(organisation=organisations[0])
    MemberFactory(organisation=organisations[1])
    assert "Envoyer les convocations" in page(animator_client, f"{BASE}/{session.id}")
    response = animator_client.post(f"{BASE}/{session.id}/convoquer")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "#session-jobs")
    shown = page(animator_client, f"{BASE}/{session.id}")
    assert "Séance convoquée." in shown
    # The convocations, written by their background job (in-process here: done already).
    assert "Convocations du comité 2026-Q4" in shown
    assert "Convocations écrites pour 2 membres et 4 porteurs" in shown
    assert len(outbox("committee_invitation")) == 2
    assert len(outbox("committee_holder_slot")) == 4
    assert "Séance du 2026-Q4 Convoqué" in shown
    assert "En préparation → Convoqué" in shown and "Camille Dubois" in shown
    assert "Envoyer les convocations" not in shown and "Marquer comme tenu" in shown
    again = animator_client.post(f"{BASE}/{session.id}/convoquer")
    assert again.status_code == 422
    assert "Ce n'est plus possible : la séance est à l'état « Convoqué »." in text(again)


def test_an_empty_agenda_cannot_be_convened(animator_client, session):
    response = animator_client.post(f"{BASE}/{session.id}/convoquer")
    assert response.status_code == 422
    assert "L'ordre du jour est vide : ajoutez au moins un dossier." in text(response)
    db.session.expire_all()
    assert session.state == "planned"


# --- Live grid -----------------------------------------------------------------------------

def test_the_live_grid_shows_each_organisations_position_and_who_has_not_answered(
        animator_client, animator, session, four, organisations):
    alliade, dynacite, _banque = organisations
    services.convene(session, animator)
    first = session.items[0]
    services.record_position(
        first, MemberFactory(organisation=alliade, full_name="Léa Martin"),
        stance=Stance.SUPPORTS, offer_kinds=["premises", "introductions"],
        amount_cents=800000, comment="Un rez-de-chaussée libre à Vaulx.",
        expected_version=None)
    services.record_position(
        first, MemberFactory(organisation=dynacite, full_name="Hugo Bernard"),
        stance=Stance.WANTS_TO_MEET, offer_kinds=["financing"], amount_cents=300000,
        comment="", expected_version=None)
    shown = page(animator_client, f"{BASE}/{session.id}/grille")
    assert ("Alliade Habitat Soutient Un local d'activité (par exemple un rez-de-chaussée) ; "
            "Une mise en relation avec les équipes ou les locataires 8 000 € "
            "Un rez-de-chaussée libre à Vaulx. Léa Martin") in shown
    assert ("Dynacité Intéressé, souhaite rencontrer le porteur Un financement 3 000 €"
            in shown)
    assert "Total des montants proposés 11 000 €" in shown
    assert "Pas encore de réponse : Banque des Territoires" in shown
    assert "Pas encore de réponse : Alliade Habitat, Banque des Territoires, Dynacité" in shown


# --- Decisions -----------------------------------------------------------------------------

def decide(client, session, item, **values):
    data = {f"item{item.id}-{name}": value for name, value in values.items()}
    return client.post(f"{BASE}/{session.id}/decision/{item.id}", data=data)


def test_decisions_are_recorded_then_published(animator_client, animator, session, four,
                                               organisations):
    alliade, dynacite, _banque = organisations
    services.convene(session, animator)
    café, jardin, recyclerie, _creche = session.items
    response = decide(animator_client, session, café, decision="supported",
                      supporters=[alliade.id, dynacite.id], comment="Local et financement.")
    assert response.status_code == 302
    grid = page(animator_client, response.headers["Location"])
    assert "Décision en attente de publication : Soutenu (Alliade Habitat, Dynacité)" in grid
    assert decide(animator_client, session, jardin, decision="postponed").status_code == 302

    refused = decide(animator_client, session, recyclerie, decision="not_supported",
                     comment="  ")
    assert refused.status_code == 422
    assert "Motivez la décision de ne pas soutenir : elle est envoyée au porteur." \
        in text(refused)
    no_supporter = decide(animator_client, session, recyclerie, decision="supported")
    assert no_supporter.status_code == 422
    assert "Indiquez quelle(s) organisation(s) soutiennent le projet." in text(no_supporter)
    assert decide(animator_client, session, recyclerie, decision="not_supported",
                  comment="Hors du champ du collectif.").status_code == 302
    db.session.expire_all()
    assert café.dossier.state == "on_agenda"  # nothing moves before publication

    response = animator_client.post(f"{BASE}/{session.id}/publier-decisions")
    assert response.status_code == 302
    grid = page(animator_client, response.headers["Location"])
    assert "3 décision(s) publiée(s) : les porteurs sont prévenus." in grid
    assert "Décision publiée : Soutenu (Alliade Habitat, Dynacité)" in grid
    assert "Décision en attente de publication" not in grid
    db.session.expire_all()
    assert [i.dossier.state for i in session.items] == [
        "supported", "retained", "not_supported", "on_agenda"]
    assert session.state == "held"
    assert "Séance du 2026-Q4 Tenu" in page(animator_client, f"{BASE}/{session.id}")
    nothing = animator_client.post(f"{BASE}/{session.id}/publier-decisions")
    assert nothing.status_code == 422
    assert "Aucune décision en attente de publication." in text(nothing)


def test_decisions_need_a_choice(animator_client, animator, session, four):
    services.convene(session, animator)
    response = decide(animator_client, session, session.items[0], comment="?")
    assert response.status_code == 422
    assert "Choisissez la décision du comité." in text(response)


# --- Attendance ----------------------------------------------------------------------------

def test_attendance_is_saved_and_shown(animator_client, session, organisations):
    léa = MemberFactory(organisation=organisations[0], full_name="Léa Martin")
    hugo = MemberFactory(organisation=organisations[1], full_name="Hugo Bernard")
    outsider = MemberFactory(full_name="Sans invitation")
    shown = page(animator_client, f"{BASE}/{session.id}")
    assert "Léa Martin" in shown and "Hugo Bernard" in shown
    assert "Sans invitation" not in shown
    response = animator_client.post(f"{BASE}/{session.id}/presences", data={
        f"attendance-{léa.id}": "present", f"attendance-{hugo.id}": "excused"})
    assert response.status_code == 302
    html = animator_client.get(f"{BASE}/{session.id}").get_data(as_text=True)
    assert "Présences enregistrées." in html
    assert re.search(rf'name="attendance-{léa.id}">.*?<option selected value="present">',
                     html, re.DOTALL)
    assert re.search(rf'name="attendance-{hugo.id}">.*?<option selected value="excused">',
                     html, re.DOTALL)
    animator_client.post(f"{BASE}/{session.id}/presences", data={
        f"attendance-{léa.id}": "", f"attendance-{hugo.id}": "represented"})
    statuses = {a.user_id: a.status for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}
    assert statuses == {hugo.id: AttendanceStatus.REPRESENTED}
    assert outsider.id not in statuses
    bad = animator_client.post(f"{BASE}/{session.id}/presences",
                               data={f"attendance-{hugo.id}": "asleep"})
    assert bad.status_code == 422
    assert "Choisissez parmi les réponses proposées." in text(bad)


# --- A whole session -----------------------------------------------------------------------

def test_a_session_of_four_items_goes_from_planned_to_held(animator_client, session, four,
                                                           organisations):
    url = f"{BASE}/{session.id}"
    assert "Séance du 2026-Q4 En préparation" in page(animator_client, url)
    animator_client.post(f"{url}/convoquer")
    assert "Séance du 2026-Q4 Convoqué" in page(animator_client, url)
    for item, decision in zip(session.items, ("supported", "postponed", "supported",
                                              "not_supported"), strict=True):
        response = decide(animator_client, session, item, decision=decision,
                          supporters=[organisations[0].id], comment="Motivé.")
        assert response.status_code == 302
    animator_client.post(f"{url}/publier-decisions")
    shown = page(animator_client, url)
    assert "Séance du 2026-Q4 Tenu" in shown
    assert "Convoqué → Tenu" in shown and "En préparation → Convoqué" in shown
    db.session.expire_all()
    assert [d.state for d in four] == ["supported", "retained", "supported", "not_supported"]
    listing = page(animator_client, f"{BASE}/")
    assert "Tenu 4 dossiers" in listing


def test_marking_the_session_as_held_before_the_decisions(animator_client, animator, session,
                                                          four):
    refused = animator_client.post(f"{BASE}/{session.id}/tenir")
    assert refused.status_code == 422
    assert "la séance est à l'état « En préparation »" in text(refused)
    services.convene(session, animator)
    response = animator_client.post(f"{BASE}/{session.id}/tenir")
    assert response.status_code == 302
    assert "La séance est marquée comme tenue." in page(animator_client, f"{BASE}/{session.id}")


# --- Access --------------------------------------------------------------------------------

def routes(session, item):
    s, i = session.id, item.id
    return [("GET", f"{BASE}/"), ("GET", f"{BASE}/nouvelle"), ("POST", f"{BASE}/nouvelle"),
            ("GET", f"{BASE}/{s}"), ("GET", f"{BASE}/{s}/modifier"),
            ("POST", f"{BASE}/{s}/modifier"), ("POST", f"{BASE}/{s}/ordre/{i}/up"),
            ("POST", f"{BASE}/{s}/retirer/{i}"), ("POST", f"{BASE}/{s}/ajouter"),
            ("POST", f"{BASE}/{s}/convoquer"), ("POST", f"{BASE}/{s}/tenir"),
            ("GET", f"{BASE}/{s}/grille"), ("POST", f"{BASE}/{s}/decision/{i}"),
            ("GET", f"{BASE}/{s}/decision/{i}"),
            ("POST", f"{BASE}/{s}/publier-decisions"), ("POST", f"{BASE}/{s}/presences"),
            ("POST", f"{BASE}/{s}/compte-rendu"), ("GET", f"{BASE}/{s}/compte-rendu.pdf"),
            ("GET", f"{BASE}/{s}/grille/direct")]


def test_every_route_is_covered_by_the_access_tests(app, session, four):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()
                 if r.endpoint.startswith("committee.")}
    adapter = app.url_map.bind("murporteur.test")
    covered = {adapter.match(url, method)[0]
               for method, url in routes(session, session.items[0])}
    assert covered == endpoints


def test_anonymous_visitors_are_sent_to_log_in(client, session, four):
    for method, url in routes(session, session.items[0]):
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()}
                               if method == "POST" else None)
        assert response.status_code == 302, url
        assert "/connexion" in response.headers["Location"], url


@pytest.mark.parametrize("who", ["holder", "member", "admin"])
def test_only_animators_get_in(app, session, four, organisations, who):
    user = {"holder": HolderFactory, "admin": AdminFactory,
            "member": lambda: MemberFactory(organisation=organisations[0])}[who]()
    user.password_hash = AdminFactory().password_hash
    client = app.test_client()
    login(client, user)
    for method, url in routes(session, session.items[0]):
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()}
                               if method == "POST" else None)
        assert response.status_code == 403, url
    db.session.expire_all()
    assert session.state == "planned" and len(session.items) == 4

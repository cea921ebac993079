"""Flash meetings as the animators run them and the participants live them: registering,
wishes, the schedule, changes by hand (refused naming who and when), agendas, follow-ups."""

import io
import re
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from murporteur.committee import services as committee
from murporteur.committee.models import AgendaItem, Position, Stance
from murporteur.core.errors import DomainError
from murporteur.extensions import db
from murporteur.meetings import follow_ups, services, suggestions, wishes
from murporteur.meetings.models import Outcome, Side
from murporteur.meetings.notifications import invite
from tests.factories import MemberFactory, OrganisationFactory, submitted_dossier
from tests.helpers import outbox, text

#: 12 March 2027, 9:30 in Paris.
MARCH = datetime(2027, 3, 12, 8, 30, tzinfo=UTC)


@pytest.fixture
def event(animator):
    return services.create_event(animator, title="Rencontres flash bailleurs × ESS",
                                 place="CRESS, Lyon 7e", starts_at=MARCH, slot_minutes=15,
                                 slot_count=6, tables=2, breaks=[3])


@pytest.fixture
def people(animator, event):
    alliade = OrganisationFactory(name="Alliade Habitat")
    dynacite = OrganisationFactory(name="Dynacité")
    claire = MemberFactory(full_name="Claire Fontaine", organisation=alliade)
    marc = MemberFactory(full_name="Marc Petit", organisation=dynacite)
    d1 = submitted_dossier(title="Café solidaire")
    d2 = submitted_dossier(title="Atelier vélo")
    h1, _ = services.add_holder_of(animator, event, d1)
    h2, _ = services.add_holder_of(animator, event, d2)
    r1, _ = services.add_member(animator, event, claire)
    r2, _ = services.add_member(animator, event, marc)
    return {"h1": h1, "h2": h2, "r1": r1, "r2": r2, "d1": d1, "d2": d2, "alliade": alliade}


def test_breaks_are_left_out_of_the_meeting_slots(event):
    assert event.meeting_slots == [0, 1, 2, 4, 5]
    assert services.slot_label(event, 4) == "10:30"


def test_the_same_address_cannot_register_twice(animator, event, people):
    with pytest.raises(DomainError, match="participe déjà"):
        services.add_holder_of(animator, event, people["d1"])


def test_a_wish_for_someone_of_the_same_side_or_withdrawn_is_refused(animator, people):
    with pytest.raises(DomainError, match="ne participe pas"):
        wishes.set_wishes(people["h1"], [people["h2"].id])
    services.withdraw(animator, people["r2"])
    with pytest.raises(DomainError, match="ne participe pas"):
        wishes.set_wishes(people["h1"], [people["r2"].id])
    with pytest.raises(DomainError, match="qu'une fois"):
        wishes.set_wishes(people["h1"], [people["r1"].id, people["r1"].id])


def test_an_availability_outside_the_event_is_refused(people):
    with pytest.raises(DomainError, match="n'existe pas") as refused:
        wishes.set_availability(people["h1"], [0, 3])  # 3 is the break
    assert refused.value.field == "available"
    with pytest.raises(DomainError, match="au moins un créneau"):
        wishes.set_availability(people["h1"], [])


def test_the_schedule_meets_the_wishes_and_respects_availabilities(animator, event, people):
    h1, h2, r1, r2 = people["h1"], people["h2"], people["r1"], people["r2"]
    wishes.set_wishes(h1, [r1.id, r2.id])
    wishes.set_wishes(h2, [r1.id])
    wishes.set_wishes(r1, [h1.id])
    wishes.set_availability(r1, [0])
    result = services.make_schedule(animator, event)
    assert result.wishes == 4 and result.wishes_met == 3  # r1 has one slot: h1 (mutual) wins
    pairs = {(m.holder_id, m.representative_id, m.slot) for m in event.meetings}
    assert (h1.id, r1.id, 0) in pairs
    assert all(m.slot == 0 for m in event.meetings if m.representative_id == r1.id)
    assert event.schedule_share == 750


def test_a_change_by_hand_that_double_books_is_refused_naming_who_and_when(
        animator, event, people):
    h1, h2, r1, r2 = people["h1"], people["h2"], people["r1"], people["r2"]
    services.place_meeting(animator, event, holder=h1, representative=r1, slot=0, table=1)
    with pytest.raises(DomainError) as refused:
        services.place_meeting(animator, event, holder=h1, representative=r2, slot=0, table=2)
    assert refused.value.message == (
        f"{h1.name} a déjà un rendez-vous à 09:30 (avec {r1.name}, table 1).")
    with pytest.raises(DomainError, match="La table 1 est déjà prise à 09:30"):
        services.place_meeting(animator, event, holder=h2, representative=r2, slot=0, table=1)
    with pytest.raises(DomainError, match="hors pauses"):
        services.place_meeting(animator, event, holder=h2, representative=r2, slot=3, table=1)
    wishes.set_availability(r2, [5])
    with pytest.raises(DomainError, match=f"{r2.name} n'est pas disponible à 09:45"):
        services.place_meeting(animator, event, holder=h2, representative=r2, slot=1, table=1)


def test_after_the_agendas_a_change_tells_only_the_two_people_concerned(
        app, animator, event, people):
    h1, h2, r1, r2 = people["h1"], people["h2"], people["r1"], people["r2"]
    wishes.set_wishes(h1, [r1.id])
    wishes.set_wishes(h2, [r2.id])
    services.make_schedule(animator, event)
    services.transition(event, "publish", animator)
    assert {m.recipient_email for m in outbox("flash_agenda")} == {
        p.email for p in (h1, h2, r1, r2)}
    agenda = next(m for m in outbox("flash_agenda") if m.recipient_email == h1.email)
    assert agenda.context["agenda"][0]["with"] == r1.label
    meeting = next(m for m in event.meetings if m.holder_id == h1.id)
    services.place_meeting(animator, event, holder=h1, representative=r1, slot=5, table=2,
                           moving=meeting)
    told = {m.recipient_email for m in outbox("flash_agenda_changed")}
    assert told == {h1.email, r1.email}


def test_the_agenda_ics_has_one_event_per_meeting(app, animator, event, people):
    from murporteur.meetings.calendar import agenda_attachment

    h1, r1, r2 = people["h1"], people["r1"], people["r2"]
    services.place_meeting(animator, event, holder=h1, representative=r1, slot=0, table=1)
    services.place_meeting(animator, event, holder=h1, representative=r2, slot=2, table=1)
    name, _mime, data = agenda_attachment(h1.id)
    events = list(Calendar.from_ical(data).walk("VEVENT"))
    assert name == "rencontres-flash.ics" and len(events) == 2
    assert events[0]["dtstart"].dt == MARCH
    assert r1.name in str(events[0]["summary"])


def test_wishes_are_prefilled_from_wants_to_meet_positions(animator, event, people):
    session = committee.create_session(animator, starts_at=MARCH, place="CRESS")
    item = AgendaItem(session=session, dossier=people["d1"])
    db.session.add(item)
    db.session.flush()
    db.session.add(Position(item_id=item.id, organisation_id=people["alliade"].id,
                            stance=Stance.WANTS_TO_MEET))
    db.session.flush()
    assert suggestions.suggested_wishes(people["r1"]) == [people["h1"]]
    assert suggestions.suggested_wishes(people["h1"]) == [people["r1"]]


def test_follow_ups_are_recorded_once_held_and_count_as_qualified_exchanges(
        animator, event, people):
    h1, r1 = people["h1"], people["r1"]
    meeting = services.place_meeting(animator, event, holder=h1, representative=r1, slot=0,
                                     table=1)
    with pytest.raises(DomainError, match="une fois la rencontre tenue"):
        follow_ups.record_follow_up(h1, meeting, Outcome.INTERESTED)
    services.transition(event, "publish", animator)
    services.transition(event, "hold", animator)
    with pytest.raises(DomainError, match="pas le vôtre"):
        follow_ups.record_follow_up(people["h2"], meeting, Outcome.INTERESTED)
    follow_ups.record_follow_up(r1, meeting, Outcome.TO_FOLLOW, "On se rappelle en avril.")
    follow_ups.record_follow_up(r1, meeting, Outcome.INTERESTED)  # changed: still one
    assert len(meeting.follow_ups) == 1
    history = [e for e in people["d1"].events if e.transition == "flash_follow_up"]
    assert len(history) == 2  # each saving is in the dossier's history
    assert history[-1].comment == (f"« {event.title} », {r1.label} : "
                                   "Intéressé·e : on continue")
    assert follow_ups.qualified_exchanges(event) == {
        "meetings": 1, "qualified": 1, "per_organisation": [("Alliade Habitat", 1)]}


def test_publishing_without_a_schedule_is_refused(animator, event, people):
    with pytest.raises(DomainError, match="aucun rendez-vous"):
        services.transition(event, "publish", animator)


# --- Through the pages ---------------------------------------------------------------------

def test_an_animator_creates_an_event_and_bad_input_is_kept_with_its_message(animator_client):
    page = animator_client.post("/rencontres/nouvelle", data={
        "title": "Rencontres de printemps", "day": "2027-03-12", "hour": "09:30",
        "slot_minutes": "15", "slot_count": "8", "tables": "5", "breaks": "trois"})
    assert page.status_code == 422
    assert "Écrivez des numéros de créneaux" in text(page)
    assert "Rencontres de printemps" in text(page) or 'value="Rencontres de printemps"' in \
        page.get_data(as_text=True)
    page = animator_client.post("/rencontres/nouvelle", data={
        "title": "Rencontres de printemps", "day": "2027-03-12", "hour": "09:30",
        "slot_minutes": "15", "slot_count": "8", "tables": "5", "breaks": "4, 12"})
    assert page.status_code == 422 and "entre 1 et 8" in text(page)
    page = animator_client.post("/rencontres/nouvelle", data={
        "title": "Rencontres de printemps", "day": "2027-03-12", "hour": "09:30",
        "slot_minutes": "15", "slot_count": "8", "tables": "5", "breaks": "4"})
    assert page.status_code == 302


def test_a_participant_states_wishes_through_their_link_and_a_hostile_value_is_refused(
        app, client, animator, event, people):
    h1, r1 = people["h1"], people["r1"]
    invite(h1, services.new_link(h1))
    db.session.commit()
    path = "/" + outbox("flash_invitation", to=h1.email)[-1].context["url"].split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200 and r1.label in text(page)
    refused = client.post(path, data={"available": ["0", "1"], "wish": ["abc"]})
    assert refused.status_code == 422 and "ne participe pas" in text(refused)
    refused = client.post(path, data={"available": ["0", "3"], "wish": [str(r1.id)]})
    assert refused.status_code == 422 and "n'existe pas" in text(refused)
    saved = client.post(path, data={"available": ["0", "1"], "wish": [str(r1.id), ""]})
    assert saved.status_code == 302
    db.session.refresh(h1)
    assert [w.target_id for w in h1.wishes] == [r1.id] and h1.available_slots == [0, 1]
    assert client.get("/rencontres/p/not-a-token").status_code == 404


def test_public_registration_says_the_same_for_a_known_address(client, animator, event):
    event.registration_open = True
    db.session.commit()
    data = {"name": "Amina Diallo", "email": "amina@example.org",
            "summary": "Un café solidaire au pied des immeubles"}
    first = client.post(f"/rencontres/{event.id}/inscription", data=data)
    second = client.post(f"/rencontres/{event.id}/inscription", data=data)
    assert first.status_code == second.status_code == 200
    assert text(first) == text(second)
    assert len([p for p in event.participants if p.side == Side.HOLDER]) == 1
    assert len(outbox("flash_invitation", to="amina@example.org")) == 2
    bad = client.post(f"/rencontres/{event.id}/inscription", data={**data, "email": "nope"})
    assert bad.status_code == 422 and "ne semble pas valide" in text(bad)
    event.registration_open = False
    db.session.commit()
    assert client.get(f"/rencontres/{event.id}/inscription").status_code == 404


def test_the_schedule_exports_as_csv_with_one_row_per_meeting(
        animator_client, animator, event, people):
    services.place_meeting(animator, event, holder=people["h1"], representative=people["r1"],
                           slot=0, table=1)
    db.session.commit()
    csv = animator_client.get(f"/rencontres/{event.id}/planning.csv").get_data(as_text=True)
    lines = csv.strip().splitlines()
    assert len(lines) == 2
    assert re.search(r"2027-03-12 09:30.*2027-03-12 09:45.*1.*Claire Fontaine", lines[1])
    # The tables' sheets are laid out in the background: the job's page, then its file.
    job = animator_client.post(f"/rencontres/{event.id}/tables")
    assert job.status_code == 303
    assert "Les feuilles des tables sont prêtes" in text(animator_client.get(
        job.headers["Location"]))
    pdf = animator_client.get(job.headers["Location"] + "/fichier")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    sheets = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Table 1" in sheets and "Claire Fontaine" in sheets


def test_wishes_are_prefilled_from_premises_that_fit_the_idea(animator, event, people):
    from murporteur.premises import services as premises
    from murporteur.submissions.choices import SupportKind
    from tests.premises.conftest import unit_values

    dossier = people["d2"]  # Atelier vélo, in Vénissieux, seeking premises
    dossier.town, dossier.support_kinds = "Vénissieux", [SupportKind.PREMISES.value]
    marc = people["r2"].user  # Dynacité's member keeps a unit there
    premises.save_unit(None, marc, None, **unit_values(town="Vénissieux"))
    assert suggestions.suggested_wishes(people["h2"]) == [people["r2"]]
    assert suggestions.suggested_wishes(people["r2"]) == [people["h2"]]
    assert suggestions.suggested_wishes(people["h1"]) == []  # not seeking premises

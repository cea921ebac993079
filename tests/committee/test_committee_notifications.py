"""What members, holders and animators receive around a committee session: convocations with
an invitation for their calendar, schedule changes, decisions and the reminders before it."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

import murporteur.committee.notifications  # noqa: F401  (connects the receivers)
from murporteur.committee import services
from murporteur.committee.models import Decision, Stance
from murporteur.committee.notifications import member_session_url
from murporteur.committee.tasks import digest_missing_positions, remind_missing_positions
from murporteur.extensions import db
from murporteur.notifications import delivery, mailer
from murporteur.notifications import services as notifications
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.notifications.models import OutboxMessage, OutboxState
from tests.factories import AnimatorFactory, MemberFactory, OrganisationFactory, submitted_dossier
from tests.helpers import outbox

START = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)  # Thursday 10 December, 14:00 in Paris


@pytest.fixture
def sent(monkeypatch):
    """Every e-mail the transport is asked to deliver, by recipient."""
    messages = {}

    def fake_send(message):
        messages.setdefault(message["To"], []).append(message)
        return "smtp"

    monkeypatch.setattr(mailer, "send", fake_send)
    return messages


@pytest.fixture
def world(app):
    animator = AnimatorFactory()
    org_a = OrganisationFactory(name="Lyon Métropole Habitat")
    org_b = OrganisationFactory(name="Vilogia")
    outsider = OrganisationFactory(name="Bailleur non invité")
    session = services.create_session(animator, starts_at=START, place="Maison de l'ESS",
                                      video_link="https://visio.example.org/comite",
                                      organisations=[org_a, org_b])
    dossiers = []
    for title in ("Café solidaire", "Atelier vélo", "Repair café"):
        dossier = submitted_dossier(title=title)
        dossier.state = "retained"
        services.add_item(session, dossier, animator)
        dossiers.append(dossier)
    return {"animator": animator, "session": session, "dossiers": dossiers,
            "org_a": org_a, "org_b": org_b,
            "a": MemberFactory(organisation=org_a, full_name="Aline Martin"),
            "a2": MemberFactory(organisation=org_a), "b": MemberFactory(organisation=org_b),
            "outsider": MemberFactory(organisation=outsider)}


def _convene(world):
    services.convene(world["session"], world["animator"])
    commit_and_dispatch()


def _holders(world):
    return [d.holder.email for d in world["dossiers"]]


def _members(world):
    return {world[k].email for k in ("a", "a2", "b")}


def _events(sent, email):
    """The calendar events attached to the mails ``email`` received, oldest first."""
    events = []
    for message in sent.get(email, []):
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                assert part.get_param("method") == "REQUEST"
                calendar = Calendar.from_ical(part.get_content())
                assert str(calendar["method"]) == "REQUEST"
                event, = calendar.walk("VEVENT")
                events.append(event)
    return events


def test_convening_invites_each_member_with_the_session_for_their_calendar(world, sent):
    session = world["session"]
    _convene(world)
    invitations = outbox("committee_invitation")
    assert {m.recipient_email for m in invitations} == _members(world)
    assert all(m.state == OutboxState.SENT for m in invitations)
    mail = outbox("committee_invitation", to=world["a"].email)[0]
    assert mail.subject == "Convocation au comité Mur porteur du 10 décembre 2026 à 14:00"
    assert "Bonjour Aline Martin," in mail.text_body
    assert "Maison de l'ESS" in mail.text_body
    assert "https://visio.example.org/comite" in mail.text_body
    first = world["dossiers"][0]
    assert f"- 14:00–14:20 : {first.number} « Café solidaire »" in mail.text_body
    assert "- 14:40–15:00" in mail.text_body and "Repair café" in mail.text_body
    assert member_session_url(session) in mail.text_body

    event = _events(sent, world["a"].email)[0]
    assert event.decoded("dtstart") == START
    assert event.decoded("dtend") == START + timedelta(minutes=60)
    assert str(event["summary"]) == "Comité Mur porteur — 2026-Q4"
    assert str(event["location"]) == "Maison de l'ESS"
    assert str(event["url"]) == "https://visio.example.org/comite"
    assert str(event["uid"]) == f"session-{session.id}@murporteur"
    assert "Atelier vélo" in str(event["description"])
    assert world["outsider"].email not in sent


def test_convening_gives_each_holder_their_own_slot(world, sent):
    session = world["session"]
    _convene(world)
    slots = outbox("committee_holder_slot")
    assert sorted(m.recipient_email for m in slots) == sorted(_holders(world))
    second = world["dossiers"][1]
    mail, = outbox("committee_holder_slot", to=second.holder.email)
    assert mail.subject == "Votre passage au comité Mur porteur : le 10 décembre 2026 à 14:20"
    assert f"{second.number} « Atelier vélo »" in mail.text_body
    assert "de 14:20 à 14:40" in mail.text_body
    assert "Votre passage dure 20 minutes" in mail.text_body  # the session's slot length
    assert "10 minutes" not in mail.text_body and "10 minutes" not in mail.html_body
    assert "Café solidaire" not in mail.text_body  # others' projects are not theirs to read

    event = _events(sent, second.holder.email)[0]
    item = session.items[1]
    assert event.decoded("dtstart") == START + timedelta(minutes=20)
    assert event.decoded("dtend") == START + timedelta(minutes=40)
    assert str(event["uid"]) == f"session-{session.id}-item-{item.id}@murporteur"
    assert str(event["summary"]) == "Présentation de votre projet au comité Mur porteur"
    assert "14:20" in str(event["description"])


def test_a_new_time_reaches_everyone_with_a_newer_calendar_event(world, sent):
    session = world["session"]
    _convene(world)
    before = _events(sent, world["b"].email)[0]
    later = START + timedelta(days=1, hours=1)
    services.update_session(session, world["animator"], starts_at=later,
                            place="Salle du conseil, Vilogia")
    commit_and_dispatch()
    changed = outbox("committee_schedule_changed")
    assert sorted(m.recipient_email for m in changed) == sorted(_members(world) | set(
        _holders(world)))
    member_mail, = outbox("committee_schedule_changed", to=world["b"].email)
    assert "11 décembre 2026 à 15:00" in member_mail.subject
    assert "Salle du conseil, Vilogia" in member_mail.text_body
    event = _events(sent, world["b"].email)[-1]
    assert event.decoded("dtstart") == later
    assert str(event["location"]) == "Salle du conseil, Vilogia"
    assert str(event["uid"]) == str(before["uid"])
    assert event.decoded("sequence") > before.decoded("sequence")

    holder = world["dossiers"][2].holder
    holder_mail, = outbox("committee_schedule_changed", to=holder.email)
    assert "de 15:40 à 16:00" in holder_mail.text_body
    assert "Café solidaire" not in holder_mail.text_body
    assert _events(sent, holder.email)[-1].decoded("dtstart") == later + timedelta(minutes=40)


def test_moving_an_item_tells_only_the_holders_whose_slot_changed(world, sent):
    session = world["session"]
    _first, second, third = world["dossiers"]
    _convene(world)
    count = len(outbox())
    services.move_item(session.items[2], -1, world["animator"])
    commit_and_dispatch()
    new = outbox()[count:]
    assert sorted((m.key, m.recipient_email) for m in new) == sorted([
        ("committee_holder_slot", second.holder.email),
        ("committee_holder_slot", third.holder.email)])
    mail = next(m for m in new if m.recipient_email == third.holder.email)
    assert "L'horaire de votre passage au comité a changé" in mail.text_body
    assert "de 14:20 à 14:40" in mail.text_body
    assert _events(sent, third.holder.email)[-1].decoded("dtstart") == START + timedelta(
        minutes=20)

    # Moving it back is a new change: the same holders hear of it again.
    services.move_item(session.items[1], 1, world["animator"])
    commit_and_dispatch()
    assert len(outbox("committee_holder_slot", to=third.holder.email)) == 3
    assert "de 14:40 à 15:00" in outbox("committee_holder_slot", to=third.holder.email)[-1] \
        .text_body


def test_the_holders_slot_mail_says_the_sessions_real_slot_length(world, sent):
    # Issue 17, item 11: a 45-minute slot is announced as such, not as "10 minutes".
    world["session"].slot_minutes = 45
    _convene(world)
    mail = outbox("committee_holder_slot", to=world["dossiers"][1].holder.email)[-1]
    assert "de 14:45 à 15:30" in mail.text_body
    assert "Votre passage dure 45 minutes" in mail.text_body
    assert "Votre passage dure 45 minutes" in mail.html_body


def test_removing_an_item_tells_that_holder_and_moves_the_next_ones(world, sent):
    session = world["session"]
    first, second, third = world["dossiers"]
    _convene(world)
    count = len(outbox())
    services.remove_item(session.items[0], world["animator"])
    commit_and_dispatch()
    new = outbox()[count:]
    removed = [m for m in new if m.key == "committee_item_removed"]
    assert [m.recipient_email for m in removed] == [first.holder.email]
    assert "retiré de l'ordre du jour du comité Mur porteur du 10 décembre 2026" in \
        removed[0].text_body
    # The members are not told; the holders who now come earlier get their new slot.
    assert not any(m.recipient_email in _members(world) for m in new)
    assert {m.recipient_email for m in new if m.key == "committee_holder_slot"} == {
        second.holder.email, third.holder.email}
    assert "de 14:00 à 14:20" in outbox("committee_holder_slot", to=second.holder.email)[-1] \
        .text_body


def test_publishing_decisions_tells_each_holder_their_own_outcome(world, sent):
    session = world["session"]
    supported, postponed, refused = world["dossiers"]
    animator = world["animator"]
    _convene(world)
    items = session.items
    services.record_decision(items[0], Decision.SUPPORTED, animator,
                             supporters=[world["org_a"], world["org_b"]])
    services.record_decision(items[1], Decision.POSTPONED, animator)
    services.record_decision(items[2], Decision.NOT_SUPPORTED, animator,
                             "Le projet ne touche pas le parc social du collectif.")
    count = len(outbox())
    services.publish_decisions(session, animator)
    commit_and_dispatch()

    mail, = outbox("committee_decision", to=supported.holder.email)
    assert mail.subject == f"Votre projet {supported.number} est soutenu par le comité Mur porteur"
    assert "Décision : Soutenu par le comité." in mail.text_body
    assert "Lyon Métropole Habitat, Vilogia" in mail.text_body
    assert "/lien/" in mail.text_body  # the link that opens their dossier
    assert "Atelier vélo" not in mail.text_body and "parc social" not in mail.text_body

    mail, = outbox("committee_decision", to=postponed.holder.email)
    assert "Décision : Reporté au prochain comité." in mail.text_body
    assert "Café solidaire" not in mail.text_body

    mail, = outbox("committee_decision", to=refused.holder.email)
    assert "Décision : Non soutenu." in mail.text_body
    assert "Le projet ne touche pas le parc social du collectif." in mail.text_body
    assert "Vilogia" not in mail.text_body

    # needs the receivers.py change: the decision mail is the only one the holder gets.
    new = outbox()[count:]
    for dossier in world["dossiers"]:
        assert [m.key for m in new if m.recipient_email == dossier.holder.email] == [
            "committee_decision"]


def _answer(world, member, items):
    for item in items:
        services.record_position(item, member, stance=Stance.SUPPORTS, offer_kinds=[],
                                 amount_cents=None, comment="", expected_version=None)


def test_three_days_before_only_members_owing_positions_are_reminded_once(world, sent):
    session = world["session"]
    _convene(world)
    _answer(world, world["a"], session.items)  # Lyon Métropole Habitat has answered everything
    _answer(world, world["b"], session.items[:1])
    monday = datetime(2026, 12, 7, 7, 15, tzinfo=UTC)  # 8:15 in Paris, three days before
    assert remind_missing_positions(monday - timedelta(days=1)) == 0
    assert remind_missing_positions(monday) == 1
    commit_and_dispatch()
    reminder, = outbox("committee_position_reminder")
    assert reminder.recipient_email == world["b"].email
    assert "la position de Vilogia est attendue" in reminder.subject
    assert "Atelier vélo" in reminder.text_body and "Repair café" in reminder.text_body
    assert "Café solidaire" not in reminder.text_body
    assert member_session_url(session) in reminder.text_body
    remind_missing_positions(monday + timedelta(hours=2))
    commit_and_dispatch()
    assert len(outbox("committee_position_reminder")) == 1


def test_the_eve_animators_see_missing_positions_by_organisation_once(world, sent):
    session = world["session"]
    other = AnimatorFactory()
    _convene(world)
    _answer(world, world["a"], session.items[:2])
    wednesday = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)  # 17:00 in Paris, the day before
    assert digest_missing_positions(wednesday - timedelta(days=1)) == 0
    assert digest_missing_positions(wednesday) == 1
    commit_and_dispatch()
    digests = outbox("committee_missing_positions")
    assert sorted(m.recipient_email for m in digests) == sorted(
        [world["animator"].email, other.email])
    body = digests[0].text_body
    lyon, vilogia = body.index("Lyon Métropole Habitat :"), body.index("Vilogia :")
    assert "Repair café" in body[lyon:vilogia] and "Atelier vélo" not in body[lyon:vilogia]
    assert all(title in body[vilogia:] for title in ("Café solidaire", "Atelier vélo",
                                                     "Repair café"))
    digest_missing_positions(wednesday + timedelta(hours=1))
    commit_and_dispatch()
    assert len(outbox("committee_missing_positions")) == 2


def test_no_eve_digest_when_every_position_is_in(world, sent):
    session = world["session"]
    _convene(world)
    _answer(world, world["a"], session.items)
    _answer(world, world["b"], session.items)
    assert digest_missing_positions(datetime(2026, 12, 9, 16, 0, tzinfo=UTC)) == 0
    assert outbox("committee_missing_positions") == []


def test_a_calendar_whose_session_is_gone_leaves_the_mail_without_it(app, sent):
    user = MemberFactory()
    row = notifications.queue("committee_item_removed", user, {
        "contact_name": "Amina", "number": "MP-2026-0001", "title": "Café", "day": "1 mai",
        "attachments": [{"kind": "session_ics", "session_id": 987654, "item_id": None}]},
        idempotency_key="test:gone")
    db.session.commit()
    assert delivery.deliver(row.id) == OutboxState.SENT
    message, = sent[user.email]
    assert list(message.iter_attachments()) == []


SAMPLES = {
    "quarter": "2026-Q4", "date": "10 décembre 2026 à 14:00", "day": "10 décembre 2026",
    "start": "14:00", "end": "15:00", "place": "Maison de l'ESS", "video_link": "https://v",
    "full_name": "Aline Martin", "contact_name": "Amina Diallo", "number": "MP-2026-0001",
    "title": "Café solidaire", "structure_name": "Le Comptoir", "url": "http://murporteur.test/x",
    "tracking_url": "http://murporteur.test/lien/x", "organisation": "Vilogia",
    "agenda": [{"start": "14:00", "end": "14:20", "number": "MP-2026-0001",
                "title": "Café solidaire", "structure_name": "Le Comptoir"}],
    "slot_start": "14:00", "slot_end": "14:20", "changed": True,
    "decision": "not_supported", "supporters": [], "comment": "Hors du champ.",
    "items": [{"number": "MP-2026-0001", "title": "Café solidaire"}],
    "organisations": [{"name": "Vilogia",
                       "dossiers": [{"number": "MP-2026-0001", "title": "Café solidaire"}]}],
}
HOLDER_ONLY = ("agenda", "full_name")  # a holder's schedule change has no agenda


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("key", ["committee_invitation", "committee_holder_slot",
                                 "committee_schedule_changed", "committee_item_removed",
                                 "committee_decision", "committee_position_reminder",
                                 "committee_missing_positions"])
def test_every_committee_mail_renders_in_both_languages(app, key, locale):
    contexts = [SAMPLES]
    if key == "committee_schedule_changed":
        contexts.append({k: v for k, v in SAMPLES.items() if k not in HOLDER_ONLY})
    if key == "committee_decision":
        contexts += [dict(SAMPLES, decision="supported", supporters=["Vilogia"]),
                     dict(SAMPLES, decision="postponed", comment="")]
    for context in contexts:
        subject, text, html = delivery.render(
            OutboxMessage(key=key, locale=locale, context=context))
        assert subject and "MP-2026-0001" in text and "MP-2026-0001" in html
        assert "{{" not in text + html and "{%" not in text + html
        if locale == "fr":
            assert "L'équipe d'animation de Mur porteur" in text


def test_the_reminders_are_in_the_beat_schedule():
    from worker.schedule import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {"murporteur.committee.remind_missing_positions",
            "murporteur.committee.digest_missing_positions"} <= tasks


def test_the_same_convocation_signalled_twice_is_queued_once(world):
    from murporteur import signals

    _convene(world)
    count = len(outbox())
    session = world["session"]
    signals.session_transitioned.send(session, event=session.events[-1], actor=None)
    assert len(outbox()) == count

"""The conventions' reminders: a payment due in a week, a payment overdue, a convention ending
in a month; each to the organisation's active members and the active animators, once."""

from datetime import UTC, date, datetime, timedelta

import pytest

from murporteur.conventions import services
from murporteur.conventions.tasks import (
    remind_conventions_ending,
    remind_payments_due,
    remind_payments_overdue,
)
from murporteur.core.lifecycle import apply_transition
from murporteur.notifications import delivery
from murporteur.notifications.dispatch import commit_and_dispatch
from murporteur.notifications.models import OutboxMessage
from tests.conventions.test_services import signed, supported_project
from tests.factories import AnimatorFactory, MemberFactory
from tests.helpers import link_in, outbox

#: Friday 8 January 2027, 7:45 in Paris.
NOW = datetime(2027, 1, 8, 6, 45, tzinfo=UTC)
TODAY = date(2027, 1, 8)


@pytest.fixture
def world(app, animator):
    dossier, orgs, members = supported_project(animator, {
        "Lyon Métropole Habitat": (["financing"], 1000000, "Aide au démarrage"),
        "Vilogia": (["financing"], 500000, "")})
    conventions = {c.organisation.name: c
                   for c in services.create_conventions(dossier, animator)}
    lyon = conventions["Lyon Métropole Habitat"]
    lyon_member = members["Lyon Métropole Habitat"]
    services.update_convention(lyon, animator, start_date=date(2026, 2, 1),
                               end_date=TODAY + timedelta(days=30))
    signed(lyon, animator, lyon_member)
    apply_transition(lyon, "activate", animator)
    return {"animator": animator, "other_animator": AnimatorFactory(),
            "retired_animator": AnimatorFactory(active=False),
            "lyon_member": lyon_member,
            "lyon_colleague": MemberFactory(organisation=orgs["Lyon Métropole Habitat"]),
            "lyon_former": MemberFactory(organisation=orgs["Lyon Métropole Habitat"],
                                         active=False),
            "vilogia_member": members["Vilogia"], "lyon": lyon,
            "vilogia": conventions["Vilogia"], "dossier": dossier}


def _expected(world) -> list[str]:
    return sorted(world[k].email for k in ("animator", "other_animator", "lyon_member",
                                           "lyon_colleague"))


def _recipients(key: str) -> list[str]:
    return sorted(m.recipient_email for m in outbox(key))


def test_a_payment_due_in_a_week_is_announced_once_to_the_organisation_and_animators(
        world):
    lyon, animator = world["lyon"], world["animator"]
    due = services.schedule_payment(lyon, animator, TODAY + timedelta(days=7), 400000)
    services.schedule_payment(lyon, animator, TODAY + timedelta(days=8), 100000)  # not yet
    paid = services.schedule_payment(lyon, animator, TODAY + timedelta(days=7), 100000)
    services.mark_paid(paid, animator, TODAY, 100000)  # paid early: nothing to announce

    assert remind_payments_due(NOW - timedelta(days=1)) == 0
    assert remind_payments_due(NOW) == 1
    commit_and_dispatch()
    assert _recipients("convention_payment_due") == _expected(world)
    mail, = outbox("convention_payment_due", to=world["lyon_member"].email)
    subject = mail.subject.replace("\u202f", " ").replace("\xa0", " ")
    assert subject == (f"Versement de 4 000 € prévu le 15 janvier 2027 : "
                       f"{world['dossier'].number} avec Lyon Métropole Habitat")
    assert "dans une semaine, le 15 janvier 2027" in mail.text_body
    assert link_in(mail) == f"/conventions/{lyon.id}"
    assert due.reminded_due_at is not None

    assert remind_payments_due(NOW + timedelta(hours=3)) == 0  # once
    commit_and_dispatch()
    assert len(outbox("convention_payment_due")) == 4


def test_an_overdue_payment_is_signalled_once(world):
    lyon, animator = world["lyon"], world["animator"]
    late = services.schedule_payment(lyon, animator, TODAY - timedelta(days=3), 300000)
    services.schedule_payment(lyon, animator, TODAY, 100000)  # due today: not late yet
    done = services.schedule_payment(lyon, animator, TODAY - timedelta(days=10), 200000)
    services.mark_paid(done, animator, TODAY - timedelta(days=9), 200000)

    assert remind_payments_overdue(NOW) == 1
    commit_and_dispatch()
    assert _recipients("convention_payment_overdue") == _expected(world)
    mail, = outbox("convention_payment_overdue", to=world["animator"].email)
    assert "prévu le 5 janvier 2027" in mail.text_body
    assert "3 jours après sa date" in mail.text_body
    assert late.reminded_overdue_at is not None

    assert remind_payments_overdue(NOW + timedelta(days=1)) == 1  # yesterday's payment only
    commit_and_dispatch()
    assert len(outbox("convention_payment_overdue")) == 8
    assert remind_payments_overdue(NOW + timedelta(days=2)) == 0


def test_payments_of_a_terminated_convention_are_not_chased(world):
    lyon, animator = world["lyon"], world["animator"]
    services.schedule_payment(lyon, animator, TODAY - timedelta(days=3), 300000)
    apply_transition(lyon, "terminate", animator, "Projet arrêté")
    assert remind_payments_overdue(NOW) == 0
    assert outbox("convention_payment_overdue") == []


def test_a_convention_ending_in_a_month_is_announced_once(world):
    lyon, vilogia, animator = world["lyon"], world["vilogia"], world["animator"]
    # A draft ending the same day has no term to announce yet.
    services.update_convention(vilogia, animator, start_date=date(2026, 2, 1),
                               end_date=TODAY + timedelta(days=30))
    services.schedule_payment(lyon, animator, TODAY + timedelta(days=20), 250000)

    assert remind_conventions_ending(NOW - timedelta(days=1)) == 0
    assert remind_conventions_ending(NOW) == 1
    commit_and_dispatch()
    assert _recipients("convention_ending") == _expected(world)
    mail, = outbox("convention_ending", to=world["lyon_colleague"].email)
    assert f"La convention {world['dossier'].number} avec Lyon Métropole Habitat prend fin " \
           f"le 7 février 2027" == mail.subject
    body = mail.text_body.replace("\u202f", " ").replace("\xa0", " ")
    assert "reste à verser : 10 000 €" in body
    assert "1 versement prévu n'est pas encore fait." in body
    assert link_in(mail) == f"/conventions/{lyon.id}"

    remind_conventions_ending(NOW + timedelta(hours=2))
    commit_and_dispatch()
    assert len(outbox("convention_ending")) == 4


def test_the_reminders_are_in_the_beat_schedule():
    from worker.schedule import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {"murporteur.conventions.remind_payments_due",
            "murporteur.conventions.remind_payments_overdue",
            "murporteur.conventions.remind_conventions_ending"} <= tasks


def test_the_beat_tasks_are_registered(app):
    registered = app.extensions["celery"].tasks
    for name in ("remind_payments_due", "remind_payments_overdue", "remind_conventions_ending"):
        assert f"murporteur.conventions.{name}" in registered


SAMPLE = {"number": "MP-2026-0001", "title": "Café solidaire", "structure_name": "Le Comptoir",
          "organisation": "Vilogia", "kind": "Financement", "committed": "8 000 €",
          "paid": "2 000 €", "remaining": "6 000 €", "url": "http://murporteur.test/x",
          "full_name": "Aline Martin", "amount": "2 000 €", "planned_date": "15 janvier 2027",
          "days_late": 1, "end_date": "7 février 2027", "unpaid_count": 2}


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("key", ["convention_payment_due", "convention_payment_overdue",
                                 "convention_ending"])
def test_every_convention_mail_renders_in_both_languages(app, key, locale):
    subject, text, html = delivery.render(
        OutboxMessage(key=key, locale=locale, context=SAMPLE))
    assert subject and "MP-2026-0001" in text and "MP-2026-0001" in html
    assert "http://murporteur.test/x" in text and 'href="http://murporteur.test/x"' in html
    assert "{{" not in text + html and "{%" not in text + html
    if locale == "fr":
        assert "L'équipe d'animation de Mur porteur" in text and "Bonjour Aline Martin" in text

"""Following a convention up with its holder (issue 18, item 4): indicators and reporting
dates set by the animators, the holder's reports and payment requests, the organisation's
decision with a reason, the reminders before and after each reporting date, and who may see
what (a holder only their own convention, a member only their organisation's)."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from murporteur.conventions import followup, services
from murporteur.conventions.models import IndicatorKind, PaymentRequest
from murporteur.conventions.templates import PLACEHOLDERS
from murporteur.conventions.workflow import PaymentRequestState
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.lifecycle import apply_transition
from murporteur.extensions import db
from murporteur.notifications.dispatch import commit_and_dispatch
from tests import files
from tests.conftest import login
from tests.conventions.test_services import signed, supported_project
from tests.conventions.test_views import error_of, page
from tests.factories import PASSWORD, AnimatorFactory, HolderFactory, MemberFactory
from tests.helpers import link_in, outbox

#: Friday 8 January 2027, 7:50 in Paris.
NOW = datetime(2027, 1, 8, 6, 50, tzinfo=UTC)
TODAY = date(2027, 1, 8)
TWO_ORGS = {"Lyon Métropole Habitat": (["financing"], 1000000, "Aide au démarrage"),
            "Vilogia": (["financing"], 500000, "")}


@pytest.fixture
def world(app, animator):
    dossier, orgs, members = supported_project(animator, TWO_ORGS)
    holder = dossier.holder
    holder.password_hash = AnimatorFactory().password_hash  # to log in with a password
    conventions = {c.organisation.name: c
                   for c in services.create_conventions(dossier, animator)}
    lyon, vilogia = conventions["Lyon Métropole Habitat"], conventions["Vilogia"]
    signed(lyon, animator, members["Lyon Métropole Habitat"])
    apply_transition(lyon, "activate", animator)
    people = followup.add_indicator(lyon, animator, IndicatorKind.PEOPLE, 200)
    workshops = followup.add_indicator(lyon, animator, IndicatorKind.FREE, 40,
                                       name="Ateliers", unit="ateliers")
    first = followup.add_reporting_date(lyon, animator, TODAY + timedelta(days=7))
    second = followup.add_reporting_date(lyon, animator, TODAY + timedelta(days=90))
    payment = services.schedule_payment(lyon, animator, TODAY + timedelta(days=30), 400000)
    later = services.schedule_payment(lyon, animator, TODAY + timedelta(days=120), 600000)
    other = supported_project(animator, {"Grand Lyon Habitat": (["financing"], 300000, "")},
                              title="Atelier vélo")
    other_convention = services.create_conventions(other[0], animator)[0]
    return {"animator": animator, "holder": holder, "dossier": dossier, "lyon": lyon,
            "vilogia": vilogia, "member": members["Lyon Métropole Habitat"],
            "vilogia_member": members["Vilogia"], "people": people, "workshops": workshops,
            "first": first, "second": second, "payment": payment, "later": later,
            "other_holder": other[0].holder, "other_convention": other_convention,
            "other_member": MemberFactory()}


def as_user(app, user):
    if user.password_hash is None:
        user.password_hash = AnimatorFactory().password_hash
    client = app.test_client()
    login(client, user, PASSWORD)
    return client


def _values(world, people=120, workshops=12):
    return {world["people"].id: people, world["workshops"].id: workshops}


# --- Indicators and reporting dates -------------------------------------------------------

def test_indicators_take_a_name_unit_and_integer_target(world):
    lyon, animator = world["lyon"], world["animator"]
    assert [(i.name, i.unit, i.target) for i in lyon.indicators] == [
        ("Personnes touchées", "personnes", 200), ("Ateliers", "ateliers", 40)]
    for target, message in ((-1, "positif ou nul"), (10_000_001, "trop élevé"),
                            (None, "nombre entier")):
        with pytest.raises(DomainError) as refused:
            followup.add_indicator(lyon, animator, IndicatorKind.JOBS, target)
        assert message in refused.value.message and refused.value.field == "target"
    with pytest.raises(DomainError) as refused:
        followup.add_indicator(lyon, animator, IndicatorKind.FREE, 3, name="", unit="x")
    assert refused.value.field == "name"
    with pytest.raises(DomainError) as refused:
        followup.add_indicator(lyon, animator, IndicatorKind.PEOPLE, 3)
    assert "déjà" in refused.value.message
    with pytest.raises(AccessDenied):  # another organisation's member
        followup.add_indicator(lyon, world["vilogia_member"], IndicatorKind.JOBS, 3)


def test_a_reporting_date_outside_2000_2100_is_refused(world):
    for when in (date(1999, 12, 31), date(2101, 1, 1)):
        with pytest.raises(DomainError) as refused:
            followup.add_reporting_date(world["lyon"], world["animator"], when)
        assert refused.value.field == "due_date"
        assert "01/01/2000" in refused.value.message
    with pytest.raises(DomainError):
        followup.add_reporting_date(world["lyon"], world["animator"], world["first"].due_date)


def test_the_animator_sets_the_follow_up_on_its_page_with_messages_at_the_field(app, world):
    client = as_user(app, world["animator"])
    lyon = world["lyon"]
    assert client.get(f"/conventions/{lyon.id}/suivi").status_code == 200
    bad = client.post(f"/conventions/{lyon.id}/suivi/indicateurs",
                      data={"kind": "free", "name": "Repas servis", "unit": "",
                            "target": "douze"})
    assert bad.status_code == 422
    assert "Indiquez un nombre entier" in error_of(bad, "target")
    assert 'value="Repas servis"' in bad.get_data(as_text=True)  # nothing typed lost
    no_unit = client.post(f"/conventions/{lyon.id}/suivi/indicateurs",
                          data={"kind": "free", "name": "Repas servis", "target": "1 500"})
    assert no_unit.status_code == 422 and "unité" in error_of(no_unit, "unit")
    ok = client.post(f"/conventions/{lyon.id}/suivi/indicateurs",
                     data={"kind": "free", "name": "Repas servis", "unit": "repas",
                           "target": "1 500"})
    assert ok.status_code == 302
    assert lyon.indicators[-1].target == 1500
    bad_date = client.post(f"/conventions/{lyon.id}/suivi/dates",
                           data={"due_date": "2150-01-01"})
    assert bad_date.status_code == 422
    assert "Indiquez une date entre le 01/01/2000 et le 31/12/2100" in error_of(
        bad_date, "due_date")
    assert client.post(f"/conventions/{lyon.id}/suivi/dates",
                       data={"due_date": "2027-12-31"}).status_code == 302
    assert date(2027, 12, 31) in [d.due_date for d in lyon.reporting_dates]


def test_the_indicators_placeholder_lists_indicators_and_targets(world):
    from murporteur.conventions.documents import values_of

    assert "indicators" in PLACEHOLDERS
    assert values_of([world["lyon"]])["indicators"] == (
        "Personnes touchées : 200 personnes; Ateliers : 40 ateliers")
    assert values_of([world["vilogia"]])["indicators"] == "aucun indicateur prévu"


# --- Reports --------------------------------------------------------------------------------

def test_a_report_s_figures_are_checked_against_their_type(world):
    first, holder = world["first"], world["holder"]
    for people, message in ((-3, "positif ou nul"), (10**9, "trop élevé"),
                            (None, "nombre entier"), ("12", "nombre entier")):
        with pytest.raises(DomainError) as refused:
            followup.submit_report(first, holder, _values(world, people=people), "Bien.")
        assert message in refused.value.message
        assert refused.value.field == f"indicator_{world['people'].id}"
    with pytest.raises(DomainError) as refused:
        followup.submit_report(first, holder, _values(world), "  ")
    assert refused.value.field == "text"
    report = followup.submit_report(first, holder, _values(world), "Les ateliers ont démarré.")
    assert report.value_of(world["people"]) == 120
    with pytest.raises(DomainError):
        followup.submit_report(first, holder, _values(world), "Encore.")
    assert followup.totals_reported(world["lyon"]) == _values(world)


def test_only_the_holder_reports_and_only_on_a_running_convention(world):
    for someone in ("other_holder", "member", "animator"):
        with pytest.raises(AccessDenied):
            followup.submit_report(world["first"], world[someone], _values(world), "x")
    unsigned = followup.add_reporting_date(world["vilogia"], world["animator"], TODAY)
    with pytest.raises(AccessDenied):
        followup.submit_report(unsigned, world["holder"], {}, "Pas encore signée.")


def test_the_holder_reports_on_the_dossier_page_and_the_organisation_reads_it(app, world):
    lyon, first = world["lyon"], world["first"]
    client = as_user(app, world["holder"])
    dossier_page = client.get(f"/mes-dossiers/{world['dossier'].public_id}")
    assert "Envoyer le bilan du " in page(dossier_page)
    url = f"/conventions/{lyon.id}/bilans/{first.id}"
    assert url in dossier_page.get_data(as_text=True)
    people, workshops = (f"indicator_{world['people'].id}",
                         f"indicator_{world['workshops'].id}")
    bad = client.post(url, data={people: "-4", workshops: "douze",
                                 "text": "Vingt familles accueillies."})
    assert bad.status_code == 422
    assert "Indiquez un nombre entier" in error_of(bad, people)
    assert "Indiquez un nombre entier" in error_of(bad, workshops)
    huge = client.post(url, data={people: "9" * 400, workshops: "1,5", "text": ""})
    assert huge.status_code == 422
    assert "trop élevé" in error_of(huge, people)
    assert "Indiquez un nombre entier" in error_of(huge, workshops)
    assert "Racontez en quelques lignes" in error_of(huge, "text")
    assert "Vingt familles accueillies." in bad.get_data(as_text=True)
    wrong_file = client.post(url, data={
        people: "120", workshops: "12", "text": "Vingt familles accueillies.",
        "documents": files.upload(files.exe(), "feuille.pdf")})
    assert wrong_file.status_code == 422
    assert "n'est pas d'un type accepté" in error_of(wrong_file, "documents")
    assert first.report is None
    sent = client.post(url, data={
        people: "1 20", workshops: "12", "text": "Vingt familles accueillies.",
        "documents": files.upload(files.pdf("Feuilles d'émargement"), "emargement.pdf")})
    assert sent.status_code == 302
    db.session.refresh(first)
    assert first.report.value_of(world["people"]) == 120
    assert "Bilan envoyé" in page(client.get(f"/mes-dossiers/{world['dossier'].public_id}"))
    assert client.post(url, data={people: "1", workshops: "1", "text": "x"}).status_code == 200

    member = as_user(app, world["member"])
    shown = member.get(f"/conventions/{lyon.id}")
    assert "Vingt familles accueillies." in page(shown)
    assert "120 personnes sur un objectif de 200" in page(shown)
    link = re.search(r'href="(/documents/[^"]+)">emargement.pdf',
                     shown.get_data(as_text=True)).group(1)
    assert member.get(link).status_code == 200
    assert as_user(app, world["animator"]).get(link).status_code == 200
    # Another organisation (even one party to the same dossier) sees neither.
    outsider = as_user(app, world["vilogia_member"])
    assert outsider.get(f"/conventions/{lyon.id}").status_code == 404
    assert outsider.get(link).status_code == 404
    assert as_user(app, world["other_member"]).get(link).status_code == 404


def test_a_holder_cannot_report_on_someone_else_s_convention(app, world):
    client = as_user(app, world["other_holder"])
    lyon, first = world["lyon"], world["first"]
    assert client.get(f"/conventions/{lyon.id}/bilans/{first.id}").status_code == 404
    assert client.post(f"/conventions/{lyon.id}/bilans/{first.id}",
                       data={"text": "x"}).status_code == 404
    own = as_user(app, world["holder"])
    # A reporting date of another convention under one's own convention's address: 404.
    stray = followup.add_reporting_date(world["other_convention"], world["animator"], TODAY)
    assert own.get(f"/conventions/{lyon.id}/bilans/{stray.id}").status_code == 404


# --- Payment requests -----------------------------------------------------------------------

def test_the_holder_asks_for_a_payment_and_the_organisation_approves_with_a_reason(app, world):
    lyon, payment = world["lyon"], world["payment"]
    holder = as_user(app, world["holder"])
    url = f"/conventions/{lyon.id}/versements/{payment.id}/demande"
    assert url in holder.get(f"/mes-dossiers/{world['dossier'].public_id}").get_data(
        as_text=True)
    empty = holder.post(url, data={"text": ""})
    assert empty.status_code == 422 and "pourquoi le versement" in error_of(empty, "text")
    assert holder.post(url, data={
        "text": "Le local est ouvert.",
        "documents": files.upload(files.pdf("Facture"), "facture.pdf")}).status_code == 302
    request = db.session.query(PaymentRequest).one()
    assert request.state == PaymentRequestState.REQUESTED
    assert [d.original_name for d in request.documents] == ["facture.pdf"]
    with pytest.raises(DomainError):  # already asked
        followup.request_payment(payment, world["holder"], "Encore")
    assert "Demandé" in page(holder.get(f"/mes-dossiers/{world['dossier'].public_id}"))

    decide = f"/conventions/{lyon.id}/demandes/{request.id}"
    assert as_user(app, world["vilogia_member"]).get(decide).status_code == 404
    assert as_user(app, world["other_member"]).post(
        decide, data={"decision": "approve", "reason": "x"}).status_code == 404
    assert holder.post(decide, data={"decision": "approve", "reason": "x"}).status_code == 403
    member = as_user(app, world["member"])
    no_reason = member.post(decide, data={"decision": "approve", "reason": ""})
    assert no_reason.status_code == 422
    assert "Le motif est obligatoire." in error_of(no_reason, "reason")
    assert member.post(decide, data={"decision": "approve",
                                     "reason": "Ouverture constatée."}).status_code == 302
    db.session.refresh(request)
    assert request.state == PaymentRequestState.APPROVED
    assert [(e.transition, e.to_state, e.comment, e.actor_id) for e in request.events] == [
        ("request", "requested", "Le local est ouvert.", world["holder"].id),
        ("approve", "approved", "Ouverture constatée.", world["member"].id)]
    shown = page(member.get(f"/conventions/{lyon.id}"))
    assert "Approuvé" in shown and "Ouverture constatée." in shown
    again = member.post(decide, data={"decision": "refuse", "reason": "Non."})
    assert again.status_code == 409  # decided already: said at the top of the page
    assert "Cette demande a déjà été traitée : elle est « Approuvé »." in page(again)
    history = page(member.get(decide)).split("Historique", 1)[1]
    assert history.index("Approuvé") < history.index("Ouverture constatée.") < history.index(
        "Demandé") < history.index("Le local est ouvert.")  # latest first
    assert request.state == PaymentRequestState.APPROVED


def test_a_refused_request_may_be_asked_again_and_a_paid_payment_never(world):
    later, holder = world["later"], world["holder"]
    request = followup.request_payment(later, holder, "Deuxième étape")
    with pytest.raises(DomainError) as refused:
        followup.decide(request, world["member"], False, "")
    assert refused.value.field == "reason"
    with pytest.raises(AccessDenied):
        followup.decide(request, world["vilogia_member"], False, "Pas à nous")
    followup.decide(request, world["animator"], False, "Justificatifs manquants")
    assert request.state == PaymentRequestState.REFUSED
    assert followup.request_payment(later, holder, "Avec les justificatifs").state == "requested"
    services.mark_paid(world["payment"], world["animator"], TODAY, 400000)
    with pytest.raises(DomainError):
        followup.request_payment(world["payment"], holder, "Déjà payé")
    with pytest.raises(AccessDenied):
        followup.request_payment(later, world["other_holder"], "Pas à moi")
    with pytest.raises(DomainError) as refused:  # asked for: kept in the schedule
        services.remove_payment(later, world["animator"])
    assert "Le porteur a demandé ce versement" in refused.value.message


# --- Reminders ------------------------------------------------------------------------------

def _to_holder(world, key):
    return outbox(key, to=world["holder"].email)


def test_the_holder_is_reminded_a_week_before_a_reporting_date_once(world):
    assert followup.remind_reports(NOW - timedelta(days=1)) == 0
    assert followup.remind_reports(NOW) == 1
    assert followup.remind_reports(NOW + timedelta(hours=2)) == 0
    commit_and_dispatch()
    mail, = _to_holder(world, "convention_report_due")
    subject = mail.subject.replace("\u202f", " ").replace("\xa0", " ")
    assert subject == (f"Bilan à envoyer le 15 janvier 2027 : {world['dossier'].number} "
                       "avec Lyon Métropole Habitat")
    assert link_in(mail).startswith("/lien/")  # logs the holder in, opens the dossier


def test_after_a_missed_date_the_day_after_then_weekly_three_times_at_most(world):
    due = world["first"].due_date
    day_after = datetime(due.year, due.month, due.day, 6, 50, tzinfo=UTC) + timedelta(days=1)
    assert followup.remind_reports(day_after - timedelta(days=1)) == 0  # the day itself
    assert followup.remind_reports(day_after) == 1
    assert followup.remind_reports(day_after + timedelta(days=3)) == 0
    assert followup.remind_reports(day_after + timedelta(days=7)) == 1
    assert followup.remind_reports(day_after + timedelta(days=14)) == 1
    assert followup.remind_reports(day_after + timedelta(days=21)) == 0  # three at most
    commit_and_dispatch()
    assert len(_to_holder(world, "convention_report_overdue")) == 3


def test_no_reminder_once_the_report_came(world):
    followup.submit_report(world["first"], world["holder"], _values(world), "Fait.")
    assert followup.remind_reports(NOW) == 0
    due = world["first"].due_date
    assert followup.remind_reports(
        datetime(due.year, due.month, due.day, 6, 50, tzinfo=UTC) + timedelta(days=1)) == 0


def test_reminders_stay_with_the_holder_of_that_dossier(world):
    other = HolderFactory()
    assert followup.remind_reports(NOW) == 1
    commit_and_dispatch()
    assert outbox("convention_report_due", to=other.email) == []
    assert outbox("convention_report_due", to=world["member"].email) == []


def test_the_organisation_hears_of_a_request_and_the_holder_of_the_decision(world):
    request = followup.request_payment(world["later"], world["holder"], "Deuxième étape")
    commit_and_dispatch()
    told = sorted(m.recipient_email for m in outbox("convention_payment_requested"))
    assert world["member"].email in told and world["animator"].email in told
    assert world["vilogia_member"].email not in told
    assert world["holder"].email not in told
    mail, = outbox("convention_payment_requested", to=world["member"].email)
    assert "Deuxième étape" in mail.text_body
    assert link_in(mail) == f"/conventions/{world['lyon'].id}/demandes/{request.id}"
    followup.decide(request, world["member"], False, "Il manque la facture.")
    commit_and_dispatch()
    mail, = outbox("convention_payment_decided", to=world["holder"].email)
    assert mail.subject.startswith("Demande de versement refusée")
    assert "Motif : Il manque la facture." in mail.text_body

"""Issue 18: a convention's follow-up stays editable after the signature, with the rules a
user expects — an indicator with reported values is archived or renamed, not deleted; a
reporting date a report answered stays; the holder corrects a report until it is read, then
it is locked — each change in the convention's history, each refusal said at its field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from murporteur.conventions import followup, signatures
from murporteur.conventions import followup_changes as changes
from murporteur.conventions.models import ConventionChange, IndicatorKind
from murporteur.core.errors import AccessDenied, DomainError
from murporteur.extensions import db
from tests.conventions.test_followup import TODAY, _values, as_user, world  # noqa: F401
from tests.conventions.test_views import error_of, page
from tests.helpers import text


def history_of(convention) -> list[str]:
    db.session.expire_all()
    return [c.action for c in db.session.query(ConventionChange).filter_by(
        convention_id=convention.id).order_by(ConventionChange.id)]


def report_on(world, reporting_date, **figures):  # noqa: F811
    return followup.submit_report(reporting_date, world["holder"], _values(world, **figures),
                                  "Les ateliers ont commencé.")


# --- Indicators ------------------------------------------------------------------------------

def test_an_indicator_is_renamed_and_its_target_changed_after_the_signature(app, world):  # noqa: F811
    lyon, people = world["lyon"], world["people"]
    assert lyon.state == "active"
    member = as_user(app, world["member"])  # the organisation's members may, once signed
    url = f"/conventions/{lyon.id}/suivi/indicateurs/{people.id}"
    bad = member.post(url, data={f"ind{people.id}-name": "Habitants touchés",
                                 f"ind{people.id}-unit": "habitants",
                                 f"ind{people.id}-target": "deux cents"})
    assert bad.status_code == 422
    assert "Indiquez un nombre entier" in error_of(bad, f"ind{people.id}-target")
    assert 'value="Habitants touchés"' in bad.get_data(as_text=True)
    clash = member.post(url, data={f"ind{people.id}-name": "Ateliers",
                                   f"ind{people.id}-unit": "habitants",
                                   f"ind{people.id}-target": "250"})
    assert clash.status_code == 422
    assert "suit déjà cet indicateur" in error_of(clash, f"ind{people.id}-name")
    ok = member.post(url, data={f"ind{people.id}-name": "Habitants touchés",
                                f"ind{people.id}-unit": "habitants",
                                f"ind{people.id}-target": "250"})
    assert ok.status_code == 302
    db.session.refresh(people)
    assert (people.name, people.unit, people.target) == ("Habitants touchés", "habitants", 250)
    assert "indicator_changed" in history_of(lyon)
    shown = page(as_user(app, world["animator"]).get(f"/conventions/{lyon.id}"))
    assert "Indicateur « Personnes touchées » modifié : « Habitants touchés », objectif 250 " \
        "habitants (avant : 200 personnes)." in shown


def test_an_indicator_with_reported_values_cannot_be_deleted_but_is_archived(app, world):  # noqa: F811
    lyon, people, workshops = world["lyon"], world["people"], world["workshops"]
    report_on(world, world["first"])
    client = as_user(app, world["animator"])
    refused = client.post(f"/conventions/{lyon.id}/suivi/indicateurs/{people.id}/supprimer")
    assert refused.status_code == 422
    assert "Des bilans donnent déjà une valeur à « Personnes touchées » : il ne se supprime " \
        "plus. Archivez-le" in error_of(refused, f"indicator-{people.id}")
    assert people in lyon.indicators
    archived = client.post(f"/conventions/{lyon.id}/suivi/indicateurs/{people.id}/archiver")
    assert archived.status_code == 302
    db.session.refresh(people)
    assert people.archived_at is not None
    assert lyon.current_indicators == [workshops]
    again = client.post(f"/conventions/{lyon.id}/suivi/indicateurs/{people.id}/archiver")
    assert again.status_code == 422 and "déjà archivé" in error_of(again,
                                                                     f"indicator-{people.id}")
    # Not asked in the next report; still shown in the first one.
    holder = as_user(app, world["holder"])
    form = holder.get(f"/conventions/{lyon.id}/bilans/{world['second'].id}")
    assert f'name="indicator_{people.id}"' not in form.get_data(as_text=True)
    assert holder.post(f"/conventions/{lyon.id}/bilans/{world['second'].id}", data={
        f"indicator_{workshops.id}": "20", "text": "Deuxième bilan."}).status_code == 302
    first = page(holder.get(f"/conventions/{lyon.id}/bilans/{world['first'].id}"))
    assert "Personnes touchées" in first
    assert client.post(f"/conventions/{lyon.id}/suivi/indicateurs/{people.id}/restaurer") \
        .status_code == 302
    assert history_of(lyon)[-2:] == ["indicator_archived", "indicator_restored"]


def test_an_indicator_without_values_is_deleted(app, world):  # noqa: F811
    lyon = world["lyon"]
    jobs = followup.add_indicator(lyon, world["animator"], IndicatorKind.JOBS, 2)
    client = as_user(app, world["member"])
    assert client.post(f"/conventions/{lyon.id}/suivi/indicateurs/{jobs.id}/supprimer") \
        .status_code == 302
    db.session.expire_all()
    assert [i.name for i in lyon.indicators] == ["Personnes touchées", "Ateliers"]
    assert history_of(lyon)[-1] == "indicator_removed"


def test_changing_the_indicators_cancels_a_document_awaiting_signatures(world):  # noqa: F811
    vilogia, animator = world["vilogia"], world["animator"]
    document = signatures.send_for_signature([vilogia], animator)
    followup.add_indicator(vilogia, animator, IndicatorKind.HOURS, 300)
    assert document.cancelled_at is not None and vilogia.state == "draft"


def test_who_may_change_the_follow_up(app, world):  # noqa: F811
    lyon, vilogia, people = world["lyon"], world["vilogia"], world["people"]
    with pytest.raises(AccessDenied):
        changes.archive_indicator(people, world["vilogia_member"])
    with pytest.raises(AccessDenied):
        changes.archive_indicator(people, world["holder"])
    # Before the signature, the indicators are the animators' (they are in the text).
    jobs = followup.add_indicator(vilogia, world["animator"], IndicatorKind.JOBS, 1)
    with pytest.raises(AccessDenied):
        changes.remove_indicator(jobs, world["vilogia_member"])
    vilogia_member = as_user(app, world["vilogia_member"])
    assert vilogia_member.get(f"/conventions/{vilogia.id}/suivi").status_code == 403
    assert vilogia_member.get(f"/conventions/{lyon.id}/suivi").status_code == 404
    assert as_user(app, world["member"]).get(f"/conventions/{lyon.id}/suivi").status_code \
        == 200


# --- Reporting dates -------------------------------------------------------------------------

def test_a_reporting_date_is_moved_or_removed_until_a_report_answers_it(app, world):  # noqa: F811
    lyon, first, second = world["lyon"], world["first"], world["second"]
    client = as_user(app, world["animator"])
    url = f"/conventions/{lyon.id}/suivi/dates/{second.id}"
    clash = client.post(url, data={f"date{second.id}-due_date": first.due_date.isoformat()})
    assert clash.status_code == 422
    assert "déjà prévue" in error_of(clash, f"date{second.id}-due_date")
    bad = client.post(url, data={f"date{second.id}-due_date": "31/02/2027"})
    assert bad.status_code == 422 and "date valide" in error_of(bad,
                                                                 f"date{second.id}-due_date")
    second.reminders_after = 2
    moved = TODAY + timedelta(days=100)
    assert client.post(url, data={f"date{second.id}-due_date": moved.isoformat()}) \
        .status_code == 302
    db.session.refresh(second)
    assert second.due_date == moved and second.reminders_after == 0

    report_on(world, first)
    for path, data in ((f"/conventions/{lyon.id}/suivi/dates/{first.id}",
                        {f"date{first.id}-due_date": moved.isoformat()}),
                       (f"/conventions/{lyon.id}/suivi/dates/{first.id}/supprimer", {})):
        refused = client.post(path, data=data)
        assert refused.status_code == 422
        assert "Le porteur a envoyé son bilan pour cette date" in text(refused)
    assert first in lyon.reporting_dates
    assert client.post(f"/conventions/{lyon.id}/suivi/dates/{second.id}/supprimer") \
        .status_code == 302
    db.session.expire_all()
    assert [d.id for d in lyon.reporting_dates] == [first.id]
    assert history_of(lyon)[-2:] == ["reporting_date_moved", "reporting_date_removed"]


def test_a_past_date_with_its_report_stays_an_overdue_one_goes(world):  # noqa: F811
    lyon, animator = world["lyon"], world["animator"]
    past = followup.add_reporting_date(lyon, animator, TODAY - timedelta(days=30))
    overdue = followup.add_reporting_date(lyon, animator, TODAY - timedelta(days=10))
    report_on(world, past)
    with pytest.raises(DomainError) as refused:
        changes.remove_reporting_date(past, animator)
    assert refused.value.field == "due_date"
    changes.remove_reporting_date(overdue, animator)
    assert overdue not in lyon.reporting_dates


# --- Reports: corrected until read -----------------------------------------------------------

def test_the_holder_corrects_a_report_until_it_is_read_then_it_is_locked(app, world):  # noqa: F811
    lyon, first, people = world["lyon"], world["first"], world["people"]
    report = report_on(world, first, people=120)
    holder = as_user(app, world["holder"])
    url = f"/conventions/{lyon.id}/bilans/{first.id}/corriger"
    assert "Corriger ce bilan" in page(holder.get(f"/conventions/{lyon.id}/bilans/{first.id}"))
    form = holder.get(url)
    assert form.status_code == 200 and 'value="120"' in form.get_data(as_text=True)
    wrong = holder.post(url, data={f"indicator_{people.id}": "12,5",
                                   f"indicator_{world['workshops'].id}": "-3",
                                   "text": "Corrigé."})
    assert wrong.status_code == 422
    assert "Indiquez un nombre entier" in error_of(wrong, f"indicator_{people.id}")
    assert "Indiquez un nombre entier" in error_of(wrong, f"indicator_{world['workshops'].id}")
    assert holder.post(url, data={f"indicator_{people.id}": "130",
                                  f"indicator_{world['workshops'].id}": "12",
                                  "text": "Corrigé : 130 personnes."}).status_code == 302
    db.session.refresh(report)
    assert report.value_of(people) == 130 and report.corrected_at is not None
    assert report.text == "Corrigé : 130 personnes."
    # Someone else, even another holder, does not reach it.
    assert as_user(app, world["other_holder"]).get(url).status_code == 404
    assert as_user(app, world["member"]).get(url).status_code == 404

    member = as_user(app, world["member"])
    assert as_user(app, world["vilogia_member"]).post(
        f"/conventions/{lyon.id}/bilans/{first.id}/lu").status_code == 404
    assert member.post(f"/conventions/{lyon.id}/bilans/{first.id}/lu").status_code == 302
    db.session.refresh(report)
    assert report.acknowledged_by == world["member"]
    locked = holder.post(url, data={f"indicator_{people.id}": "140",
                                    f"indicator_{world['workshops'].id}": "12",
                                    "text": "Encore."})
    assert locked.status_code == 409
    assert "Ce bilan a été lu le" in text(locked) and "il ne se modifie plus" in text(locked)
    db.session.refresh(report)
    assert report.value_of(people) == 130
    with pytest.raises(DomainError):
        changes.correct_report(report, world["holder"], _values(world), "Encore")
    assert "Corriger ce bilan" not in page(holder.get(f"/conventions/{lyon.id}/bilans/"
                                                      f"{first.id}"))
    assert history_of(lyon)[-2:] == ["report_corrected", "report_acknowledged"]
    again = member.post(f"/conventions/{lyon.id}/bilans/{first.id}/lu")
    assert again.status_code == 302  # read meanwhile: said, nothing changed


def test_a_report_s_figures_are_checked_against_their_type(world):  # noqa: F811
    people, workshops = world["people"], world["workshops"]
    for value, message in ((None, "nombre entier"), (-1, "positif ou nul"),
                           (10_000_001, "trop élevé"), (2.5, "nombre entier"),
                           (True, "nombre entier"), ("12", "nombre entier")):
        with pytest.raises(DomainError) as refused:
            followup.submit_report(world["first"], world["holder"],
                                   {people.id: value, workshops.id: 3}, "Texte.")
        assert message in refused.value.message, value
        assert refused.value.field == f"indicator_{people.id}"

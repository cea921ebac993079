"""Retention with moved dates: drafts warned then deleted, finished dossiers anonymised,
nothing under instruction or with a running convention touched."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import update

from murporteur.accounts.models import User
from murporteur.conventions import services as conventions
from murporteur.core.db import utcnow
from murporteur.extensions import db
from murporteur.notifications.delivery import render
from murporteur.privacy import retention
from murporteur.privacy.services import ANONYMOUS_TITLE
from murporteur.submissions.models import Dossier
from murporteur.submissions.uploads import path_of, store
from murporteur.triage.services import decide
from tests import files
from tests.conventions.test_services import supported_project
from tests.factories import DraftFactory, submitted_dossier
from tests.helpers import outbox

NOW = utcnow()


def _age(dossier, **moved):
    db.session.execute(update(Dossier).where(Dossier.id == dossier.id).values(**moved))
    db.session.expire_all()


#: Older than the draft retention period (2 months) plus the warning's delay.
STALE = relativedelta(months=2, days=20)


def _stale_draft(months_ago=STALE):
    draft = DraftFactory(title="Jardin partagé")
    document = store(files.upload_storage(files.pdf(), "plan.pdf"), dossier_id=draft.id)
    _age(draft, updated_at=NOW - months_ago)
    return draft, document


def test_a_draft_untouched_for_ten_weeks_is_announced_once_two_weeks_before(app):
    draft, _document = _stale_draft()
    fresh = DraftFactory()
    before = draft.updated_at
    assert retention.warn_expiring_drafts(NOW) == 1
    mails = outbox("draft_expiry_warning")
    assert [m.recipient_email for m in mails] == [draft.holder.email]
    subject, body, _html = render(mails[0])
    assert "sera supprimé le" in subject
    assert "Jardin partagé" in body and "/lien/" in body
    db.session.expire_all()
    assert draft.expiry_warned_at is not None and draft.updated_at == before
    assert fresh.expiry_warned_at is None
    assert retention.warn_expiring_drafts(NOW + timedelta(days=1)) == 0
    assert len(outbox("draft_expiry_warning")) == 1


def test_the_draft_is_deleted_with_its_files_once_the_notice_has_run(app):
    draft, document = _stale_draft()
    retention.warn_expiring_drafts(NOW)
    assert retention.delete_expired_drafts(NOW + timedelta(days=13)) == 0
    assert retention.delete_expired_drafts(NOW + timedelta(days=15)) == 1
    db.session.expire_all()
    assert db.session.get(Dossier, draft.id) is None
    assert not path_of(document).exists()


def test_a_draft_saved_again_after_the_warning_is_kept(app):
    draft, _document = _stale_draft()
    retention.warn_expiring_drafts(NOW)
    _age(draft, updated_at=NOW + timedelta(days=2))  # the holder came back
    assert retention.delete_expired_drafts(NOW + timedelta(days=30)) == 0
    assert db.session.get(Dossier, draft.id) is not None


def test_a_draft_is_never_deleted_without_the_warning_first(app):
    draft, _document = _stale_draft(relativedelta(months=6))
    assert retention.delete_expired_drafts(NOW) == 0
    retention.warn_expiring_drafts(NOW)
    assert retention.delete_expired_drafts(NOW + timedelta(days=13)) == 0
    assert retention.delete_expired_drafts(NOW + timedelta(days=14, minutes=1)) == 1


def test_the_durations_come_from_the_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "DRAFT_RETENTION_MONTHS", 12)
    _stale_draft()
    assert retention.warn_expiring_drafts(NOW) == 0


def _finished(animator, transition, months):
    dossier = submitted_dossier()
    document = store(files.upload_storage(files.pdf(), "cv.pdf"), dossier_id=dossier.id)
    if transition == "withdraw":
        from murporteur.submissions.services import withdraw_dossier

        withdraw_dossier(dossier, dossier.holder)
    else:
        decide(dossier, transition, animator, "Motivation personnelle",
               structure=_structure() if transition == "redirect" else None)
    _age(dossier, state_changed_at=NOW - relativedelta(months=months))
    return dossier, document


def _structure():
    from murporteur.directory.seed import seed_structures

    return seed_structures()[0]


@pytest.mark.parametrize("transition", ["decline", "redirect", "withdraw"])
def test_finished_dossiers_are_anonymised_after_24_months(app, animator, transition):
    old, old_document = _finished(animator, transition, 25)
    recent, _ = _finished(animator, transition, 23)
    assert retention.anonymise_finished(NOW) == 1
    db.session.expire_all()
    assert old.title == ANONYMOUS_TITLE and old.contact_name == "" and old.phone == ""
    assert old.number is not None and old.state in ("declined", "redirected", "withdrawn")
    assert not path_of(old_document).exists()
    assert recent.contact_name == "Amina Diallo"
    # Nothing of the holder's is kept with personal data any more: the account goes too.
    assert db.session.get(User, old.holder_id).email.endswith("@anonyme.invalid")
    assert db.session.get(User, recent.holder_id).active


def test_nothing_under_instruction_or_with_a_running_convention_is_touched(app, animator):
    under_instruction = submitted_dossier()
    _age(under_instruction, state_changed_at=NOW - relativedelta(months=40),
         submitted_at=NOW - relativedelta(months=40))
    dossier, _orgs, _members = supported_project(animator)
    conventions.create_conventions(dossier, animator)
    dossier.state = "withdrawn"  # even a state that is anonymised, as long as one runs
    db.session.flush()
    _age(dossier, state_changed_at=NOW - relativedelta(months=40))
    assert retention.anonymise_finished(NOW) == 0
    db.session.expire_all()
    assert under_instruction.anonymised_at is None and dossier.anonymised_at is None

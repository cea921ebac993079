from datetime import UTC, datetime

import pytest

from murporteur.core.errors import AccessDenied
from murporteur.core.lifecycle import TransitionRefused
from murporteur.submissions import services
from murporteur.submissions.models import Dossier
from murporteur.submissions.policies import may_view_dossier
from tests.factories import AnimatorFactory, DraftFactory, HolderFactory, submitted_dossier
from tests.helpers import outbox


def test_submission_gives_a_yearly_number_and_a_history(app):
    first = DraftFactory()
    second = DraftFactory()
    services.submit_dossier(first, first.holder, now=datetime(2026, 3, 1, 10, tzinfo=UTC))
    services.submit_dossier(second, second.holder, now=datetime(2026, 3, 2, 10, tzinfo=UTC))
    assert (first.number, second.number) == ("MP-2026-0001", "MP-2026-0002")
    assert first.state == "submitted"
    assert [(e.from_state, e.to_state) for e in first.events] == [("draft", "submitted")]


def test_numbers_start_again_each_year_in_paris_time(app):
    late = DraftFactory()
    # 23:30 UTC on 31 December is already New Year's Day in Paris.
    services.submit_dossier(late, late.holder, now=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert late.number == "MP-2027-0001"


def test_an_incomplete_draft_is_not_submitted_and_says_what_is_missing(app):
    draft = DraftFactory(title="", support_kinds=[], consent_at=None)
    with pytest.raises(services.IncompleteDossier) as error:
        services.submit_dossier(draft, draft.holder)
    assert set(error.value.problems) == {"title", "support_kinds", "consent"}
    assert draft.state == "draft" and draft.number is None


def test_financing_needs_its_amount(app):
    draft = DraftFactory(support_kinds=["financing"], financing_amount_cents=None)
    assert "financing_amount_cents" in services.submission_problems(draft)
    draft.financing_amount_cents = 800000
    assert services.submission_problems(draft) == {}


def test_only_the_holder_submits(app):
    draft = DraftFactory()
    with pytest.raises(AccessDenied):
        services.submit_dossier(draft, HolderFactory())
    with pytest.raises(AccessDenied):
        services.submit_dossier(draft, AnimatorFactory())
    assert draft.number is None


def test_a_dossier_is_submitted_once(app):
    dossier = submitted_dossier()
    with pytest.raises(TransitionRefused):
        services.submit_dossier(dossier, dossier.holder)


def test_submission_queues_the_receipt_and_tells_every_animator(app):
    animators = [AnimatorFactory(), AnimatorFactory()]
    dossier = submitted_dossier()
    receipts = outbox("dossier_receipt")
    assert [m.recipient_email for m in receipts] == [dossier.holder.email]
    assert receipts[0].context["number"] == dossier.number
    assert receipts[0].context["tracking_url"].startswith("http://murporteur.test/lien/")
    staff = outbox("dossier_new_for_staff")
    assert sorted(m.recipient_email for m in staff) == sorted(a.email for a in animators)


def test_answers_are_frozen_once_submitted(app):
    dossier = submitted_dossier()
    with pytest.raises(Exception, match="envoyé"):
        services.update_answers(dossier, services.Answers(values={"title": "Autre"}))


def test_consent_records_when_and_which_text(app):
    draft = Dossier(state="draft", support_kinds=[])
    services.update_answers(draft, services.Answers(values={}, consent=True),
                            now=datetime(2026, 5, 1, tzinfo=UTC))
    assert draft.consent_at == datetime(2026, 5, 1, tzinfo=UTC)
    assert draft.consent_version == services.CONSENT_VERSION
    services.update_answers(draft, services.Answers(values={}, consent=False))
    assert draft.consent_at is None


def test_dropping_financing_forgets_its_amount(app):
    draft = DraftFactory(support_kinds=["financing"], financing_amount_cents=500000)
    services.update_answers(draft, services.Answers(values={"support_kinds": ["premises"]},
                                                    consent=True))
    assert draft.financing_amount_cents is None


def test_withdrawal_only_while_undecided(app):
    dossier = submitted_dossier()
    assert services.may_withdraw(dossier, dossier.holder)
    assert not services.may_withdraw(dossier, HolderFactory())
    dossier.state = "declined"
    assert not services.may_withdraw(dossier, dossier.holder)


def test_who_sees_a_dossier(app):
    dossier = submitted_dossier()
    assert may_view_dossier(dossier.holder, dossier)
    assert may_view_dossier(AnimatorFactory(), dossier)
    assert not may_view_dossier(HolderFactory(), dossier)
    assert not may_view_dossier(None, dossier)
    draft = DraftFactory()
    assert not may_view_dossier(AnimatorFactory(), draft)


def test_an_empty_message_is_refused(app):
    dossier = submitted_dossier()
    with pytest.raises(Exception, match="vide"):
        services.post_message(dossier, dossier.holder, "   ")
    with pytest.raises(AccessDenied):
        services.post_message(dossier, HolderFactory(), "Bonjour")

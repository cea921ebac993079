"""Retention: how long personal data is kept (durations in settings; README "Retention").

- A draft untouched for ``DRAFT_RETENTION_MONTHS`` (3) is deleted, after a warning e-mail
  ``DRAFT_WARNING_DAYS`` (14) days before; saving the draft again starts the clock anew.
- A declined, redirected or withdrawn dossier is anonymised ``FINISHED_RETENTION_MONTHS``
  (24) after it reached that state; the holder's account follows once none of their dossiers
  holds personal data any more.
- Nothing under instruction or with a convention still running is touched.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import or_, select, update

from murporteur.accounts.models import User
from murporteur.core.db import utcnow
from murporteur.core.timeutil import to_paris
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.notifications.services import queue
from murporteur.privacy import services
from murporteur.submissions.models import Dossier
from murporteur.submissions.workflow import DossierState


def _draft_limits(now: datetime) -> tuple[datetime, datetime, timedelta]:
    config = current_app.config
    deadline = now - relativedelta(months=config["DRAFT_RETENTION_MONTHS"])
    notice = timedelta(days=config["DRAFT_WARNING_DAYS"])
    return deadline, deadline + notice, notice


def drafts_to_warn(now: datetime | None = None) -> list[Dossier]:
    """Drafts that will be deleted in ``DRAFT_WARNING_DAYS`` and whose holder has not been
    warned since they last saved them."""
    _deadline, warn_before, _notice = _draft_limits(now or utcnow())
    return list(db.session.scalars(select(Dossier).where(
        Dossier.state == DossierState.DRAFT, Dossier.updated_at < warn_before,
        or_(Dossier.expiry_warned_at.is_(None),
            Dossier.expiry_warned_at < Dossier.updated_at)).order_by(Dossier.id)))


def warn_expiring_drafts(now: datetime | None = None) -> int:
    now = now or utcnow()
    _deadline, _warn_before, notice = _draft_limits(now)
    drafts = drafts_to_warn(now)
    for draft in drafts:
        holder = draft.holder
        delete_on = max(draft.updated_at + relativedelta(
            months=current_app.config["DRAFT_RETENTION_MONTHS"]), now + notice)
        if holder.active:  # an account switched off gets no mail; the notice runs anyway
            _warn(draft, holder, delete_on)
        # Not a change by the holder: updated_at (the "untouched since") stays as it was.
        db.session.execute(update(Dossier).where(Dossier.id == draft.id).values(
            expiry_warned_at=now, updated_at=Dossier.updated_at))
    db.session.flush()
    return len(drafts)


def _warn(draft: Dossier, holder: User, delete_on: datetime) -> None:
    from babel.dates import format_date

    from murporteur.accounts.models import TokenPurpose
    from murporteur.accounts.services import issue_link
    from murporteur.notifications.services import locale_of

    link = issue_link(holder, TokenPurpose.RESUME_DRAFT, dossier_id=draft.id)
    queue("draft_expiry_warning", holder, {
        "title": draft.title, "contact_name": draft.contact_name,
        "delete_on": format_date(to_paris(delete_on).date(), "d MMMM yyyy",
                                 locale=locale_of(holder)),
        "resume_url": external_url("accounts.follow_link", token=link.signed)},
        idempotency_key=f"draft-expiry:{draft.id}:{draft.updated_at.timestamp()}",
        dossier_id=draft.id, sensitive=True)


def drafts_to_delete(now: datetime | None = None) -> list[Dossier]:
    """Untouched past the deadline, and warned at least ``DRAFT_WARNING_DAYS`` ago (a
    draft whose warning could not leave is kept until the full notice has run)."""
    now = now or utcnow()
    deadline, _warn_before, notice = _draft_limits(now)
    return list(db.session.scalars(select(Dossier).where(
        Dossier.state == DossierState.DRAFT, Dossier.updated_at < deadline,
        Dossier.expiry_warned_at.is_not(None), Dossier.expiry_warned_at >= Dossier.updated_at,
        Dossier.expiry_warned_at <= now - notice).order_by(Dossier.id)))


def delete_expired_drafts(now: datetime | None = None) -> int:
    drafts = drafts_to_delete(now)
    for draft in drafts:
        services.delete_draft(draft, None, reason="retention")
    return len(drafts)


def dossiers_to_anonymise(now: datetime | None = None) -> list[Dossier]:
    now = now or utcnow()
    cutoff = now - relativedelta(months=current_app.config["FINISHED_RETENTION_MONTHS"])
    candidates = db.session.scalars(select(Dossier).where(
        Dossier.state.in_(services.RETAINED_THEN_ANONYMISED), Dossier.anonymised_at.is_(None),
        Dossier.state_changed_at < cutoff).order_by(Dossier.id))
    return [d for d in candidates if services.why_not_erasable(d) is None]


def anonymise_finished(now: datetime | None = None) -> int:
    now = now or utcnow()
    dossiers = dossiers_to_anonymise(now)
    holders = {d.holder_id for d in dossiers}
    for dossier in dossiers:
        services.anonymise_dossier(dossier, None, reason="retention", now=now)
    for holder_id in holders:
        _anonymise_account_if_empty(db.session.get_one(User, holder_id), now)
    return len(dossiers)


def _anonymise_account_if_empty(holder: User, now: datetime) -> None:
    """The account goes too once nothing of its holder's is kept with personal data."""
    dossiers = services.holder_dossiers(holder)
    if holder.active and all(d.anonymised_at is not None for d in dossiers):
        services.anonymise_account(holder, None, now=now)

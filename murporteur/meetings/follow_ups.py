"""After a flash meeting event: what each side makes of a meeting (its follow-up, written in
the dossier's history), and the exchanges worth going on with.

Plain functions on the models; they flush, never commit (the request commits once)."""

from __future__ import annotations

from collections import Counter

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from murporteur import signals
from murporteur.audit import services as audit
from murporteur.core.errors import DomainError
from murporteur.extensions import db
from murporteur.meetings.models import FlashEvent, FlashMeeting, FollowUp, Outcome, Participant
from murporteur.meetings.services import MeetingRefused
from murporteur.meetings.workflow import EventState
from murporteur.triage.services import record_activity


def record_follow_up(participant: Participant, meeting: FlashMeeting, outcome: Outcome,
                     note: str = "") -> FollowUp:
    if participant.id not in (meeting.holder_id, meeting.representative_id):
        raise DomainError(_l("Ce rendez-vous n'est pas le vôtre."), field="outcome")
    if meeting.event.state != EventState.HELD:
        raise MeetingRefused(_l("Les suites se notent une fois la rencontre tenue."),
                             field="outcome")
    follow_up = db.session.scalar(select(FollowUp).where(
        FollowUp.meeting_id == meeting.id, FollowUp.participant_id == participant.id))
    if follow_up is None:
        follow_up = FollowUp(meeting_id=meeting.id, participant_id=participant.id,
                             outcome=outcome, note=note.strip())
        db.session.add(follow_up)
    else:
        follow_up.outcome, follow_up.note = outcome, note.strip()
    db.session.flush()
    dossier_id = meeting.holder.dossier_id
    if meeting.holder.dossier is not None:
        # The dossier's history says it, as it says a call or an assignment.
        from murporteur.meetings.forms import OUTCOME_LABELS

        with force_locale("fr"):
            said = f"{OUTCOME_LABELS[outcome]}" + (f" — {follow_up.note}" if follow_up.note
                                                   else "")
        record_activity(meeting.holder.dossier, participant.user, "flash_follow_up",
                        f"« {meeting.event.title} », {participant.label} : {said}")
    audit.record(participant.user, "flash_meeting.follow_up", meeting.event,
                 {"meeting": meeting.id, "participant": participant.id,
                  "outcome": str(outcome), "dossier": dossier_id})
    signals.flash_follow_up_recorded.send(follow_up)
    return follow_up


def qualified_exchanges(event: FlashEvent) -> dict:
    """Meetings held whose both sides, or one, want to go on ("interested" or "to follow"),
    overall and per organisation."""
    per_org: Counter[str] = Counter()
    qualified = 0
    for meeting in event.meetings:
        if meeting.qualified:
            qualified += 1
            organisation = meeting.representative.organisation
            per_org[organisation.name if organisation else "?"] += 1
    return {"meetings": len(event.meetings), "qualified": qualified,
            "per_organisation": sorted(per_org.items(), key=lambda kv: (-kv[1], kv[0]))}

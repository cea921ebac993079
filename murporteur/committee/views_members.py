"""The members' portal: their organisation's sessions, the agenda items and their positions.

Short pages for people in a hurry, often on a phone. Anything a member may not see answers
404, so that a session's or an item's existence is never revealed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from murporteur.accounts.models import Organisation, Role
from murporteur.committee import agenda, minutes, services
from murporteur.committee.forms_members import PositionForm, ProxyForm
from murporteur.committee.forms_staff import STANCE_LABELS
from murporteur.committee.labels import translated
from murporteur.committee.models import AgendaItem, CommitteeSession
from murporteur.committee.policies import (
    may_view_item,
    may_view_positions,
    may_view_session,
    speaking_organisation_ids,
)
from murporteur.committee.services import PositionConflict
from murporteur.committee.workflow import SESSION_STATES, UPCOMING_STATES
from murporteur.core.access import roles_required
from murporteur.core.handling import get_or_404, on_refusal
from murporteur.premises.services import units_of as premises_units_of
from murporteur.submissions.choices import SUPPORT_KIND_LABELS
from murporteur.submissions.policies import documents_for
from murporteur.triage.choices import THEME_LABELS

bp = Blueprint("members", __name__, url_prefix="/comite")

members_only = roles_required(Role.MEMBER)


# --- Loading -------------------------------------------------------------------------------

def _load_session(session_id: int) -> CommitteeSession:
    return get_or_404(CommitteeSession, session_id, may=may_view_session)


def _load_item(session_id: int, item_id: int) -> AgendaItem:
    item = get_or_404(AgendaItem, item_id, may=may_view_item)
    if item.session_id != session_id:
        abort(404)
    return item


def _speaking_for(session: CommitteeSession) -> list[Organisation]:
    """The organisations the member may give the position of in ``session`` (their own, and
    those that gave them a proxy), as the policy decides."""
    allowed = speaking_organisation_ids(current_user, session)
    organisations = [o for o in session.organisations if o.id in allowed]
    return sorted(organisations, key=lambda o: (o.id != current_user.organisation_id, o.name))


def _chosen(organisations: list[Organisation], wanted: str | None) -> Organisation:
    return next((o for o in organisations if str(o.id) == wanted), organisations[0])


def _missing_count(session: CommitteeSession) -> int:
    """How many items the member's own organisation has given no position on yet."""
    for organisation, items in services.missing_positions(session).items():
        if organisation.id == current_user.organisation_id:
            return len(items)
    return 0


def _proxy_choices(session: CommitteeSession) -> list[tuple[str, str]]:
    others = [m for m in services.invited_members(session)
              if m.organisation_id != current_user.organisation_id]
    return [("", _("— Choisissez —"))] + [
        (str(m.id), f"{m.display_name} ({m.organisation.name if m.organisation else ''})")
        for m in others]


# --- Sessions ------------------------------------------------------------------------------

@bp.get("/")
@members_only
def sessions():
    everything = services.sessions_for(current_user)  # newest first
    upcoming = [s for s in reversed(everything) if s.state in UPCOMING_STATES]
    past = [s for s in everything if s.state not in UPCOMING_STATES]
    return render_template("committee/member_sessions.html", upcoming=upcoming, past=past,
                           missing={s.id: _missing_count(s) for s in upcoming},
                           session_states=SESSION_STATES)


def _render_session(session: CommitteeSession, status: int = 200,
                    proxy_form: ProxyForm | None = None):
    given, received = services.proxies_for(session, current_user)
    if proxy_form is None:
        proxy_form = ProxyForm(formdata=None,
                               receiver=str(given.receiver_id) if given else "")
        proxy_form.receiver.choices = _proxy_choices(session)
    # Whom the member speaks for depends on the session only (their organisation, proxies):
    # decided once; each item comes with the positions of those organisations only.
    organisations = _speaking_for(session)
    lines = agenda.agenda_lines(session, organisation_ids=[o.id for o in organisations],
                                supporters=False)
    summaries = [(line, [(o, line.position_of(o.id)) for o in organisations])
                 for line in lines]
    return render_template(
        "committee/member_session.html", session=session, summaries=summaries,
        state=SESSION_STATES[session.state], given=given, received=received,
        # Display only (whether to offer the form): services.give_proxy enforces it.
        proxy_form=proxy_form, proxy_open=services.proxy_open(session),
        **translated(stance_labels=STANCE_LABELS, kind_labels=SUPPORT_KIND_LABELS)), status


@bp.get("/seances/<id:session_id>")
@members_only
def show_session(session_id: int):
    return _render_session(_load_session(session_id))


@bp.get("/seances/<id:session_id>/compte-rendu.pdf")
@members_only
def download_minutes(session_id: int):
    return minutes.send_minutes(_load_session(session_id))


@bp.post("/seances/<id:session_id>/procuration")
@members_only
def give_proxy(session_id: int):
    session = _load_session(session_id)
    form = ProxyForm()
    form.receiver.choices = _proxy_choices(session)
    if not form.validate_on_submit():
        return _render_session(session, 422, form)
    receiver = next((m for m in services.invited_members(session)
                     if str(m.id) == form.receiver.data), None)
    if receiver is None:
        form.receiver.errors = [_("Choisissez un membre d'une autre organisation invitée.")]
        return _render_session(session, 422, form)
    on_refusal(form, "receiver", lambda _exc: _render_session(session, 422, form))
    services.give_proxy(session, current_user, receiver)
    flash(_("Vous avez donné procuration à %(name)s pour cette séance.",
            name=receiver.display_name), "success")
    return redirect(url_for("members.show_session", session_id=session.id))


def _unit_choices(organisations: list[Organisation]) -> list[tuple[str, str]]:
    """The units of the premises catalogue the member may offer (their organisations')."""
    return [("", _("— Aucun —"))] + [
        (str(u.id), f"{u.label} ({u.surface_m2} m²) — {o.name}")
        for o in organisations for u in premises_units_of(o.id)]


# --- Agenda items --------------------------------------------------------------------------

def _render_item(item: AgendaItem, organisations: list[Organisation], form: PositionForm,
                 status: int = 200, typed: PositionForm | None = None,
                 page_errors: list | None = None):
    session = item.session
    dossier = item.dossier
    rows: list[Any] = []
    total = 0
    if may_view_positions(current_user, session):
        rows, total, _missing = services.grid(item)
    organisation = _chosen(organisations, form.organisation.data)
    # « précédent / suivant »: the items of the agenda, in its order.
    agenda = list(session.items)
    at = agenda.index(item) if item in agenda else 0
    return render_template(
        "committee/member_item.html", session=session, item=item, dossier=dossier,
        previous_item=agenda[at - 1] if at > 0 else None,
        next_item=agenda[at + 1] if at + 1 < len(agenda) else None,
        item_rank=at + 1, item_count=len(agenda),
        slot=session.slot_of(item), documents=documents_for(current_user, dossier),
        qualification=getattr(dossier, "qualification", None), themes=THEME_LABELS,
        form=form, organisations=organisations, organisation=organisation,
        saved=services.position_of(item, organisation), typed=typed,
        page_errors=page_errors or [], positions_open=services.positions_open(item),
        rows=rows, total=total,
        stance_labels=STANCE_LABELS, kind_labels=SUPPORT_KIND_LABELS), status


@bp.route("/seances/<id:session_id>/points/<id:item_id>", methods=["GET", "POST"])
@members_only
def show_item(session_id: int, item_id: int):
    item = _load_item(session_id, item_id)
    organisations = _speaking_for(item.session)
    choices = [(str(o.id), o.name) for o in organisations]
    if request.method == "GET":
        form = PositionForm(formdata=None)
        form.organisation.choices = choices
        form.premises_unit.choices = _unit_choices(organisations)
        organisation = _chosen(organisations, request.args.get("organisation"))
        form.show(services.position_of(item, organisation), organisation.id)
        return _render_item(item, organisations, form)

    form = PositionForm()
    form.organisation.choices = choices
    form.premises_unit.choices = _unit_choices(organisations)
    form.keep_offer_kinds(services.position_of(item, _chosen(organisations,
                                                             form.organisation.data)))
    if not form.validate_on_submit():
        return _render_item(item, organisations, form, 422)
    organisation = _chosen(organisations, form.organisation.data)

    def refused(exc):
        if not isinstance(exc, PositionConflict):
            return _render_item(item, organisations, form, page_errors=[exc.message])
        # The saved version goes in the form (with its version); what the member typed stays
        # on the page beside it, to re-apply (answered 409: the conflict's status).
        current = PositionForm(formdata=None)
        current.organisation.choices = choices
        current.premises_unit.choices = _unit_choices(organisations)
        current.show(services.position_of(item, organisation), organisation.id)
        return _render_item(item, organisations, current, typed=form,
                            page_errors=[exc.message])

    on_refusal(None, None, refused)
    services.record_position(item, current_user, **form.values(),
                             expected_version=form.expected_version(organisation.id),
                             organisation_id=organisation.id)
    flash(_("Position enregistrée pour %(name)s sur « %(title)s ».", name=organisation.name,
            title=item.dossier.title), "success")
    return redirect(url_for("members.show_session", session_id=item.session_id)
                    + f"#point-{item.id}")


@bp.get("/second-soutien")
@members_only
def second_backer():
    """Projects one organisation backs alone, that another landlord could join."""
    from murporteur.committee.crossed import looking_for_a_second

    return render_template("committee/member_second.html",
                           items=looking_for_a_second(current_user))


@bp.app_context_processor
def _crossed_interventions() -> dict:
    """``backing(item)`` for the pages that show an item's offers (members' and staff's)."""
    from murporteur.committee.crossed import backing

    return {"backing": backing}

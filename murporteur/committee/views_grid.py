"""The committee's live grid and its decisions (the animators' side, blueprint ``committee``
of ``views_staff``): the grid, its polled live parts, an item's decision page, noting and
publishing the decisions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import make_response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from murporteur.accounts.models import Organisation
from murporteur.committee import agenda, services
from murporteur.committee.agenda import AgendaLine, Named
from murporteur.committee.forms_staff import (
    DECISION_LABELS,
    STANCE_LABELS,
    ItemDecisionForm,
)
from murporteur.committee.labels import translated
from murporteur.committee.models import CommitteeSession, Decision, Stance
from murporteur.committee.views_staff import _done, _load, _load_item, animators_only, bp
from murporteur.committee.workflow import SESSION_STATES
from murporteur.core.handling import on_refusal
from murporteur.extensions import db
from murporteur.submissions.choices import SUPPORT_KIND_LABELS

#: How often the open grid asks for the latest positions (seconds).
GRID_POLL_SECONDS = 4


def _decision_form(item_id: int, organisations: list[Named],
                   shown: AgendaLine | None = None) -> ItemDecisionForm:
    """An item's decision form: as posted, or (``shown``) filled from its decision, else from
    its positions (the organisations whose position is « Soutient » are proposed); every
    organisation invited may be named a supporter."""
    prefix = f"item{item_id}"
    if shown is None:
        form = ItemDecisionForm(prefix=prefix)
    elif shown.decision is None:
        supporting = [p.organisation.id for p in shown.positions
                      if p.stance == Stance.SUPPORTS]
        form = ItemDecisionForm(prefix=prefix, formdata=None, data={
            "decision": Decision.SUPPORTED.value if supporting else None,
            "comment": "", "supporters": supporting})
    else:
        form = ItemDecisionForm(prefix=prefix, formdata=None, data={
            "decision": shown.decision.value, "comment": shown.decision_comment,
            "supporters": [o.id for o in shown.supporters]})
    form.supporters.choices = [(o.id, o.name) for o in organisations]
    return form


#: The words the grid's live parts read (the grid, its fragment, an item's decision page).
LIVE_LABELS: dict[str, Mapping[Any, Any]] = {"stances": STANCE_LABELS,
                                             "kinds": SUPPORT_KIND_LABELS,
                                             "decisions": DECISION_LABELS}


def _render_grid(session: CommitteeSession, status: int = 200,
                 page_errors: list[str] | None = None):
    """The grid: each item's positions, compact, and a link to note its decision (the form
    comes into the item with JavaScript, on the item's decision page without)."""
    items = agenda.grid_items(session)
    return render_template(
        "committee/staff_grid.html", session=session, state=SESSION_STATES[session.state],
        items=items, decisions_open=services.decisions_open(session),
        pending=any(line.pending for line, _summary in items),
        poll_seconds=GRID_POLL_SECONDS, page_errors=page_errors or [],
        **translated(**LIVE_LABELS)), status


def _render_decision_page(session: CommitteeSession, item_id: int,
                          form: ItemDecisionForm | None = None, status: int = 200):
    """An item's positions, every organisation named, and its decision's form."""
    organisations = agenda.invited(session)
    [(line, summary)] = agenda.grid_items(session, item_id=item_id,
                                          organisations=organisations)
    return render_template(
        "committee/staff_decision.html", session=session, item=line, summary=summary,
        form=form or _decision_form(line.id, organisations, line),
        decisions_open=services.decisions_open(session), **translated(**LIVE_LABELS)), status


@bp.get("/<id:session_id>/grille")
@animators_only
def live_grid(session_id: int):
    return _render_grid(_load(session_id))


@bp.get("/<id:session_id>/grille/direct")
@animators_only
def live_grid_fragment(session_id: int):
    """The grid's live parts (positions, offers, decisions), for the open page to swap in."""
    response = make_response(render_template(
        "committee/_grid_fragment.html", items=agenda.grid_items(_load(session_id)),
        **translated(**LIVE_LABELS)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<id:session_id>/decision/<id:item_id>")
@animators_only
def decision_page(session_id: int, item_id: int):
    session = _load(session_id)
    return _render_decision_page(session, _load_item(session, item_id).id)


@bp.post("/<id:session_id>/decision/<id:item_id>")
@animators_only
def record_decision(session_id: int, item_id: int):
    session = _load(session_id)
    item = _load_item(session, item_id)
    if not services.decisions_open(session):  # the decision forms are not shown: say why here
        return _render_grid(session, 422, page_errors=[
            _("Les décisions se prennent en séance, une fois convoquée.")])
    form = _decision_form(item.id, agenda.invited(session))
    if not form.validate_on_submit():
        return _render_decision_page(session, item.id, form, 422)
    supporters = [o for i in form.supporters.data or []
                  if (o := db.session.get(Organisation, i)) is not None]
    decision = Decision(form.decision.data)
    # Shown next to what the chosen decision needs: its motivation, or its supporters.
    field = {Decision.NOT_SUPPORTED: "comment", Decision.SUPPORTED: "supporters"}.get(
        decision, "decision")
    on_refusal(form, field, lambda _exc: _render_decision_page(session, item.id, form))
    services.record_decision(item, decision, current_user, form.comment.data or "",
                             supporters=supporters)
    return _done(session, _("Décision notée pour le dossier %(number)s ; elle sera envoyée au "
                            "porteur à la publication.", number=item.dossier.number),
                 f"#item-{item.id}", "committee.live_grid")


@bp.post("/<id:session_id>/publier-decisions")
@animators_only
def publish_decisions(session_id: int):
    session = _load(session_id)
    on_refusal(None, None, lambda exc: _render_grid(session, page_errors=[exc.message]))
    published = services.publish_decisions(session, current_user)
    return _done(session, _("%(n)s décision(s) publiée(s) : les porteurs sont prévenus.",
                            n=len(published)), endpoint="committee.live_grid")


"""The animators' inbox and dossier page (the full triage workspace builds on these)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from murporteur.accounts.models import Role
from murporteur.core.access import roles_required
from murporteur.submissions import services as submissions
from murporteur.submissions.forms import MessageForm
from murporteur.submissions.views import post_message_from
from murporteur.submissions.workflow import STATES
from murporteur.triage import services

bp = Blueprint("triage", __name__, url_prefix="/instruction")

animators_only = roles_required(Role.ANIMATOR)


@bp.get("/")
@animators_only
def inbox():
    page = request.args.get("page", 1, type=int) or 1
    rows, total = services.inbox_page(max(page, 1))
    pages = max(1, -(-total // services.PAGE_SIZE))
    return render_template("triage/inbox.html", rows=rows, total=total, page=page, pages=pages)


def _load(number: str):
    dossier = submissions.find_by_number(number)
    if dossier is None or dossier.state == "draft":
        abort(404)
    return dossier


@bp.get("/dossiers/<number>")
@animators_only
def show_dossier(number: str):
    return _render(_load(number), MessageForm())


def _render(dossier, form, status=200):
    return render_template("triage/dossier.html", dossier=dossier, state=STATES[dossier.state],
                           documents=submissions.dossier_documents(dossier),
                           message_form=form), status


@bp.post("/dossiers/<number>/messages")
@animators_only
def post_message(number: str):
    dossier = _load(number)
    form = MessageForm()
    response = post_message_from(form, dossier, "triage.show_dossier", number=number)
    return response or _render(dossier, form, 422)

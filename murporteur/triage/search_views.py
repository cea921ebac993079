"""The staff's search box, in the header of every staff page: its results page and the
suggestions it shows while one types (an htmx fragment; without JavaScript, the page)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from murporteur.core import params
from murporteur.triage import search
from murporteur.triage.views import animators_only, bp


def _query() -> str:
    return params.text(request.args.get("q"), max_length=200) or ""


@bp.get("/recherche")
@animators_only
def search_everything():
    q = _query()
    found = search.exact_number(q, current_user)
    if found is not None:
        return redirect(url_for("triage.show_dossier", number=found.number))
    return render_template("triage/search.html", results=search.search(q, current_user))


@bp.get("/recherche/suggestions")
@animators_only
def search_suggestions():
    q = _query()
    results = search.search(q, current_user, limit=search.SUGGESTIONS) if len(q) >= 2 \
        else search.Results(q, [], [], False)
    return render_template("triage/_search_suggestions.html", results=results)

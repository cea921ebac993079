"""Thin views: how a request loads what it acts on, hands a refusal back, and commits.

- ``get_or_404(model, ident, may=...)``: the object, or 404 when it is missing *or* the user
  may not see it (a member of another organisation learns nothing of its existence);
- ``on_refusal(form, field, render)``: said by a view before it calls the rules. If a rule
  then raises ``DomainError``, the app-wide handler rolls the transaction back, puts the
  message at the form's field (or above the form), and answers ``render(exc)`` with 422 (or
  the ``status`` the error class declares): the page comes back with everything the person
  typed; a ``render`` that answers a redirect (having kept the refusal for the page it leads
  to) keeps its status;
- ``AccessDenied`` outside such a form: 403; a ``DomainError`` with no page to draw again: the
  message on the page the person came from (a side form), else a 422 page;
- one commit per request: a request that succeeded (status below 400) commits at its end, in
  one place (``init_app``), before the after-commit work runs; a refused one rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, g, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from murporteur.core.errors import AccessDenied, DomainError
from murporteur.core.urls import same_site_referrer

T = TypeVar("T")
Policy = Callable[[Any, Any], bool]
_REFUSAL = "murporteur_refusal"


def get_or_404(model: type[T], ident: Any, *, may: Policy | None = None) -> T:
    """The row of ``model`` with primary key ``ident`` that the current user may see."""
    from murporteur.extensions import db

    obj = db.session.get(model, ident) if ident is not None else None
    return visible_or_404(obj, may=may)


def visible_or_404(obj: T | None, *, may: Policy | None = None) -> T:
    """``obj`` when it exists and ``may(current_user, obj)``; otherwise 404."""
    if obj is None or (may is not None and not may(current_user, obj)):
        abort(404)
    return obj


def on_refusal(form: Any, field: str | None, render: Callable[[DomainError], Any]) -> None:
    """If a rule refuses what this request asks, draw the page again with ``render(exc)``."""
    setattr(g, _REFUSAL, (form, field, render))


def _place_message(form: Any, field: str | None, message: str) -> None:
    target = getattr(form, field, None) if form is not None and field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, message]
    elif form is not None and hasattr(form, "form_errors"):
        form.form_errors.append(message)


def _refused(exc: DomainError):
    from murporteur.extensions import db

    db.session.rollback()
    page = getattr(g, _REFUSAL, None)
    if page is not None:
        form, field, render = page
        _place_message(form, exc.field or field, exc.message)
        answer = render(exc)
        if 300 <= getattr(answer, "status_code", 0) < 400:
            # POST, redirect, GET (the idea form): ``render`` kept the refusal on the server
            # for the page the browser is sent to; that is committed, the rest rolled back.
            return answer
        # 422 unless the refusal names its own status (a conflict between two saves: 409).
        status = getattr(exc, "status", 422)
        if isinstance(answer, tuple):
            return answer[0], status, *answer[2:]
        return answer, status
    if isinstance(exc, AccessDenied):
        return current_app.handle_http_exception(Forbidden())
    back = same_site_referrer() if request.method == "POST" else None
    if back:
        flash(exc.message, "error")
        return redirect(back)
    return render_template("errors/error.html", status=422, title=_("Action refusée"),
                           message=exc.message, back=None), 422


def init_app(app: Flask) -> None:
    from murporteur.extensions import db

    app.register_error_handler(DomainError, _refused)

    @app.after_request
    def _commit(response):
        if response.status_code < 400 and db.session().in_transaction():
            db.session.commit()
        return response

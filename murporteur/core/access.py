"""Route guards: who may open a page is checked on the server, for every route."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str) -> Callable:
    """Logged in, and holding one of ``roles`` (the accounts' ``Role`` members); otherwise 403
    (or the login page). core knows no domain: a role is only compared here."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator

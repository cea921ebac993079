"""The guard of the administration's pages: logged in, and holding a permission by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import login_required

from murporteur.core.policy import can


def permission_required(name: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(name):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator

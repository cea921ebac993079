"""Filters and globals the templates share: Paris time, euros, state badges."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app
from flask_babel import format_date, format_datetime, get_locale

from murporteur.core.money import format_cents
from murporteur.core.timeutil import to_paris


def paris_datetime(value: datetime | None, fmt: str = "d MMMM yyyy 'à' HH:mm") -> str:
    if value is None:
        return ""
    locale = str(get_locale() or "fr")
    if locale.startswith("en"):
        fmt = fmt.replace("'à'", "'at'")
    return format_datetime(to_paris(value), fmt)


def paris_date(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_date(to_paris(value).date(), "d MMMM yyyy")


def euros(cents: int | None) -> str:
    return format_cents(cents, str(get_locale() or "fr"))


def register(app: Flask) -> None:
    from murporteur.submissions import choices
    from murporteur.submissions.workflow import STATES

    app.jinja_env.filters["paris_datetime"] = paris_datetime
    app.jinja_env.filters["paris_date"] = paris_date
    app.jinja_env.filters["euros"] = euros
    from murporteur.committee.labels import STANCE_LABELS

    app.jinja_env.globals["STATES"] = STATES
    app.jinja_env.globals["STANCES"] = STANCE_LABELS
    app.jinja_env.globals["LABELS"] = {
        "legal_form": choices.LEGAL_FORM_LABELS, "stage": choices.STAGE_LABELS,
        "support_kind": choices.SUPPORT_KIND_LABELS,
        "priority_area": choices.PRIORITY_AREA_LABELS,
    }
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals():
        return {"current_locale": str(get_locale() or "fr"),
                "contact_email": current_app.config["CONTACT_EMAIL"],
                "unread_notifications": _unread}


def _unread() -> int:
    """The bell's count, read only when a page shows the bell."""
    from flask_login import current_user

    from murporteur.notifications.services import unread_count

    if not current_user or not current_user.is_authenticated:
        return 0
    return unread_count(current_user)

"""The templates' wiring: filters, globals (state and label names), the bell's count."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from jinja2 import pass_context

from murporteur.collective import settings as collective_settings
from murporteur.core.templating import euros, paris_date, paris_datetime, tel_link


def register(app: Flask) -> None:
    from murporteur.submissions import choices
    from murporteur.submissions.workflow import STATES

    app.jinja_env.filters["paris_datetime"] = paris_datetime
    app.jinja_env.filters["paris_date"] = paris_date
    app.jinja_env.filters["euros"] = euros
    app.jinja_env.filters["tel"] = tel_link
    from murporteur.committee.labels import STANCE_LABELS

    app.jinja_env.globals["STATES"] = STATES
    app.jinja_env.globals["STANCES"] = STANCE_LABELS
    app.jinja_env.globals["LABELS"] = {
        "legal_form": choices.LEGAL_FORM_LABELS, "stage": choices.STAGE_LABELS,
        "support_kind": choices.SUPPORT_KIND_LABELS,
        "priority_area": choices.PRIORITY_AREA_LABELS,
    }
    from murporteur.core.policy import can

    app.jinja_env.globals["can"] = can  # access asked of the domains' policies, by name
    app.jinja_env.globals["errors_on_page"] = _errors_on_page
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals():
        return {"current_locale": str(get_locale() or "fr"),
                "contact_email": collective_settings.get("contact_email"),
                "collective": collective_settings.effective,
                "unread_notifications": _unread}


@pass_context
def _errors_on_page(context) -> list[tuple[str | None, str]]:
    """The refusals of the page being drawn (its forms in error, its ``page_errors``)."""
    from murporteur.core.forms import errors_on_page

    return errors_on_page(context.get_all().values(), context.get("page_errors"))


def _unread() -> int:
    """The bell's count, read only when a page shows the bell."""
    from flask_login import current_user

    from murporteur.notifications.services import unread_count

    if not current_user or not current_user.is_authenticated:
        return 0
    return unread_count(current_user)

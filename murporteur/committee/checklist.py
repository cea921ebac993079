"""The committee's step of the first-run checklist (``accounts.checklist``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from murporteur.committee.models import CommitteeSession
from murporteur.core import checklist
from murporteur.extensions import db


@checklist.step("committee", _l("Programmer le premier comité"), None, order=40,
                hint=_l("Une animatrice ou un animateur crée la première séance, dans "
                        "« Comités »."))
def _first_session_planned() -> bool:
    return db.session.scalar(select(CommitteeSession.id).limit(1)) is not None

"""How the submissions answer other domains' questions about a dossier (signals asked by a
lower layer, which may not import the submissions)."""

from __future__ import annotations

from murporteur import signals
from murporteur.core.urls import site_path
from murporteur.extensions import db
from murporteur.submissions.models import Dossier


@signals.holder_page.connect
def holder_dossier_page(user, dossier_id: int, **_) -> str | None:
    """The holder's own page of the dossier, for their bell; nothing for anyone else's."""
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.holder_id != user.id:
        return None
    return site_path("submissions.show_dossier", public_id=dossier.public_id)

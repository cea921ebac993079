"""The PDF receipt of a sent idea: what the holder sent, as they sent it (issue 17)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _

from murporteur.submissions import services
from murporteur.submissions.models import Dossier


def receipt_pdf(dossier: Dossier) -> bytes:
    """The answers, files and consent of the sent ``dossier``, in the page's language."""
    from weasyprint import HTML

    html = render_template(
        "submissions/receipt_pdf.html", dossier=dossier,
        documents=services.dossier_documents(dossier),
        consent_text=_("J'accepte que les informations de ce formulaire soient traitées par "
                       "le collectif Mur porteur pour étudier mon idée."))
    static = current_app.static_folder
    assert static is not None  # the app serves /static (create_app)
    return HTML(string=html, base_url=str(Path(static))).write_pdf()

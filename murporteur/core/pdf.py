"""HTML to PDF with WeasyPrint: the one place that knows how (the stylesheets and images of
``static/`` resolve against the app's static folder)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``. Seconds for a long document: run it in a background job (or
    outside any open transaction), never in a request that a person waits for."""
    from weasyprint import HTML

    static = current_app.static_folder
    assert static is not None  # the app serves /static (create_app)
    return HTML(string=html, base_url=str(Path(static))).write_pdf()

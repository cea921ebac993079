"""Queries of the animators' workspace."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from murporteur.extensions import db
from murporteur.submissions.models import Document, Dossier

PAGE_SIZE = 50


def inbox_page(page: int = 1, per_page: int | None = None):
    """Submitted dossiers, newest first, with their holder and document count in one query."""
    per_page = per_page or PAGE_SIZE
    documents = (select(func.count(Document.id))
                 .where(Document.dossier_id == Dossier.id, Document.removed.is_(False))
                 .correlate(Dossier).scalar_subquery())
    query = (select(Dossier, documents.label("document_count"))
             .where(Dossier.state != "draft")
             .options(selectinload(Dossier.holder))
             .order_by(Dossier.submitted_at.desc(), Dossier.id.desc()))
    total = db.session.scalar(select(func.count(Dossier.id)).where(Dossier.state != "draft"))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total or 0

"""The API's JSON shapes: what each object shows, and to whom.

Amounts go out twice: integer cents (what the database keeps) and a decimal string in euros
(``"8000.00"``) for people reading the JSON. Instants are ISO 8601 in UTC (``…Z``), days are
ISO dates. openapi.py describes the same shapes; the tests hold both together.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from murporteur.accounts.models import Organisation, Role, User
from murporteur.committee.models import AgendaItem, CommitteeSession, Position
from murporteur.conventions.models import Convention, Payment
from murporteur.submissions.models import Document, Dossier
from murporteur.submissions.policies import may_view_document
from murporteur.submissions.scanning import WITHHELD


def money(cents: int | None) -> dict | None:
    if cents is None:
        return None
    return {"cents": cents, "euros": str(Decimal(cents).scaleb(-2))}


def instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def enum_value(value) -> str | None:
    return getattr(value, "value", value)


def organisation_ref(organisation: Organisation) -> dict:
    return {"id": organisation.id, "name": organisation.name,
            "kind": enum_value(organisation.kind)}


def dossier_ref(dossier: Dossier) -> dict:
    return {"id": dossier.id, "number": dossier.number, "title": dossier.title}


def document_json(document: Document) -> dict:
    """A document the user may see (the caller asked ``may_view_document``), and where the
    API gives its bytes."""
    return {"id": document.public_id, "name": document.original_name,
            "kind": enum_value(document.kind), "content_type": document.content_type,
            "size": document.size, "uploaded_at": instant(document.created_at),
            "available": document.scan_status not in WITHHELD,
            "download": f"/api/v1/documents/{document.public_id}"}


def dossier_json(dossier: Dossier, user: User, documents: list[Document]) -> dict:
    """The dossier's summary; the holder's contact details for the animators only (the
    committee reads the project, not how to reach its holder). ``documents`` are those of
    the dossier ``user`` may see (``policies.documents_of_dossiers``)."""
    data = {
        **dossier_ref(dossier),
        "state": dossier.state,
        "structure_name": dossier.structure_name,
        "legal_form": enum_value(dossier.legal_form),
        "town": dossier.town,
        "neighbourhoods": dossier.neighbourhoods,
        "priority_area": enum_value(dossier.priority_area),
        "stage": enum_value(dossier.stage),
        "summary": dossier.summary,
        "support_kinds": list(dossier.support_kinds or []),
        "financing_amount": money(dossier.financing_amount_cents),
        "submitted_at": instant(dossier.submitted_at),
        "state_changed_at": instant(dossier.state_changed_at),
        "updated_at": instant(dossier.updated_at),
        "documents": [document_json(d) for d in documents],
    }
    if user.role == Role.ANIMATOR:
        data["holder"] = {"name": dossier.contact_name, "email": dossier.holder.email,
                          "phone": dossier.phone}
    return data


def position_json(position: Position) -> dict:
    return {"organisation": organisation_ref(position.organisation),
            "stance": enum_value(position.stance),
            "offer_kinds": list(position.offer_kinds or []),
            "amount": money(position.amount_cents), "comment": position.comment,
            "updated_at": instant(position.updated_at)}


def decision_json(item: AgendaItem, user: User) -> dict | None:
    """The committee's decision: members see it once published, animators while pending."""
    if item.decision is None or (item.decision_published_at is None
                                 and user.role != Role.ANIMATOR):
        return None
    return {"decision": enum_value(item.decision), "comment": item.decision_comment,
            "published_at": instant(item.decision_published_at),
            "supporters": [organisation_ref(o) for o in item.supporters]}


def session_json(session: CommitteeSession, user: User) -> dict:
    """A session with its agenda; other organisations' positions only when
    ``positions_visible`` says so, the user's own (and their proxies') always."""
    from murporteur.committee.services import member_organisation_ids, positions_visible

    visible = positions_visible(user, session)
    own = member_organisation_ids(user, session)
    items = []
    for item in session.items:
        start, end = session.slot_of(item)
        positions = sorted((p for p in item.positions if visible or p.organisation_id in own),
                           key=lambda p: p.organisation.name)
        items.append({"id": item.id, "rank": item.rank, "starts_at": instant(start),
                      "ends_at": instant(end), "dossier": dossier_ref(item.dossier),
                      "decision": decision_json(item, user),
                      "positions": [position_json(p) for p in positions]})
    return {
        "id": session.id, "quarter": session.quarter, "state": session.state,
        "starts_at": instant(session.starts_at), "ends_at": instant(session.ends_at),
        "place": session.place, "video_link": session.video_link,
        "slot_minutes": session.slot_minutes, "positions_visible": visible,
        "minutes_published_at": instant(session.minutes_published_at),
        "organisations": [organisation_ref(o) for o in session.organisations],
        "items": items,
    }


def convention_json(convention: Convention, user: User) -> dict:
    signed = convention.signed_document
    return {
        "id": convention.id, "dossier": dossier_ref(convention.dossier),
        "organisation": organisation_ref(convention.organisation),
        "kind": enum_value(convention.kind), "state": convention.state,
        "committed": money(convention.committed_cents),
        "in_kind": money(convention.in_kind_cents),
        "scheduled": money(convention.scheduled_cents), "paid": money(convention.paid_cents),
        "start_date": day(convention.start_date), "end_date": day(convention.end_date),
        "object": convention.object, "reference": convention.reference,
        "signed_at": instant(convention.signed_at),
        "signed_document": (document_json(signed) if signed is not None
                            and may_view_document(user, signed) else None),
        "created_at": instant(convention.created_at),
        "updated_at": instant(convention.updated_at),
    }


def payment_json(payment: Payment) -> dict:
    return {
        "id": payment.id, "convention_id": payment.convention_id,
        "status": "paid" if payment.paid_date is not None else "planned",
        "planned_date": day(payment.planned_date), "amount": money(payment.amount_cents),
        "paid_date": day(payment.paid_date), "paid_amount": money(payment.paid_amount_cents),
        "created_at": instant(payment.created_at),
    }


def stats_json(figures: dict) -> dict:
    """The reporting's figures, JSON-ready, each ``…_cents`` amount with its ``…_euros``
    twin, as everywhere in the API."""
    data = jsonable(figures)
    for key, value in list(data.items()):
        if key.endswith("_cents") and isinstance(value, int):
            data[key.removesuffix("_cents") + "_euros"] = money(value)["euros"]
    return data


def jsonable(value):
    """Figures computed elsewhere (the reporting's), made JSON: Decimals as strings, days
    and instants in ISO 8601, enums as their values."""
    if isinstance(value, dict):
        return {str(enum_value(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, date):
        return day(value)
    return enum_value(value)

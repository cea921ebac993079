"""/api/v1/conventions/<id>/followup: a convention's follow-up with its holder (issue 18) —
its indicators with their targets and the latest values reported, its reporting dates and
the reports sent for them — to a token whose user may see the convention (the animators,
the members of its organisation: ``policies.may_view_convention``); anyone else gets the
404 of a convention that does not exist. Read only, as the rest of the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g, jsonify
from marshmallow import fields
from sqlalchemy.orm import selectinload

from murporteur.api.openapi import answer, declare
from murporteur.api.schemas import DocumentSchema, Shape, Viewer, dump, viewer
from murporteur.api.values import Choice, Instant, describe
from murporteur.conventions.followup import report_status, totals_reported
from murporteur.conventions.models import (
    Convention,
    IndicatorKind,
    ProgressReport,
    ReportingDate,
)
from murporteur.conventions.policies import may_view_convention
from murporteur.conventions.workflow import CONVENTION_STATES
from murporteur.core.timeutil import paris_today
from murporteur.extensions import db
from murporteur.submissions.policies import may_view_document

STATUSES = ["upcoming", "overdue", "submitted"]


class IndicatorSchema(Shape):
    """What the convention measures, with its target and the latest value reported (the
    figures are totals to date)."""

    id = fields.Integer()
    kind = Choice(IndicatorKind)
    name = fields.String()
    unit = fields.String()
    target = fields.Integer()
    reported = fields.Integer(allow_none=True, metadata=describe(
        "The value of the latest report that gave one; null before any."))
    archived_at = Instant(allow_none=True, metadata=describe(
        "Set when no longer asked in the reports (the earlier ones keep its values)."))

    def get_attribute(self, obj, attr: str, default):
        if attr == "reported":
            who = viewer()
            return who.totals.get(obj.id) if isinstance(who, FollowupViewer) else None
        return super().get_attribute(obj, attr, default)


class ReportValueSchema(Shape):
    indicator_id = fields.Integer()
    value = fields.Integer()


class ReportSchema(Shape):
    """The holder's report for one reporting date."""

    id = fields.Integer()
    text = fields.String()
    submitted_at = Instant()
    corrected_at = Instant(allow_none=True)
    acknowledged_at = Instant(allow_none=True, metadata=describe(
        "When the organisation or the team read it; the holder may no longer correct it."))
    values = fields.List(fields.Nested(ReportValueSchema))
    documents = fields.List(fields.Nested(DocumentSchema), metadata=describe(
        "Its supporting documents the user may see."))

    def get_attribute(self, obj: ProgressReport, attr: str, default):
        if attr == "documents":
            return [d for d in obj.documents if may_view_document(viewer().user, d)]
        return super().get_attribute(obj, attr, default)


class ReportingDateSchema(Shape):
    id = fields.Integer()
    due_date = fields.Date()
    status = Choice(STATUSES, metadata=describe(
        "submitted, overdue (the date passed without a report) or upcoming."))
    report = fields.Nested(ReportSchema, allow_none=True)

    def get_attribute(self, obj: ReportingDate, attr: str, default):
        if attr == "status":
            return report_status(obj, paris_today())
        return super().get_attribute(obj, attr, default)


class FollowupSchema(Shape):
    """A convention's follow-up with its holder."""

    convention_id = fields.Integer(attribute="id")
    state = Choice(CONVENTION_STATES, metadata=describe("The convention's state."))
    indicators = fields.List(fields.Nested(IndicatorSchema))
    reporting_dates = fields.List(fields.Nested(ReportingDateSchema), metadata=describe(
        "In the order of their dates."))


class FollowupDetailSchema(Shape):
    data = fields.Nested(FollowupSchema)


@dataclass
class FollowupViewer(Viewer):
    """The viewer, with the values reported per indicator of the convention answered."""

    totals: dict[int, int] = field(default_factory=dict)


FOLLOWUP = FollowupDetailSchema()


def register(bp, error_response) -> None:
    @bp.get("/conventions/<id:convention_id>/followup")
    @declare("A convention's follow-up: indicators, reporting dates and reports",
             answer("The follow-up.", FollowupDetailSchema),
             path={"convention_id": "The convention's id (its `id` in /conventions)."},
             errors={404: "No such convention among those the user may see."})
    def show_convention_followup(convention_id: int):
        convention = db.session.get(Convention, convention_id, options=[
            selectinload(Convention.indicators),
            selectinload(Convention.reporting_dates).selectinload(ReportingDate.report)
            .selectinload(ProgressReport.values)])
        if convention is None or not may_view_convention(g.api_user, convention):
            return error_response(404, f"no convention {convention_id} among those you may "
                                  "see")
        who = FollowupViewer(g.api_user, totals=totals_reported(convention))
        return jsonify(dump(FOLLOWUP, {"data": convention}, who))

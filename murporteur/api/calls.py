"""/api/v1/calls: the published calls for ideas and needs, public (no token), with their
extra questions; the answers themselves stay in the dossiers' endpoints."""

from __future__ import annotations

from flask import jsonify
from marshmallow import fields
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from murporteur.api.openapi import answer, declare
from murporteur.api.queries import Query
from murporteur.api.schemas import OrganisationRefSchema, Shape, money
from murporteur.api.values import Choice, describe
from murporteur.calls.models import Call, CallKind, Offer, QuestionKind
from murporteur.calls.workflow import CallState
from murporteur.core.urls import external_url
from murporteur.extensions import db
from murporteur.triage.choices import Theme

#: Answered without a token (added to the API's public endpoints).
PUBLIC = frozenset({"api.list_calls", "api.show_call"})


class ChoiceLabelSchema(Shape):
    fr = fields.String()
    en = fields.String()


class CallQuestionSchema(Shape):
    key = fields.String(metadata=describe("The same question through its versions."))
    version = fields.Integer()
    kind = Choice(QuestionKind)
    label_fr = fields.String()
    label_en = fields.String()
    required = fields.Boolean()
    choices = fields.List(fields.Nested(ChoiceLabelSchema))


class CallSchema(Shape):
    id = fields.Integer()
    kind = Choice(CallKind)
    title = fields.String()
    body = fields.String()
    organisations = fields.List(fields.Nested(OrganisationRefSchema))
    neighbourhoods = fields.String()
    qpv = fields.Boolean(metadata=describe("In a priority neighbourhood of urban policy."))
    themes = fields.List(Choice(Theme))
    offers = fields.List(Choice(Offer))
    envelope = money("envelope_cents", allow_none=True)
    premises = fields.String()
    opens_on = fields.Date()
    closes_on = fields.Date(metadata=describe("The last day answers are taken (Paris)."))
    open = fields.Method("is_open", metadata=describe("Whether it takes answers today."))
    questions = fields.List(fields.Nested(CallQuestionSchema), attribute="current_questions")
    answer_url = fields.Method("answer_link", metadata=describe(
        "The idea form linked to this call."))

    def is_open(self, call: Call) -> bool:
        return call.is_open()

    def answer_link(self, call: Call) -> str:
        return external_url("submissions.new_idea", appel=call.id)


class CallListSchema(Shape):
    data = fields.List(fields.Nested(CallSchema))


class CallQuery(Query):
    kind = Choice(CallKind, metadata=describe("Only calls (call) or needs (need)."))


CALLS = CallListSchema()
CALL = CallSchema()


def register(bp, error_response) -> None:
    @bp.get("/calls")
    @declare("The published calls for ideas and needs (public)",
             answer("The calls, closing soonest first.", CallListSchema), query=CallQuery,
             public=True)
    def list_calls(query: dict):
        rows = (select(Call).where(Call.state == CallState.PUBLISHED)
                .options(selectinload(Call.organisations), selectinload(Call.questions))
                .order_by(Call.closes_on.desc(), Call.id))
        if query.get("kind"):
            rows = rows.where(Call.kind == query["kind"])
        return jsonify(CALLS.dump({"data": list(db.session.scalars(rows))}))

    @bp.get("/calls/<id:call_id>")
    @declare("One published call or need (public)", answer("The call.", CallSchema),
             path={"call_id": "The call's id."},
             errors={404: "No such published call."}, public=True)
    def show_call(call_id: int):
        call = db.session.get(Call, call_id)
        if call is None or call.state != CallState.PUBLISHED:
            return error_response(404, f"no published call {call_id}")
        return jsonify(CALL.dump(call))

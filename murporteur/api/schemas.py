"""The API's shapes, declared once: what each answer shows (and to whom). The views dump with
them; openapi.py describes them from them (what each endpoint's query accepts is in
``queries.py``).

Amounts go out twice: integer cents (what the database keeps) and a decimal string in euros
(``"8000.00"``) for people reading the JSON. Instants are ISO 8601 in UTC (``…Z``), days are
ISO dates.

An answer's object (``Shape``) always carries every field it declares (all are "required" in
the document) but those its ``Meta.optional`` names, and nothing else (the document forbids
other keys), so that the tests, which validate every answer against the document, notice a
field that is sent but not described, or sent to someone who should not get it.

What depends on who asks (the holder's contact, the documents, the positions, a pending
decision) is read from the ``Viewer`` the view dumps within: ``dump(schema, obj, viewer)``.
How a single value is written and read (instants, choices, bounded integers, cursors) is in
``values.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marshmallow import RAISE, Schema, fields, missing, pre_dump
from marshmallow.experimental.context import Context
from marshmallow.validate import OneOf, Range, Regexp

from murporteur.accounts.models import OrganisationKind, Role, User
from murporteur.api.values import Choice, Figures, Instant, describe, euros
from murporteur.committee.membership import member_organisation_ids
from murporteur.committee.models import AgendaItem, CommitteeSession, Decision, Stance
from murporteur.committee.positions import positions_visible
from murporteur.committee.workflow import SESSION_STATES
from murporteur.conventions.models import ConventionKind
from murporteur.conventions.workflow import CONVENTION_STATES
from murporteur.premises.models import LeaseType, PremisesUse, Visibility
from murporteur.premises.workflow import UNIT_STATES
from murporteur.submissions.choices import LegalForm, PriorityArea, Stage
from murporteur.submissions.models import Document, DocumentKind, Dossier
from murporteur.submissions.policies import may_view_document
from murporteur.submissions.scanning import WITHHELD
from murporteur.submissions.workflow import STATES as DOSSIER_STATES

ERROR_CODES = ["bad_request", "invalid_parameter", "unauthorized", "forbidden", "not_found",
               "method_not_allowed", "conflict", "too_large", "server_error", "unavailable"]
# --- Who asks ------------------------------------------------------------------------------

@dataclass
class Viewer:
    """The user an answer is for, and what the view loaded at once for a whole page (the
    documents of its dossiers, ``policies.documents_of_dossiers``)."""

    user: User
    documents: dict[int, list[Document]] = field(default_factory=dict)
    _sessions: dict[int, tuple[bool, set[int]]] = field(default_factory=dict)

    @property
    def is_animator(self) -> bool:
        return self.user.role == Role.ANIMATOR

    def session_view(self, session: CommitteeSession) -> tuple[bool, set[int]]:
        """Whether the others' positions are shown, and the organisations the user speaks
        for (their own and their proxies'): once per session."""
        if session.id not in self._sessions:
            self._sessions[session.id] = (positions_visible(self.user, session),
                                          member_organisation_ids(self.user, session))
        return self._sessions[session.id]


def viewer() -> Viewer:
    return Context.get()


def dump(schema: Schema, obj, who: Viewer):
    with Context(who):
        return schema.dump(obj)


# --- Answers -------------------------------------------------------------------------------

#: The kinds of support are a list the collective edits: keys, not a closed enum.
SUPPORT_KEYS = "Keys of the support_kind list (their words: /api/v1/references/support_kind)."


class Shape(Schema):
    """An answer's object: every field always present but those of ``Meta.optional``, and
    no other key."""

    class Meta:
        unknown = RAISE
        optional: tuple[str, ...] = ()

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        field_obj.required = field_name not in getattr(self.Meta, "optional", ())


class ErrorBodySchema(Shape):
    status = fields.Integer(validate=Range(400, 599), metadata=describe(
        "The HTTP status, repeated."))
    code = Choice(ERROR_CODES)
    message = fields.String(metadata=describe("For the developer, in English."))


class ErrorSchema(Shape):
    """Every error under /api/v1 has this shape."""

    error = fields.Nested(ErrorBodySchema)


class MoneySchema(Shape):
    """An amount in euros."""

    cents = fields.Integer(validate=Range(min=0))
    euros = fields.String(validate=Regexp(r"^\d+\.\d{2}$"), metadata=describe(
        'The same amount as a decimal string, e.g. "8000.00".'))

    @pre_dump
    def from_cents(self, cents: int, **kwargs) -> dict:
        return {"cents": cents, "euros": euros(cents)}


def money(attribute: str, **kwargs) -> fields.Nested:
    """An amount kept in cents under ``attribute``."""
    return fields.Nested(MoneySchema, attribute=attribute, **kwargs)


class OrganisationRefSchema(Shape):
    id = fields.Integer()
    name = fields.String()
    kind = Choice(OrganisationKind)


class DossierRefSchema(Shape):
    id = fields.Integer()
    number = fields.String(allow_none=True)
    title = fields.String()


class HolderSchema(Shape):
    """The holder's contact details: for the animators only."""

    name = fields.String(attribute="contact_name")
    email = fields.String(attribute="holder.mail_address")
    phone = fields.String()


class DocumentSchema(Shape):
    """A document the user may see."""

    id = fields.String(attribute="public_id")
    name = fields.String(attribute="original_name")
    kind = Choice(DocumentKind, metadata=describe(
        "Whose it is: the holder's file, a message's, a convention's (seen only by its "
        "organisation's members), the team's."))
    content_type = fields.String()
    size = fields.Integer()
    uploaded_at = Instant(attribute="created_at")
    available = fields.Function(lambda d: d.scan_status not in WITHHELD,
                                metadata=describe("False while the antivirus has not cleared "
                                                  "the file.", type="boolean"))
    download = fields.Function(lambda d: f"/api/v1/documents/{d.public_id}",
                               metadata=describe("Where GET gives its bytes.", type="string"))


class DossierSchema(DossierRefSchema):
    """A dossier's summary. Committee members get it without the holder's contact
    details."""

    class Meta(Shape.Meta):
        optional = ("holder",)

    number = fields.String(allow_none=True, metadata=describe("MP-<year>-<sequence>."))
    state = Choice(DOSSIER_STATES)
    structure_name = fields.String()
    legal_form = Choice(LegalForm, allow_none=True)
    town = fields.String()
    neighbourhoods = fields.String()
    priority_area = Choice(PriorityArea, allow_none=True)
    stage = Choice(Stage, allow_none=True)
    summary = fields.String()
    support_kinds = fields.List(fields.String(), metadata=describe(SUPPORT_KEYS))
    financing_amount = money("financing_amount_cents", allow_none=True)
    submitted_at = Instant(allow_none=True)
    state_changed_at = Instant(allow_none=True)
    updated_at = Instant()
    documents = fields.List(fields.Nested(DocumentSchema), metadata=describe(
        "The dossier's documents the user may see (not the messages')."))
    holder = fields.Nested(HolderSchema)

    def get_attribute(self, obj: Dossier, attr: str, default):
        if attr == "documents":
            return viewer().documents.get(obj.id, [])
        if attr == "holder":  # the committee reads the project, not how to reach its holder
            return obj if viewer().is_animator else missing
        if attr == "support_kinds":
            return list(obj.support_kinds or [])
        return super().get_attribute(obj, attr, default)


class PositionSchema(Shape):
    """An organisation's position and offer on an agenda item."""

    organisation = fields.Nested(OrganisationRefSchema)
    stance = Choice(Stance)
    offer_kinds = fields.List(fields.String(), metadata=describe(SUPPORT_KEYS))
    amount = money("amount_cents", allow_none=True)
    comment = fields.String()
    updated_at = Instant()

    def get_attribute(self, obj, attr: str, default):
        if attr == "offer_kinds":
            return list(obj.offer_kinds or [])
        return super().get_attribute(obj, attr, default)


class ItemDecisionSchema(Shape):
    """Members see it once published; animators also while pending (published_at null)."""

    decision = Choice(Decision)
    comment = fields.String(attribute="decision_comment")
    published_at = Instant(attribute="decision_published_at", allow_none=True)
    supporters = fields.List(fields.Nested(OrganisationRefSchema))


class AgendaItemSchema(Shape):
    id = fields.Integer()
    rank = fields.Integer()
    starts_at = Instant()
    ends_at = Instant()
    dossier = fields.Nested(DossierRefSchema)
    decision = fields.Nested(ItemDecisionSchema, allow_none=True)
    positions = fields.List(fields.Nested(PositionSchema), metadata=describe(
        "A member sees their own organisation's (and those they hold a proxy for); the "
        "others' only when positions_visible is true."))

    def get_attribute(self, obj: AgendaItem, attr: str, default):
        if attr in ("starts_at", "ends_at"):
            start, end = obj.session.slot_of(obj)
            return start if attr == "starts_at" else end
        if attr == "decision":
            if obj.decision is None or (obj.decision_published_at is None
                                        and not viewer().is_animator):
                return None
            return obj
        if attr == "positions":
            visible, own = viewer().session_view(obj.session)
            return sorted((p for p in obj.positions if visible or p.organisation_id in own),
                          key=lambda p: p.organisation.name)
        return super().get_attribute(obj, attr, default)


class SessionSchema(Shape):
    """A committee session with its agenda."""

    id = fields.Integer()
    quarter = fields.String(validate=Regexp(r"^\d{4}-Q[1-4]$"))
    state = Choice(SESSION_STATES)
    starts_at = Instant()
    ends_at = Instant()
    place = fields.String()
    video_link = fields.String()
    slot_minutes = fields.Integer()
    positions_visible = fields.Boolean(metadata=describe(
        "Whether the other organisations' positions are shown."))
    minutes_published_at = Instant(allow_none=True)
    organisations = fields.List(fields.Nested(OrganisationRefSchema), metadata=describe(
        "The invited organisations."))
    items = fields.List(fields.Nested(AgendaItemSchema), metadata=describe(
        "The agenda, in its order."))

    def get_attribute(self, obj: CommitteeSession, attr: str, default):
        if attr == "positions_visible":
            return viewer().session_view(obj)[0]
        return super().get_attribute(obj, attr, default)


class ConventionSchema(Shape):
    id = fields.Integer()
    dossier = fields.Nested(DossierRefSchema)
    organisation = fields.Nested(OrganisationRefSchema)
    kind = Choice(ConventionKind)
    state = Choice(CONVENTION_STATES)
    committed = money("committed_cents")
    in_kind = money("in_kind_cents")
    scheduled = money("scheduled_cents")
    paid = money("paid_cents")
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    object = fields.String()
    reference = fields.String()
    signed_at = Instant(allow_none=True)
    signed_document = fields.Nested(DocumentSchema, allow_none=True)
    created_at = Instant()
    updated_at = Instant()

    def get_attribute(self, obj, attr: str, default):
        if attr == "signed_document":
            signed = obj.signed_document
            visible = signed is not None and may_view_document(viewer().user, signed)
            return signed if visible else None
        return super().get_attribute(obj, attr, default)


class PaymentSchema(Shape):
    id = fields.Integer()
    convention_id = fields.Integer()
    status = fields.Function(lambda p: "paid" if p.paid_date is not None else "planned",
                             validate=OneOf(["planned", "paid"]), metadata={"type": "string"})
    planned_date = fields.Date()
    amount = money("amount_cents")
    paid_date = fields.Date(allow_none=True)
    paid_amount = money("paid_amount_cents", allow_none=True)
    created_at = Instant()


class PremisesUnitSchema(Shape):
    """A unit of the premises catalogue (issue 19)."""

    id = fields.Integer()
    organisation = fields.Nested(OrganisationRefSchema)
    title = fields.String()
    address = fields.String()
    town = fields.String()
    neighbourhood = fields.String()
    qpv = fields.Boolean(metadata=describe("In a priority neighbourhood (QPV)."))
    surface_m2 = fields.Integer()
    floor = fields.Integer()
    step_free = fields.Boolean()
    uses = fields.List(Choice(PremisesUse))
    rent = money("rent_cents", allow_none=True, metadata=describe(
        "Rent per month; null when the unit is provided free of charge."))
    lease_types = fields.List(Choice(LeaseType))
    available_from = fields.Date(allow_none=True)
    state = Choice(UNIT_STATES)
    visibility = Choice(Visibility)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    updated_at = Instant()


def page_of(item: type[Schema]) -> type[Schema]:
    """A page of a list: its rows, and the cursor to the next one."""
    return type(item.__name__.replace("Schema", "ListSchema"), (Shape,), {
        "data": fields.List(fields.Nested(item)),
        "next_cursor": fields.String(allow_none=True, metadata=describe(
            "Pass it as `cursor` for the next page; null on the last.")),
    })


DossierListSchema = page_of(DossierSchema)
SessionListSchema = page_of(SessionSchema)
ConventionListSchema = page_of(ConventionSchema)
PaymentListSchema = page_of(PaymentSchema)
PremisesUnitListSchema = page_of(PremisesUnitSchema)


class DossierDetailSchema(Shape):
    data = fields.Nested(DossierSchema)


class ReferenceEntrySchema(Shape):
    """An entry of a reference list: dossiers and structures hold its key."""

    key = fields.String()
    label = fields.String(metadata=describe(
        "The words in the user's language (their account's, else French)."))
    label_fr = fields.String()
    label_en = fields.String()
    archived = fields.Boolean(metadata=describe(
        "No longer offered in forms; still found on older dossiers."))


class ReferenceListSchema(Shape):
    data = fields.List(fields.Nested(ReferenceEntrySchema))


class StatsSchema(Shape):
    year = fields.Integer()
    data = Figures(metadata=describe(
        "The collective's aggregate figures for the year (counts of ideas received, "
        "qualified, retained, supported, conventioned; amounts; the share of projects "
        "supported by several organisations). Each amount comes as integer cents "
        "(`…_cents`) and as a decimal string in euros (`…_euros`).",
        json_schema={"patternProperties": {
            "_cents$": {"type": "integer"},
            "_euros$": {"type": "string", "pattern": r"^-?\d+\.\d{2}$"}}}))

"""What the reporting computes: plain values the page, the exports, the PDF and the API read."""

from __future__ import annotations

from dataclasses import dataclass, field

from murporteur.accounts.models import Organisation
from murporteur.reporting.periods import Period


@dataclass
class Money:
    conventions: int = 0  # conventions signed in the period
    committed_cents: int = 0
    in_kind_cents: int = 0
    paid_cents: int = 0

    def add(self, other: Money) -> None:
        self.conventions += other.conventions
        self.committed_cents += other.committed_cents
        self.in_kind_cents += other.in_kind_cents
        self.paid_cents += other.paid_cents


@dataclass
class OrganisationRow:
    organisation: Organisation
    money: Money
    supported: int  # projects supported in the period that this organisation backs


@dataclass
class BreakdownRow:
    key: str | None  # None: not qualified (no theme) or not answered
    counts: dict[str, int]


@dataclass
class QuarterRow:
    period: Period
    counts: dict[str, int]
    money: Money


@dataclass
class Medians:
    """Median days (None when there is nothing to measure) and how many dossiers each has."""

    first_call: float | None = None
    committee: float | None = None
    convention: float | None = None
    sizes: dict[str, int] = field(default_factory=dict)


@dataclass
class Figures:
    period: Period
    organisation: Organisation | None
    funnel: dict[str, int]  # the collective's, step -> dossiers
    sessions_held: int
    collective: Money
    money: Money  # the organisation's when one is given, else the collective's
    crossed: int  # supported projects backed by two organisations or more
    backed: int | None  # supported projects the organisation backs
    medians: Medians
    by_theme: list[BreakdownRow]
    by_stage: list[BreakdownRow]
    by_priority_area: list[BreakdownRow]
    by_organisation: list[OrganisationRow]
    quarters: list[QuarterRow]

    received = property(lambda self: self.funnel["received"])
    qualified = property(lambda self: self.funnel["qualified"])
    retained = property(lambda self: self.funnel["retained"])
    presented = property(lambda self: self.funnel["presented"])
    supported = property(lambda self: self.funnel["supported"])
    conventioned = property(lambda self: self.funnel["conventioned"])

    @property
    def crossed_share(self) -> float | None:
        supported = self.funnel["supported"]
        return self.crossed / supported if supported else None

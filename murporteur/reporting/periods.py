"""Reporting periods: a year, a quarter or any dates, read from the URL with French messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from murporteur.core import params
from murporteur.core.errors import DomainError
from murporteur.core.timeutil import PARIS, paris_today

MIN_YEAR, MAX_YEAR = 2000, 2100
QUARTER_CODE = re.compile(r"^(\d{4})-[QT]([1-4])$")


class PeriodError(DomainError):
    """The period asked for cannot be understood; ``message`` says why, in French."""


def paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PARIS)


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end`` (both included), calendar days in Paris."""

    start: date
    end: date
    label: str
    kind: str = "custom"  # year | quarter | custom

    @classmethod
    def of_year(cls, year: int) -> Period:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(_l("L'année « %(value)s » n'est pas comprise (par exemple "
                                 "%(example)s).", value=year, example=paris_today().year))
        return cls(date(year, 1, 1), date(year, 12, 31), str(year), "year")

    @classmethod
    def of_quarter(cls, code: str) -> Period:
        """``2026-Q4`` (or ``2026-T4``, as people write it in French)."""
        match = QUARTER_CODE.fullmatch((code or "").strip().upper())
        if match is None or not MIN_YEAR <= int(match.group(1)) <= MAX_YEAR:
            raise PeriodError(_l("Le trimestre « %(value)s » n'est pas compris (par exemple "
                                 "2026-Q4).", value=code))
        year, quarter = int(match.group(1)), int(match.group(2))
        start = date(year, 3 * quarter - 2, 1)
        after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return cls(start, after - timedelta(days=1), f"{year}-Q{quarter}", "quarter")

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        if start > end:
            raise PeriodError(_l("La date de début de la période est après sa date de fin."))
        if start.year < MIN_YEAR or end.year > MAX_YEAR:
            raise PeriodError(_l("Choisissez des dates entre %(first)s et %(last)s.",
                                 first=MIN_YEAR, last=MAX_YEAR))
        return cls(start, end, f"{start:%d/%m/%Y} – {end:%d/%m/%Y}", "custom")

    @classmethod
    def from_args(cls, args, today: date | None = None) -> tuple[Period, list[str]]:
        """The period of the URL: ``from`` and ``to`` dates, else ``year`` and ``quarter``
        (1–4 or ``2026-Q4``); by default the current year. What cannot be understood is said
        in the returned messages, and the current year is shown instead."""
        today = today or paris_today()
        first, last = (args.get("from") or "").strip(), (args.get("to") or "").strip()
        year, quarter = (args.get("year") or "").strip(), (args.get("quarter") or "").strip()
        try:
            if first or last:
                if not (first and last):
                    raise PeriodError(_l("Indiquez la date de début et la date de fin de la "
                                         "période."))
                return cls.custom(_parse_day(first), _parse_day(last)), []
            if QUARTER_CODE.fullmatch(quarter.upper()):
                return cls.of_quarter(quarter), []
            number = _parse_year(year) if year else today.year
            if quarter:
                if quarter not in ("1", "2", "3", "4"):
                    raise PeriodError(_l("Le trimestre « %(value)s » n'est pas compris (par "
                                         "exemple 2026-Q4).", value=quarter))
                return cls.of_quarter(f"{number}-Q{quarter}"), []
            return cls.of_year(number), []
        except PeriodError as exc:
            return cls.of_year(today.year), [str(exc.message)]

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The instants [from, until) of the period: Paris midnights."""
        return paris_midnight(self.start), paris_midnight(self.end + timedelta(days=1))

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def quarter_number(self) -> int | None:
        return (self.start.month + 2) // 3 if self.kind == "quarter" else None

    @property
    def slug(self) -> str:
        """For file names: ``2026``, ``2026-Q4``, ``2026-03-01_2026-05-31``."""
        if self.kind == "custom":
            return f"{self.start.isoformat()}_{self.end.isoformat()}"
        return self.label

    def to_args(self) -> dict[str, str]:
        """The URL parameters that give this period back."""
        if self.kind == "year":
            return {"year": str(self.year)}
        if self.kind == "quarter":
            return {"year": str(self.year), "quarter": str(self.quarter_number)}
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    def quarters(self) -> list[Period]:
        """The four quarters of the period's (first) year."""
        return [Period.of_quarter(f"{self.year}-Q{n}") for n in range(1, 5)]


def _parse_day(text: str) -> date:
    # Any real day is read here; Period.custom says when it is out of the reports' years.
    day = params.day(text, first=date.min, last=date.max)
    if day is None:
        raise PeriodError(_l("La date « %(value)s » n'est pas comprise (format attendu : "
                             "AAAA-MM-JJ).", value=text))
    return day


def _parse_year(text: str) -> int:
    year = params.integer(text, low=0)
    if year is None:
        raise PeriodError(_l("L'année « %(value)s » n'est pas comprise (par exemple "
                             "%(example)s).", value=text, example=paris_today().year))
    return year


# --- The figures ---------------------------------------------------------------------------

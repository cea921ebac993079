"""The one reader of request parameters (core/params.py): whatever arrives, a value within
bounds or None, never an exception."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from murporteur.core import params
from murporteur.core.errors import DomainError


@pytest.mark.parametrize("raw", ["²", "٣", "１", "", " ", "1.0", "1e3", "0x1", "1_0", "--1",
                                 "9" * 25, "2147483648", "-2147483649", None, "1\x00"])
def test_what_is_not_an_integer_within_bounds_is_none(raw):
    assert params.integer(raw) is None


def test_integers_within_bounds_are_read():
    assert params.integer("42") == 42
    assert params.integer(" -7 ") == -7
    assert params.integer("2147483647") == params.INT_MAX
    assert params.integer("5", low=1, high=4) is None
    assert params.identifier("0") is None and params.identifier("-3") is None
    assert params.identifier("3") == 3


def test_ids_are_read_once_each_and_the_others_dropped():
    assert params.identifiers(["3", "²", "3", "9" * 25, "0", "12"]) == [3, 12]


@pytest.mark.parametrize(("raw", "page"), [("2", 2), ("²", 1), ("0", 1), ("-4", 1), (None, 1),
                                           ("100000", params.MAX_PAGE), ("100001", 1),
                                           ("9" * 25, 1)])
def test_a_page_is_from_one_to_the_last_browsable(raw, page):
    assert params.page(raw) == page


def test_days_and_instants_stay_within_their_range():
    assert params.day("2026-03-01") == date(2026, 3, 1)
    for raw in ("0001-01-01", "9999-12-31", "2026-02-30", "²", None):
        assert params.day(raw) is None, raw
    assert params.day("0001-01-01", first=date.min) == date(1, 1, 1)
    assert params.instant("2026-01-31T09:00:00+01:00") == datetime(2026, 1, 31, 8, tzinfo=UTC)
    assert params.instant("2026-01-31T09:00:00 01:00") == datetime(2026, 1, 31, 8, tzinfo=UTC)
    for raw in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                "2026-01-31T09:00:00", "demain"):
        assert params.instant(raw) is None, raw
    assert params.instant("0001-01-01T00:00:00+14:00", clamp=True) == datetime(
        1900, 1, 1, tzinfo=UTC)
    assert params.instant("9999-12-31T23:59:59-14:00", clamp=True).year == 2200
    assert params.instant("2026-01-31T09:00:00", clamp=True) is None


def test_choices_text_and_keys():
    assert params.choice("draft", {"draft", "signed"}) == "draft"
    assert params.choice("DRAFT", {"draft"}, "") == ""
    assert params.text("  café  ", 3) == "caf"
    assert params.token("abc_-9", 64) == "abc_-9"
    for raw in ("k" * 65, "a b", "", None, "é"):
        assert params.token(raw, 64) is None


@given(st.text())
def test_no_text_makes_a_reader_fail(raw):
    params.integer(raw), params.identifier(raw), params.page(raw), params.day(raw)
    params.instant(raw), params.token(raw, 64), params.text(raw, 10)


def test_business_days_are_between_2000_and_2100(app):
    params.check_business_day(date(2026, 5, 1))
    params.check_business_day(None)
    for day in (date(1999, 12, 31), date(2101, 1, 1), datetime(9999, 12, 31, tzinfo=UTC)):
        with pytest.raises(DomainError):
            params.check_business_day(day)


def test_an_id_in_an_address_is_ascii_and_fits_its_column(app):
    adapter = app.url_map.bind("localhost")
    assert adapter.match("/conventions/12")[1] == {"convention_id": 12}
    for segment in ("0", "2147483648", "9" * 25, "٣", "-1"):
        with pytest.raises(Exception) as caught:
            adapter.match(f"/conventions/{segment}")
        assert getattr(caught.value, "code", None) == 404, segment

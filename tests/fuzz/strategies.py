"""What the fuzz suite sends, and how much of it.

``FUZZ`` is the settings profile of every fuzz test: "ci" by default (the whole suite in under
a minute), HYPOTHESIS_PROFILE=deep for a longer hunt.
"""

from __future__ import annotations

import base64
import os
from urllib.parse import urlencode

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "ci", max_examples=10, deadline=None, print_blob=True,
    # One database transaction per test, shared by its examples (each example compares its own
    # before and after), so function-scoped fixtures are intended.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.filter_too_much])
settings.register_profile("deep", parent=settings.get_profile("ci"), max_examples=300)
FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Values people and robots send: odd numbers and dates, markup, injections, control
#: characters, very long text.
NASTY = ["", " ", "0", "-1", "1e309", "NaN", "9" * 40, "12,5", "1 000 000,00", "€",
         "2026-02-30", "2026-13-01", "24:61", "9999-12-31", "0000-00-00", "true", "null",
         "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "\r\n\r\n", "../../etc/passwd",
         "%00", "/\nenv;", "/\r\nSet-Cookie: x=1", "/deposer\t", "é" * 300, "a" * 5_000,
         "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏠", "\u202e\u200b", "x" * 200_000]

text_values = st.one_of(st.sampled_from(NASTY), st.text(max_size=300))
byte_values = st.binary(max_size=80)  # invalid UTF-8 included
values = st.one_of(text_values, text_values, byte_values)


def form_body(names: list[str]):
    """A urlencoded body over ``names``: any subset, each 0-3 times (duplicates), any value,
    in any order, with a few names nobody expects."""
    name = st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=12)) if names \
        else st.text(min_size=1, max_size=12)
    pairs = st.lists(st.tuples(name, values), max_size=12)
    return pairs.map(lambda p: urlencode(p))


def query_string(names: list[str]):
    return form_body(names)


#: What a person or a robot puts where a number, a date or an id is expected (issue 13):
#: integers beyond every column and negative ones, digits str.isdigit() accepts and int()
#: refuses, days and instants at the ends of the calendar, long text, NUL characters, and
#: cursors that decode to any of these.
_numbers = st.one_of(
    st.integers(min_value=2**31 - 2, max_value=10**30), st.integers(min_value=-(10**30),
                                                                       max_value=0),
    st.sampled_from(["2147483647", "2147483648", "9223372036854775808", "9" * 25, "-0", "+1",
                     "1e309", "NaN", " 7", "0x10", "1_000"])).map(str)
_unicode_digits = st.text(alphabet=st.characters(categories=("Nd", "No", "Nl")), min_size=1,
                          max_size=12)
_offsets = st.sampled_from(["", "Z", "+14:00", "-12:00", " 01:00", "+23:59"])
_far_dates = st.one_of(
    st.sampled_from(["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00",
                     "9999-12-31T23:59:59-14:00", "10000-01-01", "2026-02-30", "1899-12-31",
                     "2201-01-01", "9999-12-31T23:30"]),
    st.dates().map(lambda d: d.isoformat()),
    st.tuples(st.datetimes(), _offsets).map(lambda p: p[0].isoformat() + p[1]))
_long_text = st.one_of(st.sampled_from(["a" * 65, "k" * 501, "é" * 300, "9" * 5_000]),
                       st.text(min_size=65, max_size=400))
_nul = st.sampled_from(["\x00", "1\x00", "\x00²", "2026-01-01\x00"])
_cursors = st.one_of(_numbers, _unicode_digits).map(
    lambda v: base64.urlsafe_b64encode(v.encode()).decode().rstrip("="))
hostile_values = st.one_of(_numbers, _unicode_digits, _far_dates, _long_text, _nul, _cursors)


def hostile_query(names: list[str]):
    """A query string over ``names`` (and a few unexpected ones), each with a hostile value."""
    name = st.one_of(st.sampled_from(names), st.sampled_from(names),
                     st.text(min_size=1, max_size=12))
    return st.lists(st.tuples(name, hostile_values), max_size=6).map(urlencode)

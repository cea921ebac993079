"""What the fuzz suite sends, and how much of it.

``FUZZ`` is the settings profile of every fuzz test: "ci" by default (the whole suite in under
a minute), HYPOTHESIS_PROFILE=deep for a longer hunt.
"""

from __future__ import annotations

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
         "%00", "/\nenv;", "/\r\nSet-Cookie: x=1", "/deposer\t", "é" * 300, "a" * 5_000, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏠", "\u202e\u200b", "x" * 200_000]

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

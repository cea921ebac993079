import pytest

from murporteur.core.money import AmountError, cents_to_input, format_cents, parse_euros


@pytest.mark.parametrize("typed, cents", [
    ("8000", 800000), ("8 000", 800000), ("8\u00a0000 €", 800000), ("1 234,56", 123456),
    ("1234.5", 123450), ("1.234,56", 123456), ("0,99", 99), ("12 000 EUR", 1200000),
])
def test_amounts_typed_by_people_are_read_in_cents(typed, cents):
    assert parse_euros(typed) == cents


@pytest.mark.parametrize("typed", ["", "douze", "12,345", "-5", "1e5", "12.3.4"])
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(AmountError):
        parse_euros(typed)


def test_amounts_are_shown_the_french_way():
    assert format_cents(123456, "fr").replace("\u202f", " ").replace("\u00a0", " ") == \
        "1 234,56 €"
    assert format_cents(800000, "fr").replace("\u202f", " ").replace("\u00a0", " ") == "8 000 €"
    assert format_cents(123456, "en") == "€1,234.56"


def test_amount_goes_back_into_its_field_unchanged():
    assert cents_to_input(800000) == "8000"
    assert cents_to_input(1050) == "10,50"
    assert parse_euros(cents_to_input(123456)) == 123456

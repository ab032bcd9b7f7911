"""National identity numbers: fødselsnummer, D-numbers and Tenor's synthetic numbers."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from common.nin import (
    RELAXED_CHECK_DIGIT_FROM,
    InvalidNationalIdentityNumber,
    NumberKind,
    parse_national_identity_number,
)
from emulator.personas import PERSONAS, Persona
from tests.nin_support import is_valid_national_identity_number

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
BEFORE_2032 = RELAXED_CHECK_DIGIT_FROM - datetime.timedelta(days=1)


def check_digit(digits: str, weights: tuple[int, ...]) -> int:
    """docs/idporten.md 6.1: 11 - (weighted sum mod 11), where 11 becomes 0 (10: no number)."""
    digit = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if digit == 11 else digit


def with_check_digits(first_nine: str) -> str | None:
    k1 = check_digit(first_nine, K1_WEIGHTS)
    if k1 == 10:
        return None
    return with_second_check_digit(f"{first_nine}{k1}")


def with_second_check_digit(first_ten: str) -> str | None:
    k2 = check_digit(first_ten, K2_WEIGHTS)
    return None if k2 == 10 else f"{first_ten}{k2}"


def individual_numbers_for(year: int) -> st.SearchStrategy[int]:
    """The individnummer ranges that give `year`'s century (docs/idporten.md 6.2)."""
    if year < 1900:
        return st.integers(500, 749)
    if year < 1940:
        return st.integers(0, 499)
    if year < 2000:
        return st.one_of(st.integers(0, 499), st.integers(900, 999))
    return st.integers(500, 999)


@st.composite
def valid_prefixes(draw: st.DrawFn) -> tuple[str, datetime.date, NumberKind, bool]:
    """Date and individnummer of a number that can exist, without its check digits."""
    birth = draw(st.dates(datetime.date(1854, 1, 1), datetime.date(2039, 12, 31)))
    individual = draw(individual_numbers_for(birth.year))
    kind = draw(st.sampled_from(NumberKind))
    synthetic = draw(st.booleans())
    day = birth.day + (40 if kind == NumberKind.D_NUMBER else 0)
    month = birth.month + (80 if synthetic else 0)
    return f"{day:02}{month:02}{birth.year % 100:02}{individual:03}", birth, kind, synthetic


@st.composite
def valid_numbers(draw: st.DrawFn) -> tuple[str, datetime.date, NumberKind, bool]:
    first_nine, birth, kind, synthetic = draw(valid_prefixes())
    number = with_check_digits(first_nine)
    assume(number is not None)
    return number, birth, kind, synthetic


def reason(raw: str, *, today: datetime.date = BEFORE_2032) -> str:
    with pytest.raises(InvalidNationalIdentityNumber) as caught:
        parse_national_identity_number(raw, today=today)
    return caught.value.reason


class TestValidNumbers:
    @given(valid_numbers())
    def test_a_generated_number_parses_with_its_kind_synthetic_flag_and_birth_date(
        self, generated: tuple[str, datetime.date, NumberKind, bool]
    ) -> None:
        number, birth, kind, synthetic = generated
        parsed = parse_national_identity_number(number, today=BEFORE_2032)
        assert (parsed.value, parsed.birth_date, parsed.kind, parsed.synthetic) == (
            number,
            birth,
            kind,
            synthetic,
        )

    @pytest.mark.parametrize(
        ("number", "birth", "kind", "synthetic"),
        [
            ("08023549930", datetime.date(1935, 2, 8), NumberKind.FODSELSNUMMER, False),
            ("23079410918", datetime.date(1994, 7, 23), NumberKind.FODSELSNUMMER, False),
            ("23079421936", datetime.date(1994, 7, 23), NumberKind.FODSELSNUMMER, False),
            ("20914695016", datetime.date(1946, 11, 20), NumberKind.FODSELSNUMMER, True),
            ("21879498012", datetime.date(1994, 7, 21), NumberKind.FODSELSNUMMER, True),
        ],
    )
    def test_the_known_valid_examples_parse(
        self, number: str, birth: datetime.date, kind: NumberKind, synthetic: bool
    ) -> None:
        parsed = parse_national_identity_number(number, today=BEFORE_2032)
        assert (parsed.birth_date, parsed.kind, parsed.synthetic) == (birth, kind, synthetic)

    @pytest.mark.parametrize("persona", PERSONAS, ids=lambda persona: persona.pid)
    def test_every_personas_number_is_a_valid_synthetic_number(self, persona: Persona) -> None:
        assert parse_national_identity_number(persona.pid, today=BEFORE_2032).synthetic

    def test_spaces_are_ignored(self) -> None:
        parsed = parse_national_identity_number(" 080235 49930 ", today=BEFORE_2032)
        assert parsed.value == "08023549930"

    def test_the_masked_form_keeps_only_the_birth_date_part(self) -> None:
        assert parse_national_identity_number("08023549930").masked() == "080235*****"

    def test_the_boolean_helper_agrees_with_the_parser(self) -> None:
        assert is_valid_national_identity_number("08023549930")
        assert not is_valid_national_identity_number("08023549931")


class TestInvalidNumbers:
    @given(valid_numbers(), st.sampled_from([BEFORE_2032, RELAXED_CHECK_DIGIT_FROM]))
    def test_every_single_digit_substitution_is_rejected(
        self, generated: tuple[str, datetime.date, NumberKind, bool], today: datetime.date
    ) -> None:
        number = generated[0]
        for position, original in enumerate(number):
            for digit in "0123456789".replace(original, ""):
                changed = f"{number[:position]}{digit}{number[position + 1 :]}"
                assert not is_valid_national_identity_number(changed, today=today), changed

    @pytest.mark.parametrize(
        "raw", ["", "0802354993", "080235499300", "0802354993O", "٠٨٠٢٣٥٤٩٩٣٠"]
    )
    def test_a_wrong_length_or_a_non_digit_is_a_length_error(self, raw: str) -> None:
        assert reason(raw) == "length"

    def test_a_wrong_check_digit_is_a_checksum_error(self) -> None:
        assert reason("12345678901") == "checksum"

    @pytest.mark.parametrize(
        "number",
        [
            "31049012392",  # 31 April
            "29029912392",  # 29 February 1999
            "29020012380",  # 29 February 1900 (individnummer 123): not a leap year
            "00019012360",  # day zero
            "01139012328",  # month 13
            "71939012480",  # a synthetic D-number of the 31st of month 13
            "01014556830",  # individnummer 500-749 in a year 40-53: no century has it
        ],
    )
    def test_an_impossible_date_is_a_date_error(self, number: str) -> None:
        assert with_check_digits(number[:9]) == number
        assert reason(number) == "date"

    def test_29_february_of_a_leap_year_is_a_date(self) -> None:
        parsed = parse_national_identity_number("29020056787", today=BEFORE_2032)
        assert parsed.birth_date == datetime.date(2000, 2, 29)

    def test_a_month_plus_40_number_passes_the_checksum_but_is_no_date(self) -> None:
        # NAV's Dolly numbers add 40 to the month; ID-porten's TestID takes Tenor's +80 only.
        assert reason("07499738492") == "date"


class TestTheCheckDigitRuleOf2032:
    @given(valid_prefixes(), st.sampled_from([1, 2, 3]))
    def test_a_first_check_remainder_of_1_to_3_is_accepted_only_from_2032(
        self, prefix: tuple[str, datetime.date, NumberKind, bool], remainder: int
    ) -> None:
        first_nine = prefix[0]
        weighted = sum(int(d) * w for d, w in zip(first_nine, K1_WEIGHTS, strict=True))
        k1 = (remainder - weighted) % 11  # the weight of k1 itself is 1
        assume(k1 < 10)
        number = with_second_check_digit(f"{first_nine}{k1}")
        assume(number is not None)
        assert reason(number, today=BEFORE_2032) == "checksum"
        assert is_valid_national_identity_number(number, today=RELAXED_CHECK_DIGIT_FROM)

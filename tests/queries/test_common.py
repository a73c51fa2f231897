"""Shared helpers: car numbers, spellings, event matching, section splitting, markdown."""

from __future__ import annotations

import pytest

from bot.queries.common import (
    best_spelling,
    chunk_sections,
    event_matcher,
    normalize_car,
)

DAYTONA = ["Rolex 24 At Daytona", "Rolex 24", "24h of Daytona", "Daytona 24 Hours"]
LE_MANS = ["24 Hours of Le Mans", "Le Mans", "24h of Le Mans"]


@pytest.mark.parametrize(
    ("typed", "car"),
    [("31", "31"), ("#31", "31"), ("No. 31", "31"), ("car 7", "7"), ("01", "01"), ("#01", "01")],
)
def test_normalize_car_keeps_leading_zeros(typed, car):
    assert normalize_car(typed) == car


@pytest.mark.parametrize("typed", ["", None, "Cadillac", "1:32.656"])
def test_normalize_car_rejects_non_numbers(typed):
    assert normalize_car(typed) is None


@pytest.mark.parametrize(
    ("variants", "best"),
    [
        (["Sebastien Bourdais", "Sébastien Bourdais"], "Sébastien Bourdais"),
        (["Renger Van Der Zande", "Renger van der Zande"], "Renger van der Zande"),
        (["PIPO DERANI", "pipo derani", "Pipo Derani"], "Pipo Derani"),
        (["Derani", "Pipo Derani"], "Pipo Derani"),
    ],
)
def test_best_spelling_prefers_accents_then_natural_case_then_length(variants, best):
    assert best_spelling(variants) == best


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Daytona", "2024 24 Hours of Daytona qualifying"),
        ("Rolex 24", "2024 24 Hours of Daytona qualifying"),
        ("24h of Daytona", "2021 Rolex 24 At Daytona"),
        ("Daytona 24 Hours", "2023 Daytona 24 Hours"),
        ("Le Mans", "2023 24 Hours of Le Mans"),
    ],
)
def test_event_spellings_match(typed, stored):
    assert event_matcher(typed, [DAYTONA, LE_MANS]).matches(stored)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Le Mans", "2023 Petit Le Mans"), ("Daytona", "Roar Before the 24"), ("Sebring", None)],
)
def test_other_events_do_not_match(typed, stored):
    assert not event_matcher(typed, [DAYTONA, LE_MANS]).matches(stored)


def test_year_typed_in_an_event_is_a_season():
    assert event_matcher("2024 Daytona").year == 2024


def test_long_lists_are_split_into_fields():
    lines = [f"{i:03d} " + "x" * 60 for i in range(100)]

    sections = chunk_sections("Results", lines)

    assert len(sections) > 1
    assert all(len(s.value) <= 1024 for s in sections)
    assert sections[0].name == "Results"
    assert all(s.name == "Results (cont.)" for s in sections[1:])
    assert "\n".join(str(s.value) for s in sections).splitlines() == lines

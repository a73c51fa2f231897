"""The aliases data file: loading, validation, and canonical team and event names."""

from pathlib import Path

import pytest

from bot.extraction import load_aliases


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "aliases.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_repository_aliases_resolve_abbreviations(aliases):
    assert aliases.canonical_team("AXR") == "Action Express Racing"
    assert aliases.canonical_team("cgr") == "Chip Ganassi Racing"
    assert aliases.canonical_team("MSR") == "Meyer Shank Racing"
    assert aliases.canonical_team("WTR") == "Wayne Taylor Racing"
    assert aliases.canonical_team("RLL") == "Rahal Letterman Lanigan Racing"
    assert aliases.canonical_team("PPM") == "Porsche Penske Motorsport"


def test_event_synonyms_are_one_event(aliases):
    names = {aliases.canonical_event(n) for n in ("Rolex 24", "24h of Daytona", "Daytona 24 Hours")}
    assert len(names) == 1


def test_bad_variant_list_names_the_key(tmp_path):
    path = write(tmp_path, '[teams]\n"Halvard Racing" = "HR"\n')
    with pytest.raises(ValueError, match="Halvard Racing"):
        load_aliases(path)


def test_unknown_section_and_broken_toml_are_errors(tmp_path):
    with pytest.raises(ValueError, match="drivers"):
        load_aliases(write(tmp_path, '[drivers]\n"A" = []\n'))
    with pytest.raises(ValueError, match="not valid TOML"):
        load_aliases(write(tmp_path, "[teams\n"))


def test_entities_use_canonical_team_names(facts_of, aliases):
    facts = facts_of(
        "The #31 of AXR led early. Later the #31 car of Action Express won.", aliases=aliases
    )
    teams = {e.name: e.aliases for e in facts.entities if e.kind == "team"}
    assert "Action Express Racing" in teams
    assert {"AXR", "Action Express"} <= set(teams["Action Express Racing"])
    cars = {e.name for e in facts.entities if e.kind == "car"}
    assert cars == {"#31"}

"""Name normalisation and cross-article resolution."""

from bot.extraction.names import NameResolver, surname
from bot.text import fold_name


def test_normalize_name_folds_case_accents_and_spaces():
    assert fold_name("  Sébastien   BOURDAIS ") == "sebastien bourdais"
    assert fold_name("Hélio Castro-Neves") == "helio castro-neves"


def test_resolver_maps_accent_and_case_variants():
    resolver = NameResolver(["Sébastien Marchal", "Renzo van der Berg"])
    assert resolver.resolve("Sebastien Marchal") == "Sébastien Marchal"
    assert resolver.resolve("Renzo Van Der Berg") == "Renzo van der Berg"


def test_resolver_fixes_typos_with_fuzzy_matching():
    resolver = NameResolver(["Halvard Engineering", "Brenner V-Sport.R"])
    assert resolver.resolve("Hlavard Engineering") == "Halvard Engineering"
    assert resolver.resolve("Brenner V-Sprt.R") == "Brenner V-Sport.R"


def test_resolver_maps_surname_and_particle_tail_to_full_name():
    resolver = NameResolver(["Pia Dera", "Renzo van der Berg"])
    assert resolver.resolve("Dera") == "Pia Dera"
    assert resolver.resolve("van der Berg") == "Renzo van der Berg"


def test_ambiguous_surname_is_left_alone():
    resolver = NameResolver(["Ricky Tal", "Jordan Tal"])
    assert resolver.resolve("Tal") == "Tal"


def test_unknown_name_is_returned_unchanged_and_can_be_added():
    resolver = NameResolver()
    assert resolver.resolve("  Nina   Holt ") == "Nina Holt"
    assert resolver.add("Nina Holt") == "Nina Holt"
    assert resolver.add("NINA HOLT") == "Nina Holt"
    assert resolver.names == ["Nina Holt"]


def test_article_people_win_over_known_people_for_surnames(facts_of):
    facts = facts_of(
        "Jordan Tal won the race.\n“It was a great day for the whole team,” Tal said.",
        known_people=("Ricky Tal", "Nina Holt"),
    )
    assert facts.quotes[0].speaker == "Jordan Tal"


def test_known_people_spelling_is_canonical(facts_of):
    facts = facts_of(
        "Sebastien Marchal and Renzo Van Der Berg shared the No. 5 all season.",
        known_people=("Sébastien Marchal", "Renzo van der Berg"),
    )
    assert facts.lineups[0].drivers == ("Sébastien Marchal", "Renzo van der Berg")


def test_surname_key_ignores_the_full_stop_of_an_abbreviation():
    assert surname("Ray Dunn Jr.") == surname("Ray Dunn Jr") == "jr"


def test_a_nationality_or_role_alone_names_nobody(facts_of):
    facts = facts_of(
        "It was a first class win for both Ivo Lund and Brazilian driver Nora Falk in the No. 97."
    )
    assert all(name != "Brazilian" for lineup in facts.lineups for name in lineup.drivers)
    assert not any(entity.name == "Brazilian" for entity in facts.entities)


def test_session_and_award_words_end_a_name(facts_of):
    facts = facts_of(
        "Ivo Lund stood tall during the Firestone Fast Nine Shootout on Sunday. "
        "Nora Falk clinched the Julius Baer Pole Position for the race."
    )
    people = {entity.name for entity in facts.entities if entity.kind == "person"}
    assert "Firestone Fast Nine Shootout" not in people
    assert "Julius Baer Pole Position" not in people
    assert {"Ivo Lund", "Nora Falk"} <= people


def test_a_verb_after_a_name_in_a_title_case_heading_ends_the_name():
    from bot.extraction.names import find_mentions

    found = [m.text for m in find_mentions("Nora Falk Attains Pole-to-win, Ivo Lund Goes On")]
    assert "Nora Falk" in found and "Ivo Lund" in found
    assert not any("Attains" in name or "Goes" in name for name in found)


def test_function_words_and_press_vocabulary_are_no_part_of_a_name():
    from bot.extraction.names import find_mentions

    text = "Nora Falk took the Velden Force For Good award; Race Winner Press Conference Transcript"
    found = [m.text for m in find_mentions(text)]
    assert "Nora Falk" in found
    assert not any(w in name.split() for name in found for w in ("For", "Press", "Transcript"))
    assert [m.text for m in find_mentions("Anna Van Der Berg won")] == ["Anna Van Der Berg"]

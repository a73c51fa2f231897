"""Classification tables: lines that each hold a place and its holder, under a heading."""


def results(facts):
    return {(r.kind, r.position, r.car, r.drivers, r.session, r.race_class) for r in facts.results}


def test_a_table_between_quotes_gives_each_place(facts_of):
    facts = facts_of(
        "Here is what the drivers made of the Velden ePrix:\n\n"
        "1st, Nora Falk, Falk Racing\n\n"
        "“The most important thing was to pull away at the start.”\n\n"
        "2nd, IVO LUND, Lund Motorsport\n\n"
        "“It is the first clean weekend we have had.”\n\n"
        "3rd, Anna Berg*\n\n"
        "*rookie"
    )
    assert results(facts) == {
        ("win", 1, None, ("Nora Falk",), "race", None),
        ("finish", 2, None, ("Ivo Lund",), "race", None),
        ("finish", 3, None, ("Anna Berg",), "race", None),
    }


def test_each_table_takes_the_class_of_its_heading(facts_of):
    facts = facts_of(
        "GT500 Results:\n\n"
        "1. #36 Brenner GT (Brenner GT500) – Sho Tsuboi, Ritomo Miyata\n\n"
        "2. #16 Velden NSX-GT (Velden) – Nirei Fukuzumi, Hiroki Otsu\n\n"
        "GT300 Results:\n\n"
        "1. #52 Lund GT – Hiroki Yoshida, Kohta Kawaai\n\n"
        "2. #2 Berg GR86 GT – Yuui Tsutsumi, Hibiki Taira"
    )
    places = {(r.position, r.car, r.race_class) for r in facts.results}
    assert places == {(1, "36", "GT500"), (2, "16", "GT500"), (1, "52", "GT300"), (2, "2", "GT300")}
    assert all(r.session == "race" for r in facts.results)


def test_a_grid_table_gives_qualifying_places_and_the_pole(facts_of):
    facts = facts_of("STARTING GRID\n\n1. Nora Falk\n\n2. Ivo Lund")
    assert results(facts) == {
        ("pole", 1, None, ("Nora Falk",), "qualifying", None),
        ("finish", 2, None, ("Ivo Lund",), "qualifying", None),
    }


def test_practice_and_standings_tables_are_no_results(facts_of):
    facts = facts_of(
        "Final practice\n\n1. Nora Falk\n\n2. Ivo Lund\n\n"
        "Championship standings after round 3:\n\n1. Anna Berg\n\n2. Marco Velden"
    )
    assert facts.results == []


def test_numbered_prose_and_lone_lines_are_no_table(facts_of):
    facts = facts_of(
        "1. Nora Falk needs a clean start and then she is sure to be in the fight at the end.\n\n"
        "2. Ivo Lund has to keep his tyres alive through the long middle stint of the race.\n\n"
        "Later that day:\n\n4th, Anna Berg"
    )
    assert facts.results == []


def test_a_place_the_prose_states_is_not_read_twice(facts_of):
    facts = facts_of(
        "Nora Falk won the race from Ivo Lund.\n\nResults:\n\n1st, Nora Falk\n\n2nd, Ivo Lund"
    )
    wins = [r for r in facts.results if r.kind == "win"]
    assert [(r.drivers, r.evidence) for r in wins] == [
        (("Nora Falk",), "Nora Falk won the race from Ivo Lund.")
    ]
    assert {(r.position, r.drivers) for r in facts.results} == {
        (1, ("Nora Falk",)),
        (2, ("Ivo Lund",)),
    }


def test_a_driver_named_like_their_team_in_a_table_stays_a_driver(facts_of):
    facts = facts_of(
        "Results:\n\n1st – Nora Falk, Velden Racing\n\n2nd – Ivo Lund, Lund Motorsport\n\n"
        "Ivo Lund took pole position on Saturday."
    )
    poles = [(r.drivers, r.team) for r in facts.results if r.kind == "pole"]
    assert poles == [(("Ivo Lund",), None)]


def test_detail_lines_under_a_driver_s_heading_give_their_places(facts_of):
    facts = facts_of(
        "VELDEN QUOTES\n\n"
        "NORA FALK, No. 11 Brenner Camry, Velden Racing\n\n"
        "Start: 5th | Finish: 2nd\n\n"
        "“We just had to battle back.”\n\n"
        "IVO LUND, No. 20 Brenner Camry\n\n"
        "Finishing Position: 1st\n\n"
        "Lap times were close all weekend.\n\n"
        "Finish: 9th"
    )
    assert {(r.kind, r.position, r.drivers, r.session) for r in facts.results} == {
        ("finish", 5, ("Nora Falk",), "qualifying"),
        ("finish", 2, ("Nora Falk",), "race"),
        ("win", 1, ("Ivo Lund",), "race"),
    }

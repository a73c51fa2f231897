"""Results decisions: session and class of each result, modality, seasons, events, actors."""

from datetime import date


def results(facts):
    return {(r.kind, r.position, r.car, r.drivers) for r in facts.results}


def test_qualifying_second_is_labelled_qualifying(facts_of):
    facts = facts_of("In qualifying, Nora Falk was second in the No. 6 Brenner.")
    assert [(r.kind, r.position, r.session) for r in facts.results] == [("finish", 2, "qualifying")]


def test_race_place_is_labelled_race(facts_of):
    facts = facts_of("Ivo Lund finished third in the No. 8 Brenner.")
    assert [(r.kind, r.position, r.session) for r in facts.results] == [("finish", 3, "race")]


def test_pole_in_hyperpole_and_class(facts_of):
    facts = facts_of("Marco Velden took pole in the LMP2 class during Hyperpole in the No. 22.")
    assert [(r.kind, r.session, r.race_class) for r in facts.results] == [
        ("pole", "Hyperpole", "LMP2")
    ]


def test_class_win_names_the_class(facts_of):
    facts = facts_of("Nora Falk won in GTD Pro in the No. 79 Brenner.")
    assert [(r.kind, r.race_class, r.car) for r in facts.results] == [("win", "GTD Pro", "79")]


def test_car_class_from_elsewhere_in_the_article(facts_of):
    facts = facts_of(
        "The No. 79 GTD Pro Brenner of Nora Falk was quick all weekend.\n\n"
        "Nora Falk won the race in the No. 79."
    )
    assert [(r.kind, r.race_class) for r in facts.results] == [("win", "GTD Pro")]


def test_sprint_win(facts_of):
    facts = facts_of("Ivo Lund won the sprint race in the No. 4 Brenner.")
    assert [(r.kind, r.session) for r in facts.results] == [("win", "sprint")]


def test_future_hedge_intention_negation_are_not_results(facts_of):
    facts = facts_of(
        "Nora Falk will win the title if she finishes fifth. Ivo Lund could have won the race. "
        "Marco Velden is targeting pole position. Tobias Rennard did not win the race. "
        "Anna Berg failed to finish in the top five."
    )
    assert facts.results == []


def test_running_and_grid_positions_are_not_results(facts_of):
    facts = facts_of(
        "Nora Falk was running second when the rain came. "
        "Ivo Lund climbed from 15th place with one lap remaining to finish third."
    )
    assert results(facts) == {("finish", 3, None, ("Ivo Lund",))}


def test_practice_is_not_a_result(facts_of):
    facts = facts_of("Marco Velden was fastest in second practice in the No. 7 Brenner.")
    assert facts.results == []


def test_passive_voice_names_the_winner(facts_of):
    facts = facts_of("The race was won by Nora Falk in the No. 6 Brenner.")
    assert results(facts) == {("win", 1, "6", ("Nora Falk",))}


def test_reigning_and_defending_champions_are_last_season(facts_of):
    facts = facts_of(
        "Reigning champion Nora Falk starts the year with a new team.",
        published=date(2025, 2, 1),
    )
    assert [(r.kind, r.season, r.drivers) for r in facts.results] == [
        ("title", 2024, ("Nora Falk",))
    ]


def test_a_title_is_a_championship_of_a_season(facts_of, aliases):
    facts = facts_of(
        "Ivo Lund clinched the 2023 IMSA WeatherTech SportsCar Championship GTP drivers' title.",
        aliases=aliases,
    )
    (title,) = facts.results
    assert (title.kind, title.season) == ("title", 2023)
    assert title.event == "2023 IMSA SportsCar Championship GTP drivers' title"


def test_the_ten_hour_event_is_the_race_named_before(facts_of, aliases):
    facts = facts_of(
        "At the Petit Le Mans, the team had a difficult day.\n\n"
        "Nora Falk was sixth in the 10-hour event.",
        aliases=aliases,
    )
    assert [(r.kind, r.position, r.event) for r in facts.results] == [
        ("finish", 6, "Petit Le Mans")
    ]


def test_le_mans_inside_a_series_name_is_not_the_24_hours(facts_of, aliases):
    facts = facts_of(
        "Nora Falk won the opening round of the Asian Le Mans Series in the No. 3 Brenner.",
        aliases=aliases,
    )
    assert [r.event for r in facts.results if r.kind == "win"] == [None]


def test_names_of_places_makes_and_classes_are_not_winners(facts_of):
    facts = facts_of(
        "The No. 3 car finished third at the Yas Marina Circuit. "
        "Two Ferrari were quickest in qualifying."
    )
    assert all(name not in {"Marina", "Ferrari"} for r in facts.results for name in r.drivers)


def test_career_counts_are_not_results(facts_of):
    facts = facts_of("Nora Falk has won four poles in the class. Ivo Lund won all three races.")
    assert facts.results == []


def test_second_to_someone_makes_them_the_winner(facts_of):
    facts = facts_of(
        "Having finished second to Nora Falk in 2018, the crew of Ivo Lund and Anna Berg came "
        "back stronger."
    )
    assert results(facts) == {
        ("finish", 2, None, ("Ivo Lund", "Anna Berg")),
        ("win", 1, None, ("Nora Falk",)),
    }


def test_each_result_keeps_its_sentence(facts_of):
    facts = facts_of("It rained. Nora Falk won the race in the No. 6 Brenner. Then it stopped.")
    assert [r.evidence for r in facts.results] == ["Nora Falk won the race in the No. 6 Brenner."]


def test_respectively_distributes_places_in_order(facts_of):
    facts = facts_of(
        "In the Bronze class, the cars of Alder Racing, Birch Racing and Cedar Racing finished "
        "fifth, eighth and eleventh, respectively."
    )
    assert sorted((r.position, r.team, r.race_class) for r in facts.results) == [
        (5, "Alder Racing", "Bronze"),
        (8, "Birch Racing", "Bronze"),
        (11, "Cedar Racing", "Bronze"),
    ]


def test_grid_rows_are_qualifying_places(facts_of):
    facts = facts_of(
        "Ivo Lund put the No. 24 Brenner on the inside of the second row with a 1:12.649 lap. "
        "The third row has the No. 25 Brenner (Anna Berg) on the inside and the No. 7 Falk "
        "(Tobias Rennard) on the outside."
    )
    assert sorted((r.position, r.car, r.session) for r in facts.results) == [
        (3, "24", "qualifying"),
        (5, "25", "qualifying"),
        (6, "7", "qualifying"),
    ]


def test_a_win_over_someone_in_qualifying_is_the_pole(facts_of):
    facts = facts_of(
        "Nora Falk posted a time of 1m12.445 in the No. 1 Brenner to pip Ivo Lund in the No. 31 "
        "by 0.112s in qualifying."
    )
    assert sorted((r.kind, r.position, r.car, r.session) for r in facts.results) == [
        ("finish", 2, "31", "qualifying"),
        ("pole", 1, "1", "qualifying"),
    ]


def test_winning_from_pole_is_a_win_and_a_pole(facts_of):
    facts = facts_of("The No. 22 crew of Ivo Lund and Anna Berg won from pole position.")
    assert {(r.kind, r.car) for r in facts.results} == {("win", "22"), ("pole", "22")}


def test_a_team_read_as_a_person_is_a_team(facts_of):
    facts = facts_of("Alder Autosports won the race at the circuit.")
    assert [(r.kind, r.drivers, r.team) for r in facts.results] == [("win", (), "Alder Autosports")]


def test_respectively_gives_each_their_win(facts_of):
    facts = facts_of("Nora Falk and Ivo Lund won Race 1 and Race 2 respectively at the circuit.")
    assert sorted((r.kind, r.drivers) for r in facts.results) == [
        ("win", ("Ivo Lund",)),
        ("win", ("Nora Falk",)),
    ]


def test_a_possessor_is_not_the_subject(facts_of):
    facts = facts_of(
        "Nora Falk shattered Ivo Lund's year-old track record to take the Motul Pole Award."
    )
    assert [(r.kind, r.drivers) for r in facts.results] == [("pole", ("Nora Falk",))]


def test_prevailed_is_a_win(facts_of):
    facts = facts_of("Nora Falk and Ivo Lund prevailed after 24 hours in the No. 16 Brenner.")
    assert [(r.kind, r.car, r.drivers) for r in facts.results] == [
        ("win", "16", ("Nora Falk", "Ivo Lund"))
    ]

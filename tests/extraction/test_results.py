"""Results: poles, places, wins, titles, fastest laps, and only outcomes that happened."""

from datetime import date


def outcomes(facts):
    return {(r.kind, r.position, r.car, r.drivers) for r in facts.results}


def test_pole_with_lap_time(facts_of):
    facts = facts_of(
        "Series champion Marco Velden claimed the first pole position of the season in his "
        "#31 Brenner, setting a new record with his time of 1:32.656."
    )
    (pole,) = [r for r in facts.results if r.kind == "pole"]
    assert (pole.car, pole.drivers, pole.detail) == ("31", ("Marco Velden",), "1:32.656")


def test_qualifying_place(facts_of):
    facts = facts_of("Tobias Rennard lined up the #02 Brenner on second place.")
    assert ("finish", 2, "02", ("Tobias Rennard",)) in outcomes(facts)


def test_race_win_and_runner_up(facts_of):
    facts = facts_of(
        "Nora Falk took the checkered flag 2.9 seconds ahead of Ivo Lund in the No. 6 Make."
    )
    assert ("win", 1, None, ("Nora Falk",)) in outcomes(facts)
    assert any(
        r.kind == "finish" and r.position == 2 and r.drivers == ("Ivo Lund",) for r in facts.results
    )


def test_finished_ordinal_with_crew_and_car(facts_of):
    facts = facts_of(
        "The #25 Make, driven by Cora Dell and Nick Yell, finished third after the #32 Make "
        "by Pia Dera and Alan Simm slipped to fourth."
    )
    assert ("finish", 3, "25", ("Cora Dell", "Nick Yell")) in outcomes(facts)
    assert ("finish", 4, "32", ("Pia Dera", "Alan Simm")) in outcomes(facts)


def test_title_clinched(facts_of):
    facts = facts_of(
        "Pia Dera and Alan Simm claimed the championship in the inaugural season.",
        published=date(2023, 10, 19),
    )
    (title,) = facts.results
    assert (title.kind, title.position, title.drivers, title.season) == (
        "title", 1, ("Pia Dera", "Alan Simm"), 2023,
    )  # fmt: skip


def test_fastest_lap(facts_of):
    facts = facts_of("Ravi Mehta set the fastest lap of the race with a 1:45.120.")
    (lap,) = facts.results
    assert (lap.kind, lap.drivers, lap.detail) == ("fastest_lap", ("Ravi Mehta",), "1:45.120")


def test_future_and_hypothetical_outcomes_are_ignored(facts_of):
    facts = facts_of(
        "As defending winners, Halvard Racing are targeting a fourth victory in the race.\n"
        "The final round will be a five-way fight for the title.\n"
        "Nina Holt hopes to win the championship next year."
    )
    assert facts.results == []


def test_season_from_text_beats_article_date(facts_of):
    facts = facts_of(
        "Omar Reyes won the 2018 title with Halvard Racing.", published=date(2024, 1, 1)
    )
    assert [(r.kind, r.season) for r in facts.results] == [("title", 2018)]


def test_same_win_stated_twice_is_one_result(facts_of):
    facts = facts_of(
        "Nora Falk won the race on Sunday.\nIt was the first overall win for Nora Falk."
    )
    assert [(r.kind, r.drivers) for r in facts.results] == [("win", ("Nora Falk",))]


def test_subject_before_a_relative_clause(facts_of):
    facts = facts_of(
        "Ivo Lund, who battled with Jonas Halvorsen for most of the final hour, settled for second."
    )
    assert [(r.kind, r.position, r.drivers) for r in facts.results] == [
        ("finish", 2, ("Ivo Lund",))
    ]


def test_other_win_and_title_wordings(facts_of):
    facts = facts_of(
        "Nora Falk claimed victory in the No. 9 Make.\n"
        "Sofia Brandt and Lars Eke were crowned champions in 2024.\n"
        "The No. 77 Make of Tom Reyes and Carla Monti rounded out the podium."
    )
    found = {(r.kind, r.position, r.drivers) for r in facts.results}
    assert ("win", 1, ("Nora Falk",)) in found
    assert ("title", 1, ("Sofia Brandt", "Lars Eke")) in found
    assert ("finish", 3, ("Tom Reyes", "Carla Monti")) in found


def test_result_gets_the_car_the_article_gives_the_driver(facts_of):
    facts = facts_of(
        "The No. 23 Make of Jonas Halvorsen and Elio Marques led early.\n"
        "Halvorsen started from pole position after a lap of 1:31.402."
    )
    (pole,) = facts.results
    assert (pole.kind, pole.car, pole.detail) == ("pole", "23", "1:31.402")


def test_team_one_two_finish(facts_of, aliases):
    facts = facts_of(
        "Team owner Viktor Halvard watched from the stand at the Rolex 24.\n"
        "His two Halvard Racing cars dominated the race and finished 1-2.",
        aliases=aliases,
    )
    found = {(r.kind, r.position, r.team) for r in facts.results}
    assert found == {("win", 1, "Halvard Racing"), ("finish", 2, "Halvard Racing")}


def test_finished_the_race_in_place(facts_of):
    facts = facts_of("Ivo Lund finished the race in third after a late spin.")
    assert [(r.kind, r.position, r.drivers) for r in facts.results] == [
        ("finish", 3, ("Ivo Lund",))
    ]


def test_years_ago_sets_the_season(facts_of):
    facts = facts_of(
        "Omar Reyes took the national title 20 years ago.", published=date(2019, 10, 13)
    )
    assert [(r.kind, r.drivers, r.season) for r in facts.results] == [
        ("title", ("Omar Reyes",), 1999)
    ]


def test_past_results_with_words_that_look_like_hedges(facts_of):
    facts = facts_of("In May, Nora Falk won another race at the Grand Prix of Halvard.")
    assert [(r.kind, r.drivers) for r in facts.results] == [("win", ("Nora Falk",))]


def test_result_without_its_own_event_takes_the_article_race(facts_of, aliases):
    facts = facts_of(
        "Marco Velden claimed the first overall pole position of the 2026 season.\n"
        "The field is ready for the Rolex 24 next week.",
        aliases=aliases,
        published=None,
    )
    (pole,) = facts.results
    assert (pole.kind, pole.event, pole.season) == ("pole", "Rolex 24 At Daytona", 2026)


def test_team_restating_a_car_result_is_one_result(facts_of, aliases):
    facts = facts_of(
        "Halvard Racing won the Battle on the Bricks.\n"
        "The #6 Make of Nora Falk and Ivo Lund took the checkered flag 17.4 seconds clear.",
        aliases=aliases,
    )
    wins = [r for r in facts.results if r.kind == "win"]
    assert [(w.car, w.team, w.drivers) for w in wins] == [
        ("6", "Halvard Racing", ("Nora Falk", "Ivo Lund"))
    ]
    assert wins[0].event == "Battle on the Bricks"


def test_passive_and_margin_wins(facts_of):
    passive = facts_of("After Ivo Lund crashed, the race was won by Nora Falk.")
    margin = facts_of("Nora Falk won by 2.3 seconds from Ivo Lund.")
    assert [(r.kind, r.drivers) for r in passive.results] == [("win", ("Nora Falk",))]
    assert [(r.kind, r.drivers, r.detail) for r in margin.results] == [
        ("win", ("Nora Falk",), "2.3 seconds"),
        ("finish", ("Ivo Lund",), None),  # 'won by 2.3 seconds from X': X was second
    ]

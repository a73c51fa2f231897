"""Places stated without a finishing verb: grid slots, the runner-up spot, labels in apposition."""


def results(facts):
    return {(r.kind, r.position, r.drivers, r.session) for r in facts.results}


def test_a_grid_slot_is_a_qualifying_place_and_a_running_place_is_none(facts_of):
    facts = facts_of(
        "Nora Falk started third and finished second. Ivo Lund will start fifth on Sunday. "
        "Anna Berg was running fourth when her engine failed."
    )
    assert results(facts) == {
        ("finish", 3, ("Nora Falk",), "qualifying"),
        ("finish", 2, ("Nora Falk",), "race"),
        ("finish", 5, ("Ivo Lund",), "qualifying"),
    }


def test_a_start_that_counts_races_is_no_grid_slot(facts_of):
    facts = facts_of("Nora Falk started second consecutive race from the pit lane.")
    assert facts.results == []


def test_the_runner_up_spot_and_the_last_podium_step_are_places(facts_of):
    facts = facts_of(
        "Nora Falk won the race. Ivo Lund had to settle for the runner up spot. "
        "Anna Berg took the final podium step. Marco Velden rounded out the top-five finishers."
    )
    assert results(facts) == {
        ("win", 1, ("Nora Falk",), "race"),
        ("finish", 2, ("Ivo Lund",), "race"),
        ("finish", 3, ("Anna Berg",), "race"),
        ("finish", 5, ("Marco Velden",), "race"),
    }


def test_a_label_in_apposition_names_the_person_before_it(facts_of):
    facts = facts_of(
        "Nora Falk, the 2016 Velden Series champion with Hale Racing, joins the team. "
        "Ivo Lund, the 2022 Velden 500 winner, completes the line-up."
    )
    found = {(r.kind, r.drivers, r.season) for r in facts.results}
    assert found == {("title", ("Nora Falk",), 2016), ("win", ("Ivo Lund",), 2022)}


def test_a_reigning_champion_stays_champion_whatever_they_will_do(facts_of):
    facts = facts_of("Reigning Velden Series champion Nora Falk will drive for Lund Racing.")
    assert {(r.kind, r.drivers, r.season) for r in facts.results} == {
        ("title", ("Nora Falk",), 2024)
    }


def test_an_event_s_last_winners_aiming_to_repeat_hold_no_title(facts_of):
    facts = facts_of(
        "This year's event sees the #98 Brenner driven by last year's champions Nora Falk "
        "and Ivo Lund, aiming to repeat their victory."
    )
    assert [r for r in facts.results if r.kind == "title"] == []


def test_a_byline_names_no_winner(facts_of):
    facts = facts_of(
        "Seventeen entries are expected for the Rolex 24 January 17, 2023 By John Oreovicz "
        "IMSA Wire Service DAYTONA BEACH – Statistically speaking, GTD is the toughest class "
        "to win."
    )
    assert all("By John" not in r.drivers for r in facts.results)
    assert facts.results == []


def test_but_also_goes_on_with_the_same_subject_and_but_turns_to_another(facts_of):
    facts = facts_of(
        "Nora Falk took the win, but also secured the drivers' title. Ivo Lund led, but Anna "
        "Berg won the sprint."
    )
    assert {(r.kind, r.drivers) for r in facts.results} == {
        ("win", ("Nora Falk",)),
        ("title", ("Nora Falk",)),
        ("win", ("Anna Berg",)),
    }


def test_a_runner_up_named_after_the_label_and_a_settled_place_after_a_failed_pass(facts_of):
    facts = facts_of(
        "Nora Falk won by three seconds from runner-up Ivo Lund. Anna Berg was unable to get "
        "side by side with Tom Hale and had to settle for the runner up spot in the sprint."
    )
    assert {(r.kind, r.position, r.drivers) for r in facts.results} == {
        ("win", 1, ("Nora Falk",)),
        ("finish", 2, ("Ivo Lund",)),
        ("finish", 2, ("Anna Berg",)),
    }


def test_winning_the_pole_is_a_pole(facts_of):
    facts = facts_of(
        "The day began with Nora Falk driving away from the field after winning the pole."
    )
    assert results(facts) == {("pole", 1, ("Nora Falk",), "qualifying")}


def test_more_ways_to_state_a_grid_slot_or_a_podium_place(facts_of):
    facts = facts_of(
        "Nora Falk, who started in second place, won. Ivo Lund endured a poor start from sixth "
        "place. Anna Berg followed in third. Tom Hale rounded off the podium in the sprint race."
    )
    assert results(facts) == {
        ("finish", 2, ("Nora Falk",), "qualifying"),
        ("win", 1, ("Nora Falk",), "race"),
        ("finish", 6, ("Ivo Lund",), "qualifying"),
        ("finish", 3, ("Anna Berg",), "race"),
        ("finish", 3, ("Tom Hale",), "sprint"),
    }


def test_a_named_session_beats_the_finishing_verb_and_a_grid_slot_leaves_the_win_a_race(facts_of):
    facts = facts_of(
        "Tom Hale finished third in the sprint race. Nora Falk and Ivo Lund carved through the "
        "field, starting 12th on the grid and clinching their second win of the season."
    )
    assert {(r.kind, r.position, r.session) for r in facts.results} == {
        ("finish", 3, "sprint"),
        ("finish", 12, "qualifying"),
        ("win", 1, "race"),
    }


def test_rounding_out_the_top_ten_lists_the_last_places_in_order(facts_of):
    facts = facts_of(
        "Nora Falk took pole for the NASCAR Cup Series race at Velden, and Ivo Lund will start "
        "third. Rounding out the top-10 were Anna Berg, Tom Hale and Jim Ross."
    )
    assert results(facts) == {
        ("pole", 1, ("Nora Falk",), "qualifying"),
        ("finish", 3, ("Ivo Lund",), "qualifying"),
        ("finish", 8, ("Anna Berg",), "qualifying"),
        ("finish", 9, ("Tom Hale",), "qualifying"),
        ("finish", 10, ("Jim Ross",), "qualifying"),
    }

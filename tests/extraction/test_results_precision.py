"""Results decisions that keep wrong facts out: actors, contests, pronouns, titles."""


def results(facts):
    return {(r.kind, r.position, r.car, r.drivers) for r in facts.results}


def test_a_name_holding_a_make_is_no_driver(facts_of):
    facts = facts_of("The Ford Mustangs won the race. Nora Falk won the sprint.")
    assert results(facts) == {("win", 1, None, ("Nora Falk",))}


def test_a_make_may_be_a_surname_in_a_list_of_people(facts_of):
    facts = facts_of("The No. 3 Brenner of Jim Hale, Andrew Bentley and Tom Ross finished 11th.")
    assert results(facts) == {("finish", 11, "3", ("Jim Hale", "Andrew Bentley", "Tom Ross"))}


def test_bids_crashes_and_contests_are_no_results(facts_of):
    facts = facts_of(
        "Ivo Lund, bidding to pick up a 12th career victory, lost time in the pits. "
        "Nora Falk soon crashed out of sixth place. "
        "Marco Velden passed Anna Berg when they were contesting third place."
    )
    assert facts.results == []


def test_a_fight_for_a_place_is_no_win_but_a_class_battle_is(facts_of):
    facts = facts_of(
        "Falk Racing won a fraught fight with Ivo Lund for the final podium place. "
        "The No. 88 Brenner won the battle of the Brenners in the Am Cup."
    )
    assert results(facts) == {("win", 1, "88", ())}


def test_the_car_a_win_was_taken_from_is_not_the_winner(facts_of):
    facts = facts_of(
        "The No. 45 Brenner of Ivo Lund and Nora Falk survived the storm to win the race. "
        "They claimed victory from the No. 36 Velden Racing entry."
    )
    assert results(facts) == {
        ("win", 1, "45", ("Ivo Lund", "Nora Falk")),
        ("finish", 2, "36", ()),
    }


def test_they_is_the_nearest_crew_before_it(facts_of):
    facts = facts_of(
        "The No. 8 Brenner driven by Marco Velden and Anna Berg won the race, while the No. 100 "
        "Brenner (Ivo Lund/Nora Falk) made the podium when they finished the race in 3rd place."
    )
    assert results(facts) == {
        ("win", 1, "8", ("Marco Velden", "Anna Berg")),
        ("finish", 3, "100", ("Ivo Lund", "Nora Falk")),
    }


def test_a_pole_sitter_named_after_a_start_is_not_the_one_starting(facts_of):
    facts = facts_of("Nora Falk took the lead off the start after pole-sitter Ivo Lund stalled.")
    assert results(facts) == {("pole", 1, None, ("Ivo Lund",))}


def test_the_subject_of_a_coordinated_verb_past_a_relative_clause(facts_of):
    facts = facts_of(
        "Nora Falk chased down Ivo Lund, who was second in the No. 6 Brenner, "
        "and made a late pass to take first place."
    )
    assert ("win", 1, None, ("Nora Falk",)) in results(facts)
    assert not any("Ivo Lund" in r.drivers and r.position == 1 for r in facts.results)


def test_a_team_win_takes_the_crew_joined_to_it(facts_of):
    facts = facts_of("Falk Racing prevailed thanks to a stellar drive from Ivo Lund and Anna Berg.")
    assert [(r.kind, r.team, r.drivers) for r in facts.results] == [
        ("win", "Falk Racing", ("Ivo Lund", "Anna Berg"))
    ]


def test_a_descriptor_opening_a_sentence_is_its_subject(facts_of):
    facts = facts_of(
        "The victory came after a bold move by Nora Falk. The Austrian youngster passed the "
        "Brenner of Ivo Lund and crossed the line first to claim the win."
    )
    assert results(facts) == {("win", 1, None, ("Nora Falk",))}


def test_chequered_flag_wins_but_not_in_a_later_place(facts_of):
    facts = facts_of(
        "Ivo Lund claimed the chequered flag after holding off Nora Falk. "
        "Marco Velden took the checkered flag in the runner-up position at the other race."
    )
    assert ("win", 1, None, ("Ivo Lund",)) in results(facts)
    assert not any(r.kind == "win" and "Marco Velden" in r.drivers for r in facts.results)


def test_a_title_verb_does_not_reach_past_its_own_object(facts_of):
    facts = facts_of(
        "The No. 9 Brenner of Ivo Lund and Nora Falk took the chequered flag to win the race."
    )
    assert results(facts) == {("win", 1, "9", ("Ivo Lund", "Nora Falk"))}


def test_a_series_win_is_no_title(facts_of):
    facts = facts_of("Nora Falk gave Brenner its fifth Grand Cup Series win of the season.")
    assert not any(r.kind == "title" for r in facts.results)


def test_the_actor_is_never_read_across_a_turn_of_clause(facts_of):
    facts = facts_of(
        "Ivo Lund had a quiet weekend in the No. 4, but second place was the team's reward. "
        "Nora Falk had a quiet weekend in the No. 5; third place was the team's reward."
    )
    assert facts.results == []


def test_a_label_line_ending_in_a_place(facts_of):
    facts = facts_of(
        "What the winners said.\n\nNora Falk – No. 8 Brenner GT, Falk Racing - 1st\n\n"
        "Ivo Lund – No. 5 Brenner GT, Lund Racing - 2nd"
    )
    assert results(facts) == {("win", 1, "8", ()), ("finish", 2, "5", ())}


def test_the_winning_car(facts_of):
    facts = facts_of("The winning #22 Brenner was started by Nora Falk from second position.")
    assert results(facts) == {("win", 1, "22", ())}


def test_a_win_taken_from_a_car_makes_it_second_and_lends_it_nothing(facts_of):
    facts = facts_of(
        "The No. 45 Brenner of Ivo Lund and Nora Falk claimed victory from the No. 36 "
        "Velden Racing entry."
    )
    assert [(r.kind, r.position, r.car, r.drivers, r.team) for r in facts.results] == [
        ("win", 1, "45", ("Ivo Lund", "Nora Falk"), None),
        ("finish", 2, "36", (), "Velden Racing"),
    ]


def test_a_possessor_holds_the_outcome(facts_of):
    facts = facts_of("After a long season, Marco Velden's sixth win in a row came at Spa.")
    assert results(facts) == {("win", 1, None, ("Marco Velden",))}


def test_could_do_no_better_than_is_a_place(facts_of):
    facts = facts_of(
        "Anna Berg could do no better than 14th place on Sunday. Ivo Lund could have finished 12th."
    )
    assert results(facts) == {("finish", 14, None, ("Anna Berg",))}


def test_a_results_table_of_places_and_names(facts_of):
    facts = facts_of(
        "Unofficial results.\n\n1st – Nora Falk\n\n2nd – Ivo Lund\n\n4th - bad luck for the rest"
    )
    assert results(facts) == {("win", 1, None, ("Nora Falk",)), ("finish", 2, None, ("Ivo Lund",))}


def test_short_of_a_victory_is_no_win(facts_of):
    facts = facts_of("Ivo Lund came just short of his first Grand Cup victory in the No. 24.")
    assert facts.results == []


def test_a_winning_margin_over_a_rival(facts_of):
    facts = facts_of(
        "Ivo Lund concluded the race with a winning margin of 3.4 seconds over Nora Falk."
    )
    assert results(facts) == {("win", 1, None, ("Ivo Lund",)), ("finish", 2, None, ("Nora Falk",))}


def test_to_finish_runner_up(facts_of):
    facts = facts_of("Anna Berg was satisfied to finish runner-up in the No. 9 Brenner.")
    assert results(facts) == {("finish", 2, "9", ("Anna Berg",))}


def test_a_team_lends_its_car_to_no_other_race_and_hides_its_crew_there(facts_of, aliases):
    facts = facts_of(
        "The No. 7 Falk Racing Brenner of Ivo Lund and Nora Falk won the Indianapolis 500 on "
        "Sunday. Ivo Lund was delighted.\n\n"
        "Earlier, Falk Racing also claimed victory in the Rolex 24 At Daytona.",
        aliases=aliases,
    )
    assert [(r.car, r.drivers, r.team, r.event) for r in facts.results] == [
        ("7", ("Ivo Lund", "Nora Falk"), "Falk Racing", "Indianapolis 500")
    ]


def test_emerged_victorious(facts_of):
    facts = facts_of(
        "Nora Falk has emerged victorious at the third round. Ivo Lund was not victorious."
    )
    assert results(facts) == {("win", 1, None, ("Nora Falk",))}


def test_won_the_pole_is_a_pole_not_a_win_but_won_from_pole_is_both(facts_of):
    facts = facts_of(
        "Nora Falk won the pole for the team earlier this season. "
        "The No. 22 crew of Ivo Lund and Anna Berg won from pole position on Sunday."
    )
    assert ("win", 1, "22", ("Ivo Lund", "Anna Berg")) in results(facts)
    assert not any(r.kind == "win" and "Nora Falk" in r.drivers for r in facts.results)


def test_a_many_time_winner_is_no_one_result(facts_of):
    facts = facts_of("The car was shared by Ivo Lund, a two-time winner in 2016 competition.")
    assert facts.results == []


def test_a_title_noun_inside_a_race_name_is_no_title(facts_of):
    facts = facts_of(
        "Nora Falk, driver of the #12 Brenner, takes the checkered flag to win the Grand Cup "
        "Series Coca-Cola 600 at Charlotte."
    )
    assert results(facts) == {("win", 1, "12", ("Nora Falk",))}


def test_a_failure_to_win_and_a_grid_slot_are_no_results(facts_of):
    facts = facts_of(
        "Falk Racing's failure to win cost them dearly. "
        "His team-mate Ivo Lund began the race in 17th place."
    )
    assert facts.results == []


def test_a_model_name_is_no_driver(facts_of):
    facts = facts_of("Ivo Lund survived his run-in with the Castrol Mustang to finish second.")
    assert results(facts) == {("finish", 2, None, ("Ivo Lund",))}


def test_the_polesitter_named_elsewhere_is_not_guessed(facts_of):
    facts = facts_of("Nora Falk seized control and the Brenner driver overtook the polesitter.")
    assert facts.results == []


def test_a_champion_label_names_its_holder_after_it(facts_of):
    facts = facts_of("Ivo Lund passed reigning champion Marcus Ericsson on the backstretch.")
    assert [(r.kind, r.drivers, r.season) for r in facts.results] == [
        ("title", ("Marcus Ericsson",), 2024)
    ]


def test_a_race_champion_is_the_race_winner(facts_of, aliases):
    facts = facts_of(
        "Ivo Lund passed reigning Indy 500 champion Marcus Ericsson on the backstretch.",
        aliases=aliases,
    )
    assert [(r.kind, r.drivers, r.event, r.season) for r in facts.results] == [
        ("win", ("Marcus Ericsson",), "Indianapolis 500", 2024)
    ]


def test_a_team_win_takes_the_car_its_clause_gives_it(facts_of):
    facts = facts_of(
        "The team of Falk Racing won this classic race, as they did last year, with their "
        "No. 10 Brenner."
    )
    assert [(r.kind, r.car, r.team) for r in facts.results] == [("win", "10", "Falk Racing")]


def test_an_outcome_taken_away_later_in_its_sentence(facts_of):
    facts = facts_of(
        "The No. 62 won the class race but was later disqualified by the stewards. "
        "Nora Falk was declared the winner after the cars of Ivo Lund and Anna Berg – who "
        "crossed the line first and second, respectively – were disqualified."
    )
    assert results(facts) == {("win", 1, None, ("Nora Falk",))}


def test_a_holder_named_before_a_label(facts_of):
    facts = facts_of(
        "The team signed Ivo Lund – a 2016 Grand Cup overall winner – for the season. "
        "Nora Falk was named the winner of the sprint."
    )
    assert results(facts) == {("win", 1, None, ("Ivo Lund",)), ("win", 1, None, ("Nora Falk",))}


def test_running_places_are_no_results(facts_of):
    facts = facts_of(
        "Ivo Lund dropped to seventh in his damaged Brenner. "
        "The incident handed the lead to Nora Falk, who was third at the time. "
        "Anna Berg, too, survived, taking the chequered flag 19.9s back."
    )
    assert facts.results == []


def test_a_spelled_place_opening_a_drivers_label(facts_of):
    facts = facts_of(
        "What the drivers said.\n\n"
        "Second — Ivo Lund (No. 9 Brenner):This is a hard one to swallow. We pitted a lap later."
    )
    assert results(facts) == {("finish", 2, "9", ("Ivo Lund",))}


def test_places_in_brackets_after_names_and_present_tense(facts_of):
    facts = facts_of(
        "Anna Berg is third. Velden Racing driver Ivo Lund (fourth) and Nora Falk (fifth) "
        "complete the top five."
    )
    assert results(facts) == {
        ("finish", 3, None, ("Anna Berg",)),
        ("finish", 4, None, ("Ivo Lund",)),
        ("finish", 5, None, ("Nora Falk",)),
    }


def test_a_many_race_winner_is_no_one_result(facts_of):
    facts = facts_of("Ivo Lund, a two-race winner in his first season, emerged from the car.")
    assert facts.results == []


def test_putting_the_car_on_pole_and_bettering_a_rival(facts_of):
    facts = facts_of(
        "In a dramatic session, Nora Falk turned the best lap, putting the No. 60 Brenner on "
        "pole position. Anna Berg took pole in the No. 3 Velden, bettering Ivo Lund in the No. 7 "
        "Brenner by 0.083 seconds."
    )
    assert results(facts) == {
        ("pole", 1, "60", ("Nora Falk",)),
        ("pole", 1, "3", ("Anna Berg",)),
        ("finish", 2, "7", ("Ivo Lund",)),
    }


def test_another_milestone_victory_and_led_from_pole(facts_of):
    facts = facts_of(
        "The #23 Brenner of Ivo Lund and Nora Falk claimed another milestone race victory. "
        "Anna Berg led from pole at the start of the other race."
    )
    assert results(facts) == {
        ("win", 1, "23", ("Ivo Lund", "Nora Falk")),
        ("pole", 1, None, ("Anna Berg",)),
    }


def test_a_rival_team_takes_the_pair_it_introduces_not_the_winners(facts_of):
    facts = facts_of(
        "Ivo Lund and Nora Falk took a narrow victory in the No. 36 Brenner, just "
        "1.5 seconds ahead of Velden Racing pair Anna Berg and Marco Velden."
    )
    assert results(facts) == {
        ("win", 1, "36", ("Ivo Lund", "Nora Falk")),
        ("finish", 2, None, ("Anna Berg", "Marco Velden")),
    }


def test_a_race_of_a_championship_is_no_title_but_a_class_championship_is(facts_of):
    facts = facts_of(
        "The #8 Brenner of Ivo Lund and Nora Falk has won the Grand Endurance Championship's "
        "6 Hours of Velden. The No. 7 Brenner of Anna Berg secured the 2024 Grand Endurance "
        "Championship's Prototype (GTP) class championship."
    )
    assert [(r.kind, r.car) for r in facts.results] == [("win", "8"), ("title", "7")]


def test_one_twos_and_counted_series_wins_are_no_titles(facts_of):
    facts = facts_of(
        "Falk Racing scored its first Sprint Cup one-two at Misano. "
        "Ivo Lund has now earned six Sprint Cup wins since his debut."
    )
    assert not any(r.kind == "title" for r in facts.results)


def test_a_battle_won_by_a_driver_is_no_race_win(facts_of):
    facts = facts_of(
        "The side-by-side battle was eventually won by Ivo Lund in car No. 6. "
        "The race was won by Nora Falk in car No. 8."
    )
    assert results(facts) == {("win", 1, "8", ("Nora Falk",))}


def test_a_championship_crowning_someone_names_the_holder_after_it(facts_of):
    facts = facts_of(
        "Weeks after Ivo Lund cruised to victory in Paris, the Grand Cup crowned Nora Falk."
    )
    assert ("title", 1, None, ("Ivo Lund",)) not in results(facts)
    assert ("title", 1, None, ("Nora Falk",)) in results(facts)


def test_a_name_after_an_article_is_no_driver(facts_of):
    facts = facts_of(
        "Anna Berg overcame the Success Penalty to finish third. "
        "With a flawless drive at the 'Green Hell', Lund Racing won for the fifth time."
    )
    assert ("finish", 3, None, ("Anna Berg",)) in results(facts)
    assert not any(
        "Success Penalty" in r.drivers or "Green Hell" in r.drivers for r in facts.results
    )


def test_a_rival_named_after_from_or_passing_is_not_the_winner(facts_of):
    facts = facts_of(
        "Ivo Lund withstood late pressure from Nora Falk to seal his second Grand Cup win. "
        "Anna Berg came alive late, passing Marco Velden with 16 laps to go to earn her first win."
    )
    assert results(facts) == {("win", 1, None, ("Ivo Lund",)), ("win", 1, None, ("Anna Berg",))}


def test_places_on_a_lap_and_after_falling_back_are_running(facts_of):
    facts = facts_of(
        "Ivo Lund put a move on Nora Falk at Turn 1 to take over third position on Lap 5. "
        "Meanwhile, the top-ranked car No. 6 fell back to 4th place."
    )
    assert facts.results == []


def test_a_team_win_with_its_trio(facts_of):
    facts = facts_of(
        "Falk Racing took the honours in LMP3 with their trio of Ivo Lund, Anna Berg and Nora Falk."
    )
    assert [(r.kind, r.drivers) for r in facts.results] == [
        ("win", ("Ivo Lund", "Anna Berg", "Nora Falk"))
    ]


def test_a_team_named_with_from_is_no_running_place(facts_of):
    facts = facts_of(
        "The #67 Brenner from Falk Racing finished fourth. "
        "Ivo Lund came through from fifth on the grid to win."
    )
    assert results(facts) == {("finish", 4, "67", ()), ("win", 1, None, ("Ivo Lund",))}


def test_in_second_was_and_will_be_classified(facts_of):
    facts = facts_of(
        "In second was the #6 Brenner of Ivo Lund and Nora Falk. "
        "The #8 Velden of Anna Berg will be classified in third overall, three laps behind."
    )
    assert results(facts) == {
        ("finish", 2, "6", ("Ivo Lund", "Nora Falk")),
        ("finish", 3, "8", ("Anna Berg",)),
    }


def test_listed_places_go_to_a_list_of_cars_in_order(facts_of):
    facts = facts_of(
        "The Velden No. 705 and the Falk No. 45 also made the top 10 by finishing ninth and 10th."
    )
    assert results(facts) == {("finish", 9, "705", ()), ("finish", 10, "45", ())}


def test_listed_places_after_a_lone_other_car_decide_nothing(facts_of):
    facts = facts_of(
        "The No. 14 entry came home in fourth, with the pair of Brenners finishing a distant "
        "fifth and sixth."
    )
    assert results(facts) == {("finish", 4, "14", ())}


def test_respectively_needs_one_list_of_holders(facts_of):
    facts = facts_of(
        "Ivo Lund crossed the line second to jump to first in the standings as Green and "
        "Nora Falk were classified fifth and eighth respectively."
    )
    assert not any(r.position == 5 and r.drivers == ("Ivo Lund",) for r in facts.results)


def test_winners_ahead_of_a_rival_and_a_team_with_its_car(facts_of):
    facts = facts_of(
        "The Brenner #83 of Ivo Lund and Nora Falk emerged as winners just 0.6s ahead of the "
        "Velden Racing Brenner #37, while Falk Racing finished third with its #97 Brenner."
    )
    assert results(facts) == {
        ("win", 1, "83", ("Ivo Lund", "Nora Falk")),
        ("finish", 2, "37", ()),
        ("finish", 3, "97", ()),
    }


def test_a_series_victory_with_its_abbreviation_is_no_title(facts_of):
    facts = facts_of("Ivo Lund earned his sixth Grand Cup Series (GCS) victory of the season.")
    assert not any(r.kind == "title" for r in facts.results)


def test_a_series_winner_or_an_unnamed_winner_is_no_race_win(facts_of):
    facts = facts_of(
        "Anna Berg will be teamed with Tom Hale and IndyCar winner Ivo Lund. "
        "Velden Racing has added a Formula One champion and Brenner 500 winner to its line-up. "
        "Race winner Nora Falk was happy."
    )
    assert results(facts) == {("win", 1, None, ("Nora Falk",))}


def test_a_tip_for_a_title_is_no_title(facts_of):
    facts = facts_of("You would do worse than to bank on a seventh Velden crown for Nora Falk.")
    assert facts.results == []


def test_manufacturers_titles_are_no_drivers_titles(facts_of):
    facts = facts_of(
        "Anna Berg and Ivo Lund have clinched the Velden Drivers' Championship, as Brenner "
        "secured the Velden Manufacturers' Championship."
    )
    assert {(r.kind, r.drivers) for r in facts.results} == {("title", ("Anna Berg", "Ivo Lund"))}


def test_prevailing_in_a_championship_is_a_title_not_a_race_win(facts_of):
    facts = facts_of(
        "Anna Berg narrowly prevailed in the year's drivers' championship over Ivo Lund and Tom "
        "Hale. "
        "Velden Racing prevailed in the overall team championship. Nora Falk prevailed in the "
        "sprint."
    )
    assert {(r.kind, r.drivers, r.team) for r in facts.results} == {
        ("title", ("Anna Berg",), None),
        ("title", (), "Velden Racing"),
        ("win", ("Nora Falk",), None),
    }

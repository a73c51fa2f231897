"""Lineups from photo captions and from prose."""

from datetime import date


def pairs(facts):
    return {(x.car, d) for x in facts.lineups for d in x.drivers}


def test_caption_with_team_and_car(facts_of):
    facts = facts_of(
        "Intro.\n#22 Halvard Racing Brenner V-Sport.R: Marco Velden, Tobias Rennard, Luca Ferrant"
    )
    (lineup,) = facts.lineups
    assert lineup.car == "22"
    assert lineup.drivers == ("Marco Velden", "Tobias Rennard", "Luca Ferrant")
    assert lineup.team == "Halvard Racing"
    assert lineup.car_model == "Brenner V-Sport.R"
    assert lineup.season == 2025


def test_caption_after_photo_credit_with_leading_zero(facts_of):
    facts = facts_of(
        "Intro.\nPhoto by: Ann Lee / Images #02: Halvard Racing, Brenner VSport.R, GTP: "
        "Renzo van der Berg, Ivo Rennard, Sam Kell"
    )
    assert pairs(facts) == {("02", "Renzo van der Berg"), ("02", "Ivo Rennard"), ("02", "Sam Kell")}


def test_caption_with_trailing_words(facts_of):
    facts = facts_of("#60: Halvard Racing, Make X1, DPi: Ana Ruiz, Bo Lind and Cy Parra celebrate")
    assert pairs(facts) == {("60", "Ana Ruiz"), ("60", "Bo Lind"), ("60", "Cy Parra")}


def test_prose_two_cars_in_one_sentence(facts_of):
    facts = facts_of(
        "The spotlight is on the #8 of HRT, entrusted to the trio of Marco Velden, Tobias "
        "Rennard and Luca Ferrant, while on the #09 of KMS we will see Dario Kestel, Anton "
        "Sorel, Ivo Lund and the newcomer Alex Pardo."
    )
    assert pairs(facts) == {
        ("8", "Marco Velden"), ("8", "Tobias Rennard"), ("8", "Luca Ferrant"),
        ("09", "Dario Kestel"), ("09", "Anton Sorel"), ("09", "Ivo Lund"), ("09", "Alex Pardo"),
    }  # fmt: skip


def test_prose_list_before_car_number(facts_of):
    facts = facts_of(
        "The No. 48 entry fielded by Halvard Racing is likely to return.\n"
        "After finishing second with Jim Jonson, Simon Pagel, Kenji Kobe, and Mike Rock at the "
        "season opener, team manager Greta Olsen says the team wants the No. 48 back."
    )
    drivers = {d for car, d in pairs(facts) if car == "48"}
    assert drivers == {"Jim Jonson", "Simon Pagel", "Kenji Kobe", "Mike Rock"}


def test_prose_driver_named_then_crew_in_next_sentence(facts_of):
    facts = facts_of(
        "Pole went to the No. 12 Brenner V-Sport.R of Alex Lynd.\n"
        "Lynd, Will Stone and Norm Nate will start on the pole with the No. 38 of Earl Bamm, "
        "Jens Butt and Seb Bord alongside."
    )
    assert pairs(facts) == {
        ("12", "Alex Lynd"), ("12", "Will Stone"), ("12", "Norm Nate"),
        ("38", "Earl Bamm"), ("38", "Jens Butt"), ("38", "Seb Bord"),
    }  # fmt: skip


def test_pair_in_the_car(facts_of):
    facts = facts_of(
        "Alec Simms and Toni Garza won. Simms and Garza in the No. 3 Vette delivered the win."
    )
    assert pairs(facts) == {("3", "Alec Simms"), ("3", "Toni Garza")}


def test_lone_driver_in_a_car_is_not_a_lineup(facts_of):
    facts = facts_of("Julien Andel in the No. 5 Brenner sat on the best time for a while.")
    assert facts.lineups == []


def test_lineup_event_and_season_from_text(facts_of, aliases):
    facts = facts_of(
        "The No. 7 of Nina Holt and Ravi Mehta will race at the Rolex 24 in 2026.",
        aliases=aliases,
        published=date(2025, 11, 1),
    )
    (lineup,) = facts.lineups
    assert lineup.event == "Rolex 24 At Daytona"
    assert lineup.season == 2026


def test_caption_with_dash_separator(facts_of):
    facts = facts_of("#31 Halvard Racing Brenner – Ana Ruiz, Bo Lind, Cy Parra")
    assert pairs(facts) == {("31", "Ana Ruiz"), ("31", "Bo Lind"), ("31", "Cy Parra")}


def test_prose_with_dash_is_not_a_caption(facts_of):
    facts = facts_of(
        "The No. 83 Make also missed the cut – Yan Yifei was 13th behind the No. 35 Make of "
        "Paul-Luc Chatel."
    )
    assert facts.lineups == []


def test_slash_separated_crew_after_car(facts_of):
    facts = facts_of("The #31 Make (Velden/Rennard/Ferrant) won ahead of the #7 Make (Lund/Falk).")
    assert pairs(facts) == {
        ("31", "Velden"), ("31", "Rennard"), ("31", "Ferrant"), ("7", "Lund"), ("7", "Falk"),
    }  # fmt: skip
    assert ("finish", 2, "7") in {(r.kind, r.position, r.car) for r in facts.results}


def test_driver_shares_car_with_crew(facts_of):
    facts = facts_of(
        "Nora Falk shares the No. 7 Brenner with Ivo Lund and Mateo Ricci this season."
    )
    assert pairs(facts) == {("7", "Nora Falk"), ("7", "Ivo Lund"), ("7", "Mateo Ricci")}


def test_nationality_tags_do_not_break_a_crew(facts_of):
    facts = facts_of(
        "Second went to the #17 Brenner GT3 with Anton Velde (Norway), Pia Sorel (Chile) and "
        "Jon Marr.\nThe #4 finished with Ivo Kask from Estonia, and Swiss Lars Odden."
    )
    assert pairs(facts) == {
        ("17", "Anton Velde"), ("17", "Pia Sorel"), ("17", "Jon Marr"),
        ("4", "Ivo Kask"), ("4", "Lars Odden"),
    }  # fmt: skip


def test_name_ending_in_an_abbreviation_keeps_the_crew(facts_of):
    facts = facts_of("The No. 21 Vette of Ray Dunn Jr. and Lou Pardo took the class pole.")
    assert pairs(facts) == {("21", "Ray Dunn Jr"), ("21", "Lou Pardo")}


def test_car_that_he_was_sharing_with(facts_of):
    facts = facts_of(
        "Tom Arkell put the # 44 Brenner Coupe that he was sharing with Ned Vance and Otto "
        "Brisk on pole, ahead of the #12 of Sven Holt and Ray Kinder."
    )
    assert pairs(facts) == {
        ("44", "Tom Arkell"), ("44", "Ned Vance"), ("44", "Otto Brisk"),
        ("12", "Sven Holt"), ("12", "Ray Kinder"),
    }  # fmt: skip


def test_handing_the_car_to_a_teammate(facts_of):
    facts = facts_of(
        "Lena Voss ran a clean opening stint in the No. 62 Halvard Brenner GT3 before handing "
        "over the car to teammate Piet Kramer, who held the lead."
    )
    assert pairs(facts) == {("62", "Lena Voss"), ("62", "Piet Kramer")}


def test_handing_over_past_another_car_names_no_car(facts_of):
    facts = facts_of(
        "Lena Voss passed the No. 62 and the No. 9 before handing the car over to teammate "
        "Piet Kramer."
    )
    assert facts.lineups == []


def test_surnames_alone_in_parentheses_after_a_car(facts_of):
    facts = facts_of(
        "Halvard Racing #14 (Velde, Sorel, Marr) won from the #3 Brenner (Tom Kask, Odden)."
    )
    assert pairs(facts) == {
        ("14", "Velde"), ("14", "Sorel"), ("14", "Marr"), ("3", "Tom Kask"), ("3", "Odden"),
    }  # fmt: skip


def test_surnames_alone_behind_the_wheel(facts_of):
    facts = facts_of(
        "Team Orvik #55 took the class win with Velde, Sorel and Marr behind the wheel."
    )
    assert pairs(facts) == {("55", "Velde"), ("55", "Sorel"), ("55", "Marr")}


def test_surnames_in_parentheses_without_a_car_or_with_other_words_are_no_crew(facts_of):
    facts = facts_of(
        "The makes (Brenner, Halvard) argued. The #14 (Velde, ahead of Sorel) came home first."
    )
    assert facts.lineups == []


def test_one_driver_series_driver_of_tag_and_team_of_the_car(facts_of):
    facts = facts_of(
        "The IndyCar field went to Elkhart, the fifth IndyCar round.\n"
        "“It was close,” said Ivo Lund, driver of the No. 14 Halvard Brenner. Anna Berg and "
        "the No. 31 Orvik Motors Brenner team won a week ago."
    )
    assert pairs(facts) == {("14", "Ivo Lund"), ("31", "Anna Berg")}


def test_one_driver_series_driver_past_an_aside_naming_someone_else(facts_of):
    facts = facts_of(
        "The IndyCar field went to Elkhart, the fifth IndyCar round. Nina Berg won last year.\n"
        "Berg, chasing a win that would tie her with Ivo Lund, finished second in the No. 8 "
        "Brenner. Kai Moss, who started in the No. 5 Halvard car, led early."
    )
    assert pairs(facts) == {("8", "Nina Berg"), ("5", "Kai Moss")}


def test_label_in_capitals_gives_a_car_in_a_one_driver_race(facts_of):
    facts = facts_of(
        "Drivers spoke after the Indianapolis 500.\n"
        "IVO LUND (No. 4 Orvik Motors Brenner) — Indy 500 winner: “I cannot believe this, what "
        "a day for all of us.”"
    )
    assert pairs(facts) == {("4", "Ivo Lund")}


def test_a_crew_named_as_a_rival_of_a_car_is_not_its_crew(facts_of):
    facts = facts_of(
        "Nina Holt and Ravi Mehta won in the No. 36 Orvik Brenner, just two seconds ahead of "
        "Halvard pair Ivo Lund and Tarek Sand.\n"
        "The Halvard entry of Mara Quist and Ole Brandt finished third after Quist got around "
        "the No. 9 Brenner of Pia Krone."
    )
    assert pairs(facts) == {("36", "Nina Holt"), ("36", "Ravi Mehta")}


def test_a_relative_clause_ties_a_crew_back_to_the_car_past_a_rival_phrase(facts_of):
    facts = facts_of(
        "Nina Holt crossed the line clear of Ivo Lund in the No. 98 Halvard Brenner, after "
        "emerging from the final stop ahead of the Norwegian who teamed up with Mara Quist and "
        "Ole Brandt."
    )
    assert pairs(facts) == {("98", "Mara Quist"), ("98", "Ole Brandt")}


def test_a_crew_of_surnames_joined_by_slashes_drives_the_car_before_it(facts_of):
    facts = facts_of(
        "With the #26 Falk/Lund/Berg Velden BMW delayed by a fire, the #2 Hale/Ross Brenner "
        "Mercedes was marooned. The #23 Pro/Am Ferrari and the #5 Porsche/Audi pair retired."
    )
    assert {(x.car, x.drivers) for x in facts.lineups} == {
        ("26", ("Falk", "Lund", "Berg")),
        ("2", ("Hale", "Ross")),
    }


def test_crews_of_surnames_alone_take_only_the_car_said_to_be_theirs(facts_of):
    facts = facts_of(
        "The line-up is unchanged, with Falk, Lund and Berg piloting the #7 and Hale, Ross and "
        "Velden in the #8. Kow, Marr and Dane were quick, and the #9 car was slow. "
        "Brenner, Velden and Lund will race at Daytona, Sebring and Monza in the #4 car."
    )
    assert {(x.car, x.drivers) for x in facts.lineups} == {
        ("7", ("Falk", "Lund", "Berg")),
        ("8", ("Hale", "Ross", "Velden")),
    }


def test_the_former_and_the_latter_are_the_two_cars_named_before(facts_of):
    facts = facts_of(
        "Velden's #93 and #94 return with the same line-ups: Anna Berg, Falk and Lund in the "
        "former and Hale, Ross and Kow in the latter."
    )
    assert {(x.car, x.drivers) for x in facts.lineups} == {
        ("93", ("Anna Berg", "Falk", "Lund")),
        ("94", ("Hale", "Ross", "Kow")),
    }


def test_a_listed_crew_may_leave_a_seat_to_be_announced(facts_of):
    facts = facts_of(
        "Brenner gets two entries: the #311 Velden car (Falk, Lund and Berg) and the #3 car "
        "(Hale, Van der Ross and one to be announced)."
    )
    assert {(x.car, x.drivers) for x in facts.lineups} == {
        ("311", ("Falk", "Lund", "Berg")),
        ("3", ("Hale", "Van der Ross")),
    }


def test_full_names_joined_by_slashes_in_headings_are_crews(facts_of):
    facts = facts_of(
        "#1 Anna Berg/Ivo Lund – Brenner ZB\n\n"
        "Despite bad luck at Velden, this is one of the pairs to beat.\n\n"
        "#888 Tom Hale/Jim Ross – Brenner ZB\n\n"
        "Hale is in form, and Ross will keep the #888 in the game. Hale joins either Berg or "
        "Lund next season."
    )
    assert {(x.car, d) for x in facts.lineups for d in x.drivers} == {
        ("1", "Anna Berg"),
        ("1", "Ivo Lund"),
        ("888", "Tom Hale"),
        ("888", "Jim Ross"),
    }


def test_country_codes_and_home_towns_do_not_part_a_crew(facts_of):
    facts = facts_of(
        "Anna Berg (GBR) teams up in the cockpit of the #2 Brenner GT3 with Ivo Lund from "
        "Uffenheim and Tom Hale from Troisdorf. The sister car with the #3 is driven by Jim Ross "
        "(MON), Nora Falk (AND) and Marco Velden (ESP)."
    )
    assert {(x.car, x.drivers) for x in facts.lineups} == {
        ("2", ("Anna Berg", "Ivo Lund", "Tom Hale")),
        ("3", ("Jim Ross", "Nora Falk", "Marco Velden")),
    }


def test_a_car_in_parentheses_right_after_a_crew_is_theirs(facts_of):
    facts = facts_of(
        "Velden Racing got a double podium with Anna Berg/Ivo Lund (#55 Brenner Mustang) second "
        "and Tom Hale/Jim Ross (#5 Brenner Mustang) third."
    )
    assert {(x.car, x.drivers) for x in facts.lineups} == {
        ("55", ("Anna Berg", "Ivo Lund")),
        ("5", ("Tom Hale", "Jim Ross")),
    }


def test_a_car_the_crew_laps_in_the_next_sentence_is_not_theirs(facts_of):
    facts = facts_of(
        "Anna Berg, Ivo Lund and Tom Hale won the race. Drama came early when Berg was punted "
        "out of the lead while lapping the #82 Velden Corvette."
    )
    assert facts.lineups == []


def test_a_list_of_numbered_drivers_in_a_one_driver_series(facts_of):
    facts = facts_of(
        "Super Formula round 7 at Velden. Eleven Super Formula drivers took part: #1 Nora Falk, "
        "#15 Ivo Lund (TEAM VELDEN), #5 Anna Berg. Lund (#15 TEAM VELDEN) reached Q2 with the "
        "No. 16 Brenner Rentals/Velden Bank Honda)."
    )
    assert {(x.car, x.drivers) for x in facts.lineups} == {
        ("1", ("Nora Falk",)),
        ("15", ("Ivo Lund",)),
        ("5", ("Anna Berg",)),
    }


def test_a_car_of_a_team_driven_by_a_crew(facts_of):
    facts = facts_of(
        "The LMP2 class win went to the #35 Brenner – Velden of Hale Racing driven by Anna Berg, "
        "Ivo Lund and Tom Hale."
    )
    assert {(x.car, x.drivers) for x in facts.lineups} == {
        ("35", ("Anna Berg", "Ivo Lund", "Tom Hale"))
    }

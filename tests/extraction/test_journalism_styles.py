"""Phrasings of race reports, press releases and features that extraction must generalise to."""

from datetime import date


def outcomes(facts):
    return {(r.kind, r.position, r.car, r.drivers) for r in facts.results}


def lineups(facts):
    return {(x.car, x.drivers) for x in facts.lineups}


def test_went_to_names_the_result_after_it(facts_of):
    facts = facts_of(
        "Second went to Ada Moss and Ben Kiel in the No. 41 entry, while Cy Dorn, Eli Fenn "
        "and Gus Hale completed the podium in the No. 9 Make. "
        "Pole position in GTD PRO went to Ida Jovan in the No. 77 Make with a 1m17.006s."
    )
    assert ("finish", 2, "41", ("Ada Moss", "Ben Kiel")) in outcomes(facts)
    assert ("finish", 3, "9", ("Cy Dorn", "Eli Fenn", "Gus Hale")) in outcomes(facts)
    assert ("pole", 1, "77", ("Ida Jovan",)) in outcomes(facts)
    assert ("41", ("Ada Moss", "Ben Kiel")) in lineups(facts)
    assert ("9", ("Cy Dorn", "Eli Fenn", "Gus Hale")) in lineups(facts)


def test_trailing_places_after_with_and_and(facts_of):
    facts = facts_of(
        "The runner-up spot went to the No. 10 of Ria Alm and Teo Gir, with the No. 25 of "
        "Jon Weid and Mara Cost third."
    )
    assert ("finish", 2, "10", ("Ria Alm", "Teo Gir")) in outcomes(facts)
    assert ("finish", 3, "25", ("Jon Weid", "Mara Cost")) in outcomes(facts)


def test_second_placed_describes_what_follows(facts_of):
    facts = facts_of("The No. 007 finished 1.2s behind the second-placed No. 19 of Harl Racing.")
    assert {(r.kind, r.position, r.car) for r in facts.results} == {("finish", 2, "19")}


def test_beaten_and_edged_cars_are_second(facts_of):
    facts = facts_of(
        "Victory in class went to the No. 64 Make of Gil Ferr and Noa Whit, who beat the "
        "No. 96 Make by 6.3 seconds. "
        "Ola Kow took pole with a 1m09.482s, edging the No. 9 Make of Ken Ostr by just 0.031s."
    )
    found = {(r.kind, r.position, r.car) for r in facts.results}
    assert {("win", 1, "64"), ("finish", 2, "96"), ("pole", 1, None), ("finish", 2, "9")} <= found


def test_a_hypothetical_title_is_not_a_title(facts_of):
    facts = facts_of(
        "The pair needed only to finish ahead of the No. 77 Make to secure the title, and "
        "they did so as Mat Bell and Sor Lyk struggled to seventh."
    )
    assert ("finish", 7, "77", ("Mat Bell", "Sor Lyk")) in outcomes(facts)
    assert not [r for r in facts.results if r.kind == "title"]


def test_descriptor_subject_takes_the_previous_person(facts_of):
    facts = facts_of(
        "Racing Team Nord has signed Piet van der Berg for 2025. "
        "The 31-year-old, who clinched the 2023 European Series title, arrives from Falk Racing."
    )
    (title,) = [r for r in facts.results if r.kind == "title"]
    assert title.drivers == ("Piet van der Berg",)


def test_championship_as_an_adjective_is_not_a_title(facts_of):
    facts = facts_of(
        "Teo Lef and Dec Bren scored the team's first IMSA WeatherTech SportsCar Championship "
        "victory on Saturday in the No. 01 Make."
    )
    assert {r.kind for r in facts.results} == {"win"}


def test_practice_fastest_laps_are_not_results(facts_of):
    facts = facts_of("Ken Ostr, who set the fastest lap in both practice sessions, was third.")
    assert "fastest_lap" not in {r.kind for r in facts.results}


def test_sharing_the_car_joins_the_subject(facts_of):
    facts = facts_of(
        "Lev Corr won in GTD for Calder Racing, sharing the No. 12 Make with Nil Aur. "
        "Dar Lomb stays with the No. 21 Make, where he will be joined by Fel Aran and Luk Ham."
    )
    assert ("12", ("Lev Corr", "Nil Aur")) in lineups(facts)
    assert ("21", ("Dar Lomb", "Fel Aran", "Luk Ham")) in lineups(facts)


def test_join_a_team_alongside_drivers(facts_of):
    facts = facts_of(
        "Piet Berg will join Northgate alongside Luca Sant and Max Holl in the No. 24 Make."
    )
    assert ("24", ("Piet Berg", "Luca Sant", "Max Holl")) in lineups(facts)


def test_with_a_driver_joining_them(facts_of):
    facts = facts_of(
        "The No. 911 Make will be driven by Noe Carp and Jai Ola, who move across from the "
        "other car, with rookie Cyr Mah joining them for the endurance rounds."
    )
    assert ("911", ("Noe Carp", "Jai Ola", "Cyr Mah")) in lineups(facts)


def test_entry_list_lines(facts_of):
    facts = facts_of(
        "Entry list:\n#023 – Make GT3 – Cara Ves / Paul Ferr\n#32 – Make GT3 – Mar Del / Tob Lin"
    )
    assert ("023", ("Cara Ves", "Paul Ferr")) in lineups(facts)
    assert ("32", ("Mar Del", "Tob Lin")) in lineups(facts)


def test_reporting_verb_after_a_comma_quote(facts_of):
    facts = facts_of(
        "Ken Ostr was frustrated to miss out. “Three hundredths,” he sighed. “That’s nothing.”"
    )
    assert [(q.speaker, q.text) for q in facts.quotes][:1] == [("Ken Ostr", "Three hundredths,")]


def test_quote_after_a_paraphrase_belongs_to_its_subject(facts_of):
    facts = facts_of(
        "“Honestly, the team did everything right today,” Noa Whit said.\n\n"
        "Ric Alv, who set the fastest lap of the race, said he had no regrets. "
        "“Second is fine. We take the points and go.”"
    )
    assert [q.speaker for q in facts.quotes] == ["Noa Whit", "Ric Alv"]


def test_best_spelling_and_fullest_name_win(facts_of):
    facts = facts_of(
        "Van der Berg joins the team.\n\n"
        "Pieter van der Berg and Sebastien Bordas share the No. 8 Make. "
        "Sébastien Bordas was second."
    )
    people = {e.name for e in facts.entities if e.kind == "person"}
    assert {"Pieter van der Berg", "Sébastien Bordas"} <= people
    assert "Sebastien Bordas" not in people


def test_undated_article_takes_its_season_from_the_text(facts_of):
    facts = facts_of(
        "Ola Kow won the Grand Prix of Lakeside in the No. 14 Make, his first win of the "
        "2024 season.",
        published=None,
    )
    (win,) = [r for r in facts.results if r.kind == "win"]
    assert win.season == 2024
    assert win.event == "Grand Prix of Lakeside"


def test_generic_race_name_is_the_main_event(facts_of):
    facts = facts_of(
        "Ola Kow and Ivo Lund won the Lakeside Sports Car Classic in the No. 14 Make. "
        "The No. 5 Make of Ana Berg and Tim Roe finished third.",
        published=date(2025, 5, 11),
    )
    third = next(r for r in facts.results if r.position == 3)
    assert (third.event, third.season) == ("Lakeside Sports Car Classic", 2025)


def test_results_list_lines(facts_of):
    facts = facts_of(
        "Results:\nP1 – #64 Tide Racing – Gil Ferr / Noa Whit\n"
        "P2 – #5 Harbor Racing – Cor Ash / Fel Drum"
    )
    assert ("win", 1, "64", ("Gil Ferr", "Noa Whit")) in outcomes(facts)
    assert ("finish", 2, "5", ("Cor Ash", "Fel Drum")) in outcomes(facts)


def test_won_ahead_of_two_cars_gives_second_and_third(facts_of):
    facts = facts_of(
        "The race was won by the No. 46 Vier Motorsport BMW, ahead of the No. 27 Alder Racing "
        "McLaren and the No. 33 Cast Racing Porsche."
    )
    found = {(r.kind, r.position, r.car) for r in facts.results}
    assert {("win", 1, "46"), ("finish", 2, "27"), ("finish", 3, "33")} <= found


def test_seconds_mark_is_not_a_quote(facts_of):
    facts = facts_of(
        'The crew beat the Raven #62 of Mik Strand and Hen Aal, detached of 3"4, while the '
        "third position is of the Kai Racing #8 of Hiro Take and Lor Dev."
    )
    assert not facts.quotes
    assert ("finish", 3, "8", ("Hiro Take", "Lor Dev")) in outcomes(facts)


def test_finished_second_behind_names_the_winner(facts_of):
    facts = facts_of(
        "In GTD, the No. 023 Kes Motorsports BMW of Cara Ves and Paul Ferr finished second "
        "behind the No. 70 Copper Racing Ferrari."
    )
    found = {(r.kind, r.position, r.car) for r in facts.results}
    assert {("finish", 2, "023"), ("win", 1, "70")} <= found


def test_and_won_is_said_of_the_subject(facts_of):
    facts = facts_of(
        "Ander Halv passed Hen Aal with four laps to go and won the Lakeside Grand Prix in the "
        "No. 14 Make."
    )
    (win,) = [r for r in facts.results if r.kind == "win"]
    assert win.drivers == ("Ander Halv",)


def test_championship_standings_are_not_race_places(facts_of):
    facts = facts_of(
        "The team closed the championship in fifth position. Ola Kow is fourth in the "
        "drivers' standings."
    )
    assert not facts.results


def test_british_single_quotes_mid_paragraph(facts_of):
    facts = facts_of("Ola Kow was delighted. He said: ‘It was the best day of my life, honestly.’")
    assert [(q.speaker, q.text) for q in facts.quotes] == [
        ("Ola Kow", "It was the best day of my life, honestly.")
    ]


def test_quote_running_on_into_the_next_paragraph(facts_of):
    facts = facts_of(
        "Ivo Lund won the race.\n\n"
        "“It was a long race and we had to manage the tyres all the way through.\n\n"
        "“In the end the car was perfect,” said Ana Berg, the team principal."
    )
    assert [q.speaker for q in facts.quotes] == ["Ana Berg", "Ana Berg"]


def test_more_lineup_phrasings(facts_of):
    joining = facts_of("Joining Ola Kow and Ivo Lund in the No. 6 will be Ana Berg.")
    caption = facts_of("Car No. 6: Ola Kow, Ivo Lund, Ana Berg")
    for facts in (joining, caption):
        assert ("6", ("Ola Kow", "Ivo Lund", "Ana Berg")) in lineups(facts)


def test_organisation_before_a_role_is_not_the_speaker(facts_of):
    facts = facts_of(
        "“I have never seen a pit lane that chaotic,” said Orchard Hill team boss Hattie Oduya."
    )
    assert [q.speaker for q in facts.quotes] == ["Hattie Oduya"]


def test_beaten_by_a_lap_names_the_runner_up(facts_of):
    facts = facts_of(
        "Sun Racing won GTD with the No. 911 Make of Noe Carp and Jai Ola. "
        "The Make finished one lap clear of the No. 023 Make of Cara Ves and Paul Ferr."
    )
    assert ("finish", 2, "023", ("Cara Ves", "Paul Ferr")) in outcomes(facts)
    assert not [r for r in facts.results if r.kind == "win" and r.car == "023"]


def test_practice_and_mid_race_places_are_not_results(facts_of):
    facts = facts_of(
        "Ola Kow was second in the opening practice session with a 1:33.444. "
        "With two hours to go, Ana Berg was leading and Ivo Lund was second."
    )
    assert not facts.results

"""Which race a result belongs to when its sentence names none: the article's own race."""


def events(facts):
    return {(r.kind, r.drivers, r.event) for r in facts.results}


def test_le_mans_inside_a_class_or_series_name_is_not_the_race(facts_of, aliases):
    facts = facts_of(
        "Nora Falk and Ivo Lund won the 6 Hours of Velden. In Le Mans Prototype 2, Tom Hale won. "
        "In GT Le Mans, Anna Berg finished second.",
        aliases=aliases,
    )
    assert {r.event for r in facts.results} == {"6 Hours of Velden"}


def test_a_race_named_in_a_label_is_not_the_article_s_race(facts_of, aliases):
    facts = facts_of(
        "Nora Falk won at Velden Speedway. The 2023 Indianapolis 500 champion led every lap, "
        "and Ivo Lund finished second.",
        aliases=aliases,
    )
    assert ("finish", ("Ivo Lund",), "Indianapolis 500") not in events(facts)
    assert ("finish", ("Ivo Lund",), None) in events(facts)


def test_a_race_distance_is_no_race_name(facts_of):
    facts = facts_of("Nora Falk won the 807 km race from Ivo Lund, who was second.")
    assert {r.event for r in facts.results} == {None}


def test_on_a_tie_the_race_named_first_is_the_article_s(facts_of, aliases):
    facts = facts_of(
        "The 8 Hours of Velden thrilled the fans. Nora Falk won. Ivo Lund was second. A month "
        "ago Le Mans had been a disaster for both.",
        aliases=aliases,
    )
    assert {r.event for r in facts.results} == {"8 Hours of Velden"}


def test_hours_name_a_race_only_with_its_place(facts_of):
    named = facts_of("Nora Falk won the Velden 12 Hour. Ivo Lund was second.")
    bare = facts_of("Nora Falk won the 12 Hours. Ivo Lund was second.")
    assert {r.event for r in named.results} == {"Velden 12 Hour"}
    assert {r.event for r in bare.results} == {None}


def test_a_race_named_by_its_alias_and_by_its_own_words_is_counted_once(facts_of, aliases):
    facts = facts_of(
        "Nora Falk will attack the first event of the Twelve Hours of Sebring on January 27. "
        "The Mobil 1 Twelve Hours of Sebring Before The 24 tests are this weekend. Ivo Lund won "
        "the race last year.",
        aliases=aliases,
    )
    assert all(r.event in {None, "Twelve Hours of Sebring"} for r in facts.results)


def test_a_known_race_counts_every_spelling_of_it(facts_of, aliases):
    facts = facts_of(
        "The Sebring 12 Hours crowd came early to the Sebring 12 Hours. The Twelve Hours of "
        "Sebring was hot. Nora Falk won from Ivo Lund.",
        aliases=aliases,
    )
    assert {r.event for r in facts.results} == {"Twelve Hours of Sebring"}

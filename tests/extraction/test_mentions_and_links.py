"""Mentions, candidates and decisions for line-ups and quotes, one kind of sentence each.

Invented names and numbers: each test states a kind of sentence real articles use and asserts
both the facts a reader takes from it and that nothing else is read.
"""

import pytest

from bot.extraction.names import find_mentions
from bot.extraction.text import find_cars


def pairs(facts):
    return {(x.car, d) for x in facts.lineups for d in x.drivers}


def speakers(facts):
    return [(q.speaker, q.text[:21]) for q in facts.quotes]


@pytest.mark.parametrize(
    ("text", "cars"),
    [
        ("the No. 25 Porsche", ["25"]),
        ("the #25 Porsche", ["25"]),
        ("car 25 pitted", ["25"]),
        ("car No. 25 pitted", ["25"]),
        ("the 25 car pitted", ["25"]),
        ("the number three crew", ["3"]),
        ("the No. 8 and No. 9 cars", ["8", "9"]),
        ("in his No. 2 Honda", ["2"]),
        ("put the car 25 seconds clear", []),
        ("a car 3.5 seconds faster", []),
    ],
)
def test_car_numbers_in_every_form(text, cars):
    assert [car.text for car in find_cars(text)] == cars


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The Dane Anna Berg won.", ["Anna Berg"]),
        ("Drivers Ivo Lund and Briton Sofia Brandt", ["Ivo Lund", "Sofia Brandt"]),
        ("Dane Cameron won.", ["Dane Cameron"]),
        ("Two Ferrari cars led.", ["Ferrari"]),
        ("Devlin DeFrancesco won.", ["Devlin DeFrancesco"]),
    ],
)
def test_people_without_nationality_or_role_words(text, names):
    assert [m.text for m in find_mentions(text)] == names


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "The #37 Oreca 07 – Gibson of Anna Berg and Ivo Lund won Race 1.",
            {("37", "Anna Berg"), ("37", "Ivo Lund")},
        ),
        (
            "The Acme crew won aboard the #8 Make, beating their #7 rivals – Anna Berg, "
            "Ivo Lund and Sofia Brandt – who had won before.",
            {("7", "Anna Berg"), ("7", "Ivo Lund"), ("7", "Sofia Brandt")},
        ),
        (
            "Ahead of them finished the #3 Acme Make, driven by DTM Champion Anna Berg, "
            "Ivo Lund and Briton Sofia Brandt.",
            {("3", "Anna Berg"), ("3", "Ivo Lund"), ("3", "Sofia Brandt")},
        ),
        (
            "Then the #72 Acme Make GT3 of Anna Berg/Bathurst 12 Hour winner Ivo Lund/Nora "
            "Falk finished 35th.",
            {("72", "Anna Berg"), ("72", "Ivo Lund"), ("72", "Nora Falk")},
        ),
        (
            "The number seven crew of Anna Berg, Ivo Lund and Sofia Brandt set out to win.",
            {("7", "Anna Berg"), ("7", "Ivo Lund"), ("7", "Sofia Brandt")},
        ),
        (
            "In LMP2, Anna Berg and Ivo Lund along with drivers Devlin DeFrancesco and Nora "
            "Falk finished P1 in the #81 Acme Make.",
            {
                ("81", "Anna Berg"),
                ("81", "Ivo Lund"),
                ("81", "Devlin DeFrancesco"),
                ("81", "Nora Falk"),
            },
        ),
        (
            "Anna Berg was fastest with Make 499P #50. Ivo Lund with sister #51 was second.\n"
            "Ivo Lund, who will set off from second together with Nora Falk and Lars Eke, "
            "was pleased.",
            {("51", "Ivo Lund"), ("51", "Nora Falk"), ("51", "Lars Eke")},
        ),
        (
            "The #7 Make will be driven by Anna Berg and Ivo Lund, while in #8 Nora Falk, "
            "Lars Eke and Sofia Brandt stay together.",
            {
                ("7", "Anna Berg"),
                ("7", "Ivo Lund"),
                ("8", "Nora Falk"),
                ("8", "Lars Eke"),
                ("8", "Sofia Brandt"),
            },
        ),
        (
            "Anna Berg and Ivo Lund, and Nora Falk and Lars Eke will drive the No. 7 and No. 8 "
            "respectively.",
            {("7", "Anna Berg"), ("7", "Ivo Lund"), ("8", "Nora Falk"), ("8", "Lars Eke")},
        ),
        (
            "The Dane Anna Berg joins the No. 25 that she shares with Ivo Lund.",
            {("25", "Anna Berg"), ("25", "Ivo Lund")},
        ),
        (
            "Alongside Anna Berg and Ivo Lund in the No. 7 will be ex-Formula 1 driver Nora Falk.",
            {("7", "Anna Berg"), ("7", "Ivo Lund"), ("7", "Nora Falk")},
        ),
        (
            "The No. 31 Acme Make V-Series.R (Anna Berg/Ivo Lund/Nora Falk) won.",
            {("31", "Anna Berg"), ("31", "Ivo Lund"), ("31", "Nora Falk")},
        ),
        (
            "P2: #01 Anna Berg / Renzo van der Berg (Make) +1.2s",
            {("01", "Anna Berg"), ("01", "Renzo van der Berg")},
        ),
        (
            "IndyCar’s Anna Berg shares the No. 10 with Ivo Lund. The IMSA field is full.",
            {("10", "Anna Berg"), ("10", "Ivo Lund")},
        ),
    ],
)
def test_crews_and_their_cars(facts_of, body, expected):
    assert pairs(facts_of(body)) == expected


@pytest.mark.parametrize(
    "body",
    [
        "Drivers Anna Berg, Ivo Lund, Nora Falk and Lars Eke share their thoughts.\n"
        "Anna Berg, driver of the Acme #7 Make, took pole.\n"
        "Ivo Lund, driver of the #22 Other Make, was second.",
        "In the Bronze class, Acme’s #30 Make GT3 and Other Racing’s #991 Make GT3 will "
        "compete with seasoned drivers, including Anna Berg and Ivo Lund.",
        "Anna Berg battled with Ivo Lund for the lead in the No. 4.",
    ],
)
def test_no_crew_where_the_text_does_not_say_whose_car(facts_of, body):
    assert pairs(facts_of(body)) == set()


def test_a_one_driver_series_has_one_driver_cars_and_teammates_apart(facts_of):
    facts = facts_of(
        "The NASCAR Cup Series opened at Daytona.\n"
        "Anna Berg matched the energy with a fifth place and their teammate Ivo Lund rallied "
        "to 12th place in the famed No. 43 Make despite some damage."
    )
    assert pairs(facts) == {("43", "Ivo Lund")}
    assert facts.lineups[0].evidence.startswith("Anna Berg matched the energy")


def test_captions_two_on_a_line_and_a_photo_credit_after(facts_of):
    facts = facts_of(
        "Intro.\n#7 Acme Racing Make GR – Hybrid: Anna Berg, Ivo Lund, Sofia Brandt, "
        "#8 Acme Racing Make GR – Hybrid: Nora Falk, Lars Eke, Tom Rask\n"
        "#9 Acme Racing Make GR – LMP1: Ada Holm, Eva Dahl, Ivan Sokol Photo by: Acme Racing"
    )
    assert pairs(facts) == {
        ("7", "Anna Berg"), ("7", "Ivo Lund"), ("7", "Sofia Brandt"),
        ("8", "Nora Falk"), ("8", "Lars Eke"), ("8", "Tom Rask"),
        ("9", "Ada Holm"), ("9", "Eva Dahl"), ("9", "Ivan Sokol"),
    }  # fmt: skip
    assert [x.evidence.split(":")[0] for x in facts.lineups[:2]] == [
        "#7 Acme Racing Make GR – Hybrid",
        "#8 Acme Racing Make GR – Hybrid",
    ]


def test_speaker_labels_tie_drivers_to_their_car(facts_of):
    facts = facts_of(
        "Voices of the winners.\n"
        "Anna Berg / #16 Acme Sport Make GT3\n"
        "“I had a great fight with the Other Make, it was the best fight in a long time.”\n"
        "Ivo Lund / #16 Acme Sport Make GT3\n"
        "“This race was the last chance for us to win a 24-hour race, and we took it.”\n"
        "Nora Falk, 296 GT3 #71 Acme Corse: “Tenth place is not what we had hoped for today.”"
    )
    assert pairs(facts) == {("16", "Anna Berg"), ("16", "Ivo Lund")}
    assert [q.speaker for q in facts.quotes] == ["Anna Berg", "Ivo Lund", "Nora Falk"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "“You can’t ask for better than straight As,” Acme sports car racing program "
            "manager Anna Berg said.",
            [("Anna Berg", "You can’t ask for bet")],
        ),
        (
            "HYPERCAR winner: Anna Berg #7 Acme Racing, Make GR010\n"
            "“At the beginning, I did not want to get left behind in the rain.\n"
            '"Then the conditions changed, and the wet running was really treacherous.”\n'
            "LMP2 winner: Ivo Lund #31 Other, Make 07\n"
            "“You can feel that everyone is very happy with a one-two for the team.”",
            [
                ("Anna Berg", "At the beginning, I d"),
                ("Anna Berg", "Then the conditions c"),
                ("Ivo Lund", "You can feel that eve"),
            ],
        ),
        (
            "ANNA BERG, NO. 3 ACME MAKE C8.R – GTLM RACE WINNER: “I think we deserved this "
            "moment after so many years.”\n"
            "HOW CLOSE WERE YOU ON FUEL AT THE END?\n"
            "“That was the big thing. Ivo did a perfect job on that.”",
            [("Anna Berg", "I think we deserved t"), ("Anna Berg", "That was the big thin")],
        ),
        (
            "Acme\nIVO LUND\n“The win today was down to the team, they gave me a great car.”",
            [("Ivo Lund", "The win today was dow")],
        ),
        (
            "Anna Berg: « C’est quelque chose de spécial de prendre la pole ici. »",
            [("Anna Berg", "C’est quelque chose d")],
        ),
        (
            "Anna Berg sagte: „Wir hatten heute ein großartiges Rennen mit dem Auto.“",
            [("Anna Berg", "Wir hatten heute ein ")],
        ),
        (
            "Ivo Lund became the first driver to win all four major races.\n"
            "“It’s one of the biggest sporting events in t",
            [("Ivo Lund", "It’s one of the bigge")],
        ),
        (
            "“Right now it is impossible to describe,” a jubilant Anna Berg said. “I had a few "
            "sleepless nights. “It feels fantastic now that this weight is off.",
            [
                ("Anna Berg", "Right now it is impos"),
                ("Anna Berg", "I had a few sleepless"),
                ("Anna Berg", "It feels fantastic no"),
            ],
        ),
        (
            "Anna Berg said the result was “very sad in the end”, while Ivo Lund waved. "
            "The team called it a “perfect weekend”.",
            [("Anna Berg", "very sad in the end")],
        ),
        (
            "‘We had a great race today and the car was fantastic,’ said Anna Berg. She won "
            "“a lot” this year.",
            [("Anna Berg", "We had a great race t")],
        ),
        (
            "“It was hard to keep it on the road,” said Anna Berg before Ivo Lund added: “The "
            "car was fantastic for the whole race.”",
            [("Anna Berg", "It was hard to keep i"), ("Ivo Lund", "The car was fantastic")],
        ),
        (
            "“We had a great race today – explains Anna Berg, who won twice – and the car was "
            "fantastic.”",
            [("Anna Berg", "We had a great race t")],
        ),
        (
            "“This victory is a great team performance,” said Ivo Lund, the director of Acme "
            "Sport GmbH. “Our new car proved that it is an absolute winning car.”",
            [("Ivo Lund", "This victory is a gre"), ("Ivo Lund", "Our new car proved th")],
        ),
    ],
)
def test_quote_speakers(facts_of, body, expected):
    facts = facts_of(body)
    assert speakers(facts) == expected
    assert all(q.evidence for q in facts.quotes)

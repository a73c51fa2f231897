"""Quotes: every cue pattern, continuation, scare quotes, nesting and unattributed quotes."""

import pytest

from bot.extraction.aliases import Aliases
from bot.extraction.document import analyse


def speakers(facts):
    return [(q.speaker, q.text[:25]) for q in facts.quotes]


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("“We had the pace all weekend long,” said Marco Velden after the race.", "Marco Velden"),
        (
            "Tobias Rennard led the final stint.\nRennard added: “The car was perfect in the end.”",
            "Tobias Rennard",
        ),
        (
            "Luca Ferrant and Dario Kestel shared the car.\n"
            "Kestel echoes him: “It was a crazy race from start to finish.”",
            "Dario Kestel",
        ),
        (
            "“Everyone stepped up this year, from the shop to the pit wall” , "
            "emphasizes program manager Ilse Marwood Brandt.",
            "Ilse Marwood Brandt",
        ),
        (
            "Anton Sorel drove the middle stint.\n"
            "Sorel comments: “Honestly the balance was great all night long.”",
            "Anton Sorel",
        ),
        (
            "“I hit the reset button the Monday after the final race,” points out "
            "Petra Lindqvist, Director of Race Operations for Halvard Racing.",
            "Petra Lindqvist",
        ),
        (
            "“He’s the best in the business,” team co-owner Miles Garrow told NBC of his driver.",
            "Miles Garrow",
        ),
        (
            "Paolo Brenner, vice president of Brenner Motors: “It is a great honour for us all.”",
            "Paolo Brenner",
        ),
    ],
)
def test_cue_patterns_name_the_speaker(facts_of, body, speaker):
    facts = facts_of(body)
    assert [q.speaker for q in facts.quotes] == [speaker]


def test_pronoun_cue_takes_the_person_in_focus(facts_of):
    facts = facts_of(
        "It was Velden who came out on top, beating Sorel by a tenth.\n"
        "It was, however, Marco Velden who took pole.\n"
        "“The car felt on rails today,” he said after claiming his 10th career pole."
    )
    assert [q.speaker for q in facts.quotes] == ["Marco Velden"]


def test_he_told_outlet_after_speaker_named_in_previous_paragraph(facts_of):
    facts = facts_of(
        "Halvard team manager Greta Olsen says the team is preparing a second car.\n"
        "“We’re pushing very hard for it and really want to do it,” she told RACER."
    )
    assert facts.quotes[0].speaker == "Greta Olsen"


def test_speaker_named_in_previous_sentence_without_cue(facts_of):
    facts = facts_of(
        "Ivo Rennard won again on Sunday.\n"
        "Rennard said it is the crew who push him to be better.\n"
        "“The feeling is amazing, just to see how much energy they bring every day.”"
    )
    assert facts.quotes[0].speaker == "Ivo Rennard"


def test_consecutive_quoted_paragraphs_keep_the_speaker(facts_of):
    facts = facts_of(
        "Jonas Halvorsen took the win.\n"
        "“It was just a privilege to drive such a car,” Halvorsen said.\n"
        "“There was great teamwork to improve what was needed.\n"
        "“The car felt on rails, and it was nice to enjoy it.”"
    )
    assert [q.speaker for q in facts.quotes] == ["Jonas Halvorsen"] * 3


def test_quote_running_over_paragraphs_news_style(facts_of):
    facts = facts_of(
        "“We’ve done alright here, and with two cars we want to finish 1-2,” said Greta Olsen. "
        "“With the second car, it was a magical group of drivers.\n"
        "“Jimmy had the least experience, but got better and better.”"
    )
    texts = [q.text for q in facts.quotes]
    assert texts[-1].startswith("Jimmy had the least experience")
    assert {q.speaker for q in facts.quotes} == {"Greta Olsen"}


def test_scare_quotes_and_titles_are_not_quotes(facts_of):
    facts = facts_of(
        "Ruben Castell opened the season the way he closed the last one, to continue the "
        "domination “The Boss” flexed all year at the “Twelve Hours” race."
    )
    assert facts.quotes == []


def test_nested_quote_is_part_of_the_outer_quote(facts_of):
    facts = facts_of(
        "“I was joking with Rick, ‘I taught you a lot of things, but not all of it!’ "
        "I never thought I’d be climbing the fence,” Elio Marques told NBC."
    )
    assert len(facts.quotes) == 1
    assert "‘I taught you" in facts.quotes[0].text
    assert facts.quotes[0].speaker == "Elio Marques"


def test_unattributable_quote_has_no_speaker(facts_of):
    facts = facts_of("The paddock was quiet.\n“Nobody expected the rain to arrive so early today.”")
    assert [q.speaker for q in facts.quotes] == [None]


def test_surname_speaker_resolves_to_full_name_from_article(facts_of):
    facts = facts_of(
        "Camille Dubreuil won the race.\n“It was a great day for the whole team,” Dubreuil said."
    )
    assert facts.quotes[0].speaker == "Camille Dubreuil"


def test_surname_speaker_resolves_with_known_people(facts_of):
    facts = facts_of(
        "“It was a great day for the whole team,” Dubreuil said.",
        known_people=("Camille Dubreuil",),
    )
    assert facts.quotes[0].speaker == "Camille Dubreuil"


def test_straight_quotes_and_paragraph_index(facts_of):
    facts = facts_of('Intro line.\n"We never gave up, not even for one lap," said Nora Falk.')
    assert facts.quotes[0].paragraph == 1
    assert facts.quotes[0].text == "We never gave up, not even for one lap,"


def test_short_answer_after_colon_is_a_quote(facts_of):
    facts = facts_of("Asked if the team is for sale, Greta Olsen offered a concise response: “No.”")
    assert [(q.speaker, q.text) for q in facts.quotes] == [("Greta Olsen", "No.")]


def test_descriptor_after_cue_takes_the_person_in_focus(facts_of):
    facts = facts_of(
        "Jonas Halvorsen won.\n"
        "Elio Marques added that the team had worked hard since the spring. “We struggled at "
        "the start of the year, but we never gave up,” the Portuguese driver explained."
    )
    assert [q.speaker for q in facts.quotes] == ["Elio Marques"]


def test_british_single_quote_speech(facts_of):
    facts = facts_of(
        "Intro.\n‘We’re thrilled that Tom is going to join us,’ said Greta Olsen. "
        "‘He’s a great fit.’"
    )
    assert [(q.speaker, q.text) for q in facts.quotes] == [
        ("Greta Olsen", "We’re thrilled that Tom is going to join us,"),
        ("Greta Olsen", "He’s a great fit."),
    ]


def test_truncated_cue_name_is_resolved_by_spelling(facts_of):
    facts = facts_of(
        "Helio Castelo won again.\nThe crowd cheered.\n“I love to race. This is me,” Castel"
    )
    assert facts.quotes[0].speaker == "Helio Castelo"


def test_photo_credit_is_not_the_person_in_focus(facts_of):
    facts = facts_of(
        "Nora Falk took the win.\nPhoto by: Jane Snapper / Images\n"
        "“Great job by everyone in the team today,” she said."
    )
    assert facts.quotes[0].speaker == "Nora Falk"


def test_role_before_name_in_colon_cue(facts_of):
    facts = facts_of(
        "Nora Falk echoes him: “I am really happy for everyone in the team.”\n"
        "Team Manager Paolo Greco comments: “A weekend to remember”."
    )
    assert [q.speaker for q in facts.quotes] == ["Nora Falk", "Paolo Greco"]


def test_colon_cue_with_an_unknown_surname_does_not_borrow_a_speaker(facts_of):
    facts = facts_of(
        "Nora Falk echoes him: “I am really happy for everyone in the team.”\n"
        "Greco comments: “A weekend to remember”."
    )
    assert [q.speaker for q in facts.quotes] == ["Nora Falk", "Greco"]


def test_pronoun_prefers_the_sentence_subject_over_the_last_name(facts_of):
    facts = facts_of(
        "Greta Olsen said the team had spoken with Rick Hendrick about a second car.\n"
        "“We’re working on it and it will happen soon,” she said.\n"
        "It was, however, Marco Velden who took pole ahead of Ivo Lund and Nora Falk.\n"
        "“The car felt on rails today,” he said."
    )
    assert [q.speaker for q in facts.quotes] == ["Greta Olsen", "Marco Velden"]


def test_partial_quote_inside_a_sentence_takes_its_subject(facts_of):
    facts = facts_of(
        "Nora Falk described her lap as “probably the best one I have done all year” and "
        "praised her engineers."
    )
    assert [(q.speaker, q.text) for q in facts.quotes] == [
        ("Nora Falk", "probably the best one I have done all year")
    ]


def test_surname_only_speaker_named_in_the_cue(facts_of):
    facts = facts_of(
        "The team had a tough day.\n“We will come back stronger at the next round,” said Novak."
    )
    assert [q.speaker for q in facts.quotes] == ["Novak"]


def test_quote_missing_its_opening_mark(facts_of):
    facts = facts_of("Intro.\nWe never gave up, not even for one lap,” said Nora Falk.")
    assert [(q.speaker, q.text) for q in facts.quotes] == [
        ("Nora Falk", "We never gave up, not even for one lap,")
    ]


def test_label_with_the_name_in_capitals_and_details_in_mixed_case(facts_of):
    facts = facts_of(
        "Drivers spoke after the race.\n"
        "NINA HOLT (Halvard Racing Brenner Coupe) – finished 2nd: “We gave it everything we had "
        "today and the car was good.” (On the last restart): “I was on the limit all the way "
        "to the line.”\n"
        "IVO LUND (No. 4 Orvik Motors Brenner) — race winner: “I cannot believe this, what a "
        "day for all of us.”"
    )
    assert [q.speaker for q in facts.quotes] == ["Nina Holt", "Nina Holt", "Ivo Lund"]


def test_topic_note_names_nobody(facts_of):
    facts = facts_of(
        "“The tyres went away late in the stint,” said Ravi Mehta. (About Hyde Corner): “It "
        "was wet there and we had to be careful all race.”"
    )
    assert [q.speaker for q in facts.quotes] == ["Ravi Mehta", "Ravi Mehta"]


def test_straight_single_marks_after_a_label_keep_their_apostrophes(facts_of):
    facts = facts_of(
        "Rain ruined the finale.\n"
        "Ravi Mehta: 'I don't think we've ever had a wetter race, it's crazy.'\n"
        "The team's 'plan B' didn't work."
    )
    assert [(q.speaker, q.text) for q in facts.quotes] == [
        ("Ravi Mehta", "I don't think we've ever had a wetter race, it's crazy.")
    ]


def test_two_single_closing_marks_close_a_double_quote(facts_of):
    facts = facts_of(
        "The No. 8 crew took the flag first.\n"
        "“We kept the tyres alive through the whole last stint,’’ Ravi Mehta said. “Then the "
        "rain came and we just held on.’’\n"
        "“It was a long night for the whole crew,'' an exhausted Nina Holt said."
    )
    assert [(q.speaker, q.text[:12]) for q in facts.quotes] == [
        ("Ravi Mehta", "We kept the "),
        ("Ravi Mehta", "Then the rai"),
        ("Nina Holt", "It was a lon"),
    ]


def test_a_speech_verb_in_a_title_case_heading_is_no_part_of_the_name(facts_of):
    facts = facts_of(
        "The No. 8 crew took the flag first.\n"
        "Nina Holt Reflected on the Final Stint\n"
        "“We kept the tyres alive through the whole last stint and then held on.”"
    )
    assert [q.speaker for q in facts.quotes] == ["Nina Holt"]


def test_a_name_right_after_a_quote_with_a_long_title_before_the_verb(facts_of):
    facts = facts_of(
        "Rain fell before the start.\n"
        "“The crew did a fine job tonight,”Ravi Mehta, Head of Motorsport Operations of the "
        "Orvik Motors factory squad in Europe, says. “Now we get ready for the race.”"
    )
    assert [q.speaker for q in facts.quotes] == ["Ravi Mehta", "Ravi Mehta"]


def test_a_cue_that_leads_into_the_next_quote_is_that_quotes(facts_of):
    facts = facts_of(
        "The No. 8 crew took the flag first.\n"
        "Nina Holt:\n"
        "“It was a perfect day for the whole crew. I am so happy.” When asked about her two "
        "Orvik Silver Trophies, which go to every class winner, she said “I will keep one of "
        "them at home.”"
    )
    assert [q.speaker for q in facts.quotes] == ["Nina Holt", "Nina Holt"]


def test_a_capitalised_run_after_a_possessive_is_no_person():
    document = analyse(
        ["Ravi Mehta won the race. He then showed his two Orvik Silver Trophies to the crowd."],
        Aliases(),
    )
    assert {p.name for s in document.sentences for p in s.people if p.name} == {"Ravi Mehta"}


def test_a_label_before_a_quote_with_no_opening_mark_names_its_speaker(facts_of):
    facts = facts_of(
        "First — Nina Holt (No. 4 Orvik Motors Brenner): “We won it on fuel in the end.”\n"
        "Second — Ravi Mehta (No. 9 Halvard Racing Brenner):This one hurts. We pitted a lap "
        "later and it was never going to be enough.”"
    )
    assert [(q.speaker, q.text[:14]) for q in facts.quotes] == [
        ("Nina Holt", "We won it on f"),
        ("Ravi Mehta", "This one hurts"),
    ]


def test_press_conference_answers_without_quote_marks(facts_of):
    facts = facts_of(
        "Post-Race Press Conference\n"
        "THE MODERATOR: Welcome, everybody. Nina Holt won today from second on the grid.\n"
        "Nina, talk about the last restart.\n"
        "NINA HOLT: Yeah, the restart was the key moment for us today.\n"
        "We had the pace all race and the crew was perfect in the pits.\n"
        "Q. Ravi, what happened at the start?\n"
        "RAVI MEHTA: We got squeezed into turn one and lost two places there.\n"
        "THE MODERATOR: Thanks, guys."
    )
    assert [(q.speaker, q.text[:20]) for q in facts.quotes] == [
        ("Nina Holt", "Yeah, the restart wa"),
        ("Nina Holt", "We had the pace all "),
        ("Ravi Mehta", "We got squeezed into"),
    ]


def test_one_label_in_capitals_makes_no_transcript(facts_of):
    facts = facts_of(
        "Nina Holt won the race from second on the grid.\n"
        "UPDATE: Ravi Mehta has been given a five-second penalty for the collision."
    )
    assert facts.quotes == []


def test_a_description_after_his_or_her_is_no_speaker(facts_of):
    facts = facts_of(
        "Anna Berg was fast in testing. "
        "His Velden Racing co-star said, “We are going to be getting up to speed.”"
    )
    assert [(q.speaker, q.text) for q in facts.quotes] == [
        (None, "We are going to be getting up to speed.")
    ]


def test_a_speaker_heading_holds_over_detail_lines_and_questions(facts_of):
    facts = facts_of(
        "TOYOTA QUOTES\n\n"
        "NORA FALK, No. 11 Brenner Camry, Velden Racing\n\n"
        "Finishing Position: 1st\n\n"
        "What was it like to win here?\n\n"
        "“I have been running down the leaders these last few weeks.”\n\n"
        "IVO LUND\n\n"
        "NO. 28 ACME BRENNER\n\n"
        "Is the fourth driver to win on both layouts at the Velden Motor Speedway\n\n"
        "“Relief is the main word for us today.”\n\n"
        "Photo: Tom Hale\n\n"
        "“Nobody named this one.”"
    )
    assert [(q.speaker, q.text.split()[0]) for q in facts.quotes] == [
        ("Nora Falk", "I"),
        ("Ivo Lund", "Relief"),
        ("Ivo Lund", "Nobody"),
    ]


def test_speech_under_a_label_needs_no_marks_but_a_label_of_words_is_none(facts_of):
    facts = facts_of(
        "Anna Berg, Velden Racing, p2:\n\n"
        "I would not say coming out of the pits in 13th felt like being in contention at all.\n\n"
        "Fast Facts:\n\n"
        "The Velden Racing #60 took home the overall win driven by Ivo Lund and Tom Hale today."
    )
    assert [(q.speaker, q.text.split()[0]) for q in facts.quotes] == [("Anna Berg", "I")]


def test_a_paragraph_in_straight_single_marks_under_a_label_is_speech(facts_of):
    facts = facts_of(
        "Jim Ross (Brenner Motorsport Director):\n\n"
        "'This has been a strong weekend at the series' finale for our cars.'\n\n"
        "Nora Falk (General Manager): 'We saw an exciting race with the teams' cars up front.'"
    )
    assert [(q.speaker, q.text.split()[0]) for q in facts.quotes] == [
        ("Jim Ross", "This"),
        ("Nora Falk", "We"),
    ]


def test_spoke_with_reports_speech(facts_of):
    facts = facts_of("“I want to dedicate the win to my family,” Nora Falk spoke with FS1.")
    assert [(q.speaker, q.text.split()[0]) for q in facts.quotes] == [("Nora Falk", "I")]


def test_an_inline_label_gives_speech_in_the_first_person_to_the_person_it_names(facts_of):
    facts = facts_of(
        "Nora Falk: It was a great day for the whole team and I am very happy with it.\n\n"
        "IVO LUND: We had a good car all weekend long, the team did a great job.\n\n"
        "Fast Facts: The Velden Racing car took the overall win with three drivers today.\n\n"
        "Toyota Gazoo Racing: We are proud of the whole team after this long race."
    )
    assert [(q.speaker, q.text.split()[0]) for q in facts.quotes] == [
        ("Nora Falk", "It"),
        ("Ivo Lund", "We"),
    ]

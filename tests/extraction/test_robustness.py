"""Bad and extreme input: empty text, unbalanced quote marks, a 1 MB paragraph."""

from bot.extraction import extract
from bot.facts import Article


def test_empty_text_gives_no_facts():
    facts = extract(Article(source="empty.txt", title="", body=""))
    assert facts.count == 0
    assert facts.entities == []


def test_unbalanced_quote_runs_to_end_of_paragraph(facts_of):
    facts = facts_of(
        "Nora Falk won.\n“We never gave up, not for a single lap of this race, Falk said.\nNext."
    )
    assert len(facts.quotes) == 1
    assert facts.quotes[0].text.endswith("Falk said.")
    assert facts.quotes[0].paragraph == 1


def test_closing_mark_alone_does_not_break_extraction(facts_of):
    facts = facts_of("Nora Falk won the race” and celebrated.\nIvo Lund was second.")
    assert facts.quotes == []
    assert [(r.kind, r.drivers) for r in facts.results] == [
        ("win", ("Nora Falk",)),
        ("finish", ("Ivo Lund",)),
    ]


def test_one_megabyte_paragraph_is_handled():
    words = "Marco Velden won the race with Ivo Lund and the No. 7 car, "
    body = (words * (1_000_000 // len(words)))[:1_000_000]
    facts = extract(Article(source="big.txt", title="", body=body))
    assert any(e.name == "Marco Velden" for e in facts.entities)


def test_one_megabyte_of_quote_marks_and_capitals():
    body = ("“A" * 250_000) + ("B C D " * 100_000)
    facts = extract(Article(source="big.txt", title="", body=body))
    assert len(facts.quotes) <= 1
    assert [e for e in facts.entities if e.kind == "person"] == []


def test_one_megabyte_of_car_numbers_and_colon_quotes():
    body = ("No. 1 Make X1 " * 40_000) + ("Nora Falk: “a b c” " * 20_000)
    facts = extract(Article(source="big.txt", title="", body=body[:1_000_000]))
    assert {e.name for e in facts.entities if e.kind == "car"} == {"#1"}
    assert facts.quotes and facts.quotes[0].speaker == "Nora Falk"

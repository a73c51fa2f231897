"""Honest, short answers: headlines, each source cited once, counts and plurals that match."""

from __future__ import annotations

from datetime import date

from bot.console.render import render_text
from bot.console.repl import answer_line
from bot.facts import Article, ArticleFacts, Entity, Quote, Result
from bot.queries.catalogue import command_table
from bot.queries.server import show_settings, update_settings
from bot.schedule.calendar import load_calendar
from bot.schedule.outbox import get_settings, sync_plan
from bot.schedule.planning import plan_posts
from bot.text import HEADLINE_CHARS, headline
from tests.helpers import put_article
from tests.queries.conftest import INGESTED_AT, NOW

LONG_SENTENCE = (
    "Marta Quillon claimed pole position for the Harbourside Six Hours with a new qualifying "
    "record in the #44 Velox, praising the balance of the car after a tense session."
)


def test_headline_cuts_a_long_first_sentence_at_a_word():
    cut = headline(LONG_SENTENCE)

    assert cut.endswith("…")
    assert len(cut) <= HEADLINE_CHARS
    assert LONG_SENTENCE.startswith(cut[:-1])
    assert LONG_SENTENCE[len(cut) - 1] == " ", "cut between words"


def test_headline_keeps_a_short_title_without_its_full_stop():
    assert headline("Blomqvist joins the team for 2024.") == "Blomqvist joins the team for 2024"
    assert headline("Who wins at Sebring?") == "Who wins at Sebring?"


async def _store_with(qs, title_sentence: str, quotes: int):
    """Add an article (title = its long first sentence) with several quotes by one speaker."""
    body = "\n".join(
        [
            title_sentence,
            *(f"“Quote number {n} about the record lap,” said Quillon." for n in range(quotes)),
        ]
    )
    facts = ArticleFacts(
        quotes=[
            Quote("Marta Quillon", f"Quote number {n} about the record lap", n + 1)
            for n in range(quotes)
        ],
        results=[
            Result("pole", 1, "44", ("Marta Quillon",), None, "Harbourside Six Hours", "1:33.1", 0)
        ],
        entities=[Entity("person", "Marta Quillon")],
    )
    article = Article("quillon.txt", title_sentence, body, date(2024, 3, 1))
    return await put_article(
        qs.store, article, facts, path="quillon.txt", fingerprint="q", now=INGESTED_AT
    )


async def _console(qs, line: str) -> str:
    answer, problem = await answer_line(qs, command_table(), line)
    assert answer is not None, problem
    return render_text(answer, now=NOW)


async def test_quotes_cite_their_article_once(qs):
    article_id = await _store_with(qs, LONG_SENTENCE, quotes=6)

    text = await _console(qs, "/quote speaker:Quillon")

    assert text.count(headline(LONG_SENTENCE)) == 1, text
    assert LONG_SENTENCE not in text
    assert text.count(f"article {article_id}") == 7  # under each of the 6 quotes and once cited


async def test_search_headings_are_headlines_without_stray_punctuation(qs):
    await _store_with(qs, "Quillon sets a qualifying record at Harbourside.", quotes=1)

    text = await _console(qs, "/search query:Harbourside")

    assert "Quillon sets a qualifying record at Harbourside:" in text
    assert ".:" not in text


async def test_article_counts_what_it_shows_with_correct_plurals(qs):
    article_id = await _store_with(qs, LONG_SENTENCE, quotes=1)

    answer, _ = await answer_line(qs, command_table(), f"/article id:{article_id}")

    assert answer is not None and answer.ok
    assert answer.title == headline(LONG_SENTENCE)
    assert "2 facts found: 1 quote, 0 line-ups, 1 result." in answer.description
    assert answer.data["facts"]["results"] == len(answer.data["results"][0]["results"])


async def test_quote_count_says_how_many_more_than_shown(qs):
    await _store_with(qs, LONG_SENTENCE, quotes=12)

    answer, _ = await answer_line(qs, command_table(), "/quote speaker:Quillon")

    assert answer is not None
    shown = len(answer.data["quotes"])
    assert shown == 10
    assert answer.description == "12 quotes found; showing 10, latest first, and 2 more."


async def test_settings_show_relative_times_once_in_parentheses(services):
    await update_settings(services, 4242, channel_id=777)
    settings = await get_settings(services.store, 4242)
    calendar = load_calendar(services.config.calendar_file)
    now = services.clock.now()
    await sync_plan(services.store, plan_posts(settings, calendar, start=now), now)

    text = render_text(await show_settings(services, 4242), now=services.clock.now())

    assert "(in " in text
    assert "((" not in text and "))" not in text


async def test_quotes_about_a_topic_come_from_the_articles_about_it_when_none_says_it(qs):
    about = await _store_with(qs, "Quillon sets a lap record at Harbourside", quotes=2)
    other = Article(
        "other.txt", "Rain expected at the weekend", "Rain expected.\n“It will be wet,” said Rye."
    )
    await put_article(
        qs.store,
        other,
        ArticleFacts(quotes=[Quote("Ivo Rye", "It will be wet", 1)]),
        path="other.txt",
        fingerprint="o",
        now=INGESTED_AT,
    )

    answer, _ = await answer_line(qs, command_table(), '/quote about:"lap record harbourside"')

    assert answer is not None and answer.ok
    assert "No quote says “lap record harbourside”" in answer.description
    assert {q["source"]["article_id"] for q in answer.data["quotes"]} == {about}
    assert len(answer.data["quotes"]) == 2

"""Rule-based extraction of quotes, lineups, results and entities from motorsport articles."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import replace
from datetime import date

from bot.extraction.aliases import DEFAULT_ALIASES_PATH, Aliases, Found, load_aliases
from bot.extraction.document import ORG_NAME, Caption, Document, analyse
from bot.extraction.events import article_season, find_event, find_season, is_championship
from bot.extraction.gaps import add_gaps
from bot.extraction.labels import CarLabel, car_labels
from bot.extraction.lineups import Crew, assign_cars, one_driver_cars
from bot.extraction.quotes import extract_quotes
from bot.extraction.results import ResultFinder
from bot.extraction.text import Span, collapse, find_cars
from bot.facts import Article, ArticleFacts, Entity, Lineup, Quote, Result

__all__ = ["DEFAULT_ALIASES_PATH", "Aliases", "extract", "find_lineups", "load_aliases"]

log = logging.getLogger(__name__)

MIN_CREW = 2
TEAM_BEFORE_CAR_CHARS = 4
"""The most text between a team and the car number it owns ('Penske’s #7')."""
LINEUP_TEAM_NEAR_CHARS = 60
"""Characters at most between a line-up's car number and the team named after it."""

_CAR_MODEL = re.compile(
    r"\b([A-Z][^\W\d_]+)\s+((?:[A-Z]\s)?[A-Z0-9][\w]*(?:[.\-]\w+)+|\d{3}[A-Za-z]?\b|"
    r"[A-Z]+\d\w*(?:\s+[A-Z]+\d[\w.]*)?)"
)


def extract(
    article: Article, *, aliases: Aliases | None = None, known_people: Collection[str] = ()
) -> ArticleFacts:
    """Return the quotes, lineups, results and entities stated in an article.

    Three stages: mentions (`analyse`: quotes, sentences, people, cars, teams), candidates and
    decisions per kind of fact (crews and their cars, quotes and their speakers, results).
    """
    aliases = aliases or Aliases()
    document = analyse(article.paragraphs, aliases, known_people)
    crews = assign_cars(document)
    quotes = extract_quotes(document)
    published = article.published
    if published is None:
        season = article_season(article.paragraphs)
        published = date(season, 12, 31) if season else None
    lineups = find_lineups(document, crews, published)
    results = add_gaps(document, ResultFinder(document, crews, published).find())
    entities = _entities(document, quotes, lineups, results)
    log.debug(
        "extracted %d quotes, %d lineups, %d results from %s",
        len(quotes), len(lineups), len(results), article.source,
    )  # fmt: skip
    return ArticleFacts(quotes=quotes, lineups=lineups, results=results, entities=entities)


def find_lineups(
    document: Document, crews: list[list[Crew]], published: date | None
) -> list[Lineup]:
    """Return the line-ups of captions and of the crews read in prose (with a car each)."""
    min_crew = 1 if one_driver_cars(document) else MIN_CREW
    lineups = _caption_lineups(document, published)
    lineups += _prose_lineups(document, crews, published, min_crew)
    return _first_car_only(_with_labels(document, lineups, published, min_crew))


def _first_car_only(lineups: list[Lineup]) -> list[Lineup]:
    """Drop a driver the article tied to another car first from a car stated without them.

    '#888 Lowndes/Richards' under '#1 Whincup/Dumbrell', then 'Lowndes joins either Whincup or
    van Gisbergen' near the #888: Whincup stays in the #1, and the #888 keeps its own crew.
    """
    first_car: dict[tuple[str, int | None], str] = {}
    for lineup in sorted(lineups, key=lambda x: x.paragraph):
        for driver in lineup.drivers:
            first_car.setdefault((driver, lineup.season), lineup.car)
    kept = []
    for lineup in lineups:
        others = [x for x in lineups if x.car == lineup.car and x is not lineup]
        drivers = tuple(
            d
            for d in lineup.drivers
            if first_car[(d, lineup.season)] == lineup.car
            or not any(d not in x.drivers for x in others)
        )
        if drivers:
            kept.append(replace(lineup, drivers=drivers) if drivers != lineup.drivers else lineup)
    return kept


def _with_labels(
    document: Document, lineups: list[Lineup], published: date | None, min_crew: int
) -> list[Lineup]:
    """Add the drivers speaker labels tie to a car ('A, #51 AF Corse: “…”', 'B / #51 …').

    A label names one driver; the drivers labels give one car make its line-up when there are
    enough of them, or join the line-up the article states for that car otherwise.
    """
    by_car: dict[str, list[CarLabel]] = {}
    for label in car_labels(document):
        by_car.setdefault(label.car, []).append(label)
    for car, labels in by_car.items():
        drivers = tuple(dict.fromkeys(label.person for label in labels))
        stated = [k for k, lineup in enumerate(lineups) if lineup.car == car]
        for k in stated:
            joined = tuple(dict.fromkeys(lineups[k].drivers + drivers))
            lineups[k] = replace(lineups[k], drivers=joined)
        if not stated and len(drivers) >= min_crew:
            lineups.append(
                Lineup(
                    car=car,
                    team=_caption_team_of(document, labels[0].text),
                    drivers=drivers,
                    paragraph=labels[0].paragraph,
                    season=find_season("", published),
                    evidence=" … ".join(dict.fromkeys(label.text for label in labels)),
                )
            )
    return lineups


def _caption_team_of(document: Document, text: str) -> str | None:
    """Return the team a label or caption names, if it names a known one."""
    teams = document.aliases.find_teams(text)
    return teams[0].canonical if teams else None


def _race(event: str | None) -> str | None:
    """Return an event only when it is a race (a lineup is not entered in a championship)."""
    return None if is_championship(event) else event


def car_model(text: str) -> str | None:
    """Return a make and model named in a text (a capitalised word and a model code)."""
    match = _CAR_MODEL.search(text)
    return f"{match.group(1)} {match.group(2)}" if match else None


def _caption_team(document: Document, caption: Caption) -> str | None:
    teams = document.aliases.find_teams(caption.header)
    if teams:
        return teams[0].canonical
    first = caption.header.split(",")[0].strip()
    org = ORG_NAME.search(first)
    if org:
        return document.aliases.canonical_team(org.group())
    return None


def _caption_lineups(document: Document, published: date | None) -> list[Lineup]:
    lineups = []
    for caption in document.captions:
        drivers = tuple(document.resolver.resolve(d) for d in caption.drivers)
        lineups.append(
            Lineup(
                car=caption.car,
                team=_caption_team(document, caption),
                drivers=drivers,
                paragraph=caption.paragraph,
                car_model=car_model(caption.header),
                season=find_season("", published),
                event=None,
                evidence=collapse(caption.text),
            )
        )
    return lineups


def _prose_lineups(
    document: Document, crews: list[list[Crew]], published: date | None, min_crew: int
) -> list[Lineup]:
    merged: dict[tuple[int, str], Lineup] = {}
    for index, sentence_crews in enumerate(crews):
        sentence = document.sentences[index]
        for crew in sentence_crews:
            if crew.car is None or len(crew.names) < min_crew:
                continue
            car_span = next((c for c in sentence.cars if c.text == crew.car), None)
            description = sentence.text[car_span.end : car_span.end + 80] if car_span else ""
            team = _lineup_team(sentence.teams, car_span)
            key = (sentence.paragraph, crew.car)
            previous = merged.get(key)
            drivers = tuple(crew.names)
            if previous is not None:
                drivers = tuple(dict.fromkeys(previous.drivers + drivers))
            merged[key] = Lineup(
                car=crew.car,
                team=team or (previous.team if previous else None),
                drivers=drivers,
                paragraph=previous.paragraph if previous else sentence.paragraph,
                car_model=car_model(description) or (previous.car_model if previous else None),
                season=find_season(
                    sentence.text,
                    published,
                    car_span.start if car_span else 0,
                    whole_sentence=True,
                ),
                event=_race(find_event(sentence.text, document.aliases, prefer_race=True))
                or (previous.event if previous else None),
                evidence=_joined_evidence(previous.evidence if previous else None, sentence.text),
            )
    return list(merged.values())


def _joined_evidence(before: str | None, sentence: str) -> str:
    """Return the sentences a line-up was read from, in order, each once."""
    text = collapse(sentence)
    if before is None or text in before:
        return before or text
    return f"{before} … {text}"


def _lineup_team(teams: list[Found], car_span: Span | None) -> str | None:
    """Return the team named closest after a car number, or right before it ('Penske's #7').

    A team further before the number is another car's ('the #311 Action Express car and
    the #3 car').
    """
    if car_span is None:
        return None
    near = [
        t
        for t in teams
        if 0 <= t.start - car_span.end < LINEUP_TEAM_NEAR_CHARS
        or 0 <= car_span.start - t.end <= TEAM_BEFORE_CAR_CHARS
    ]
    return min(near, key=lambda t: abs(t.start - car_span.end)).canonical if near else None


def _entities(
    document: Document, quotes: list[Quote], lineups: list[Lineup], results: list[Result]
) -> list[Entity]:
    people: dict[str, set[str]] = {}
    for sentence in document.sentences:
        for person in sentence.people:
            if person.name and (len(person.name.split()) > 1 or person.text != person.name):
                people.setdefault(person.name, set()).add(person.text)
    for name in [q.speaker for q in quotes] + [d for x in lineups + results for d in x.drivers]:
        if name:
            people.setdefault(name, set()).add(name)
    teams: dict[str, set[str]] = {}
    events: dict[str, set[str]] = {}
    cars: dict[str, set[str]] = {}
    for paragraph in document.masked:
        for found in document.aliases.find_teams(paragraph):
            teams.setdefault(found.canonical, set()).add(found.text)
        for found in document.aliases.find_events(paragraph):
            events.setdefault(found.canonical, set()).add(found.text)
        for car in find_cars(paragraph):
            cars.setdefault(f"#{car.text}", set()).add(
                " ".join(paragraph[car.start : car.end].split())
            )
    for item in lineups + results:
        if item.team:
            teams.setdefault(item.team, set()).add(item.team)
    entities = [_entity("person", n, v) for n, v in people.items()]
    entities += [_entity("team", n, v) for n, v in teams.items()]
    entities += [_entity("car", n, v) for n, v in cars.items()]
    entities += [_entity("event", n, v) for n, v in events.items()]
    return entities


def _entity(kind: str, name: str, variants: set[str]) -> Entity:
    aliases = tuple(sorted(v for v in variants if v != name))
    return Entity(kind=kind, name=name, aliases=aliases)  # type: ignore[arg-type]

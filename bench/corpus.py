"""A deterministic, seeded article corpus of any size, grown from the seed and dev articles.

Every generated article is one of the template articles (``seeds/articles`` and, when present,
``../shared/corpus/dev/articles``) with its people swapped for invented drivers from a fixed
roster, its car numbers remapped, its date (and the years in its text) moved, and its event
names swapped for other known events, so extraction has real work on every article and the
store fills with many distinct people, cars, seasons and events. Files are written in the seed
format (``date YYYY-MM-DD`` then the text) as ``.txt``.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.articles import Article, read_article
from bot.extraction import extract, load_aliases

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_ARTICLES = REPO_ROOT / "seeds" / "articles"
DEV_ARTICLES = REPO_ROOT.parent / "shared" / "corpus" / "dev" / "articles"
ALIASES_FILE = REPO_ROOT / "seeds" / "aliases.toml"
ROSTER_SIZE = 1_200
FIRST_DAY = date(2012, 1, 1)
DAYS = 14 * 365

_ONSETS = [
    "b",
    "br",
    "c",
    "ch",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "kr",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "r",
    "s",
    "sh",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "z",
]
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "ie", "ou", "y"]
_CODAS = ["", "", "", "n", "r", "s", "l", "t", "ck", "nd", "rt", "m", "x", "ll", "ng"]
_ENDINGS = ["", "", "", "", "son", "ski", "ova", "etti", "ström", "ard", "ez", "ini", "ley"]


def _invented(rng: random.Random, syllables: int, ending: str = "") -> str:
    """Return an invented name of `syllables` syllables."""
    parts = [
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
    ]
    return ("".join(parts) + ending).capitalize()


def _pool(seed: int, size: int, syllables: tuple[int, ...], endings: list[str]) -> list[str]:
    """Return `size` distinct invented names."""
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < size:
        names.add(_invented(rng, rng.choice(syllables), rng.choice(endings)))
    return sorted(names)


FIRST_NAMES = _pool(1, 300, (1, 2, 2), [""])
LAST_NAMES = _pool(2, 1_500, (2, 2, 3), _ENDINGS)
_CAR = re.compile(r"(#|\bNo\. |\bNr\. |\bcar )(\d{1,3})\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


@dataclass(frozen=True, slots=True)
class Template:
    """One template article: its text, date and the people and events to swap."""

    name: str
    body: str
    published: date
    people: tuple[str, ...]
    events: tuple[str, ...]


def template_files() -> list[Path]:
    """Return the seed articles and, when present, the dev articles."""
    files = sorted(SEED_ARTICLES.glob("*.txt"))
    if DEV_ARTICLES.is_dir():
        files += sorted(DEV_ARTICLES.glob("*.txt"))
    return files


def load_templates() -> list[Template]:
    """Read the templates and find the people and event names in each (by extraction)."""
    aliases = load_aliases(ALIASES_FILE)
    variants = sorted(
        {v for canonical, names in _event_groups().items() for v in (canonical, *names)},
        key=len,
        reverse=True,
    )
    templates = []
    for path in template_files():
        article: Article = read_article(path)
        facts = extract(article, aliases=aliases)
        people: set[str] = set()
        for entity in facts.entities:
            if entity.kind == "person":
                people.update(n for n in (entity.name, *entity.aliases) if len(n.split()) >= 2)
        events = tuple(v for v in variants if v in article.body)
        templates.append(
            Template(
                name=path.stem,
                body=article.body,
                published=article.published or date(2023, 6, 1),
                people=tuple(sorted(people, key=len, reverse=True)),
                events=events,
            )
        )
    return templates


def _event_groups() -> dict[str, list[str]]:
    """Return the event names and their variants from the aliases file."""
    import tomllib

    data = tomllib.loads(ALIASES_FILE.read_text(encoding="utf-8"))
    return {str(k): list(v) for k, v in data.get("events", {}).items()}


def _alias_words() -> set[str]:
    """Return the words of team and event names ('Shank' of Meyer Shank Racing): kept as is."""
    import tomllib

    data = tomllib.loads(ALIASES_FILE.read_text(encoding="utf-8"))
    words: set[str] = set()
    for section in ("teams", "events"):
        for canonical, variants in data.get(section, {}).items():
            for name in (canonical, *variants):
                words.update(re.findall(r"[^\W\d_]+", name))
    return words


def roster(rng: random.Random, size: int = ROSTER_SIZE) -> list[str]:
    """Return `size` distinct invented driver names."""
    names: set[str] = set()
    while len(names) < size:
        names.add(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
    return sorted(names)


class CorpusGenerator:
    """Generate article texts from the templates with a seeded random generator."""

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        self.templates = load_templates()
        rng = random.Random(seed)
        self.roster = roster(rng)
        self.events = _event_groups()
        self.reserved = _alias_words()

    def article(self, number: int) -> tuple[str, str]:
        """Return the file name and text of article `number` (the same for a seed and number)."""
        rng = random.Random(self.seed * 1_000_003 + number)
        template = self.templates[number % len(self.templates)]
        body = template.body
        replacements: dict[str, str] = {}
        chosen = rng.sample(self.roster, k=min(len(template.people), len(self.roster)))
        for person, invented in zip(template.people, chosen, strict=False):
            old_first, *_, old_last = person.split()
            new_first, new_last = invented.split()
            replacements.setdefault(person, invented)
            if old_last not in self.reserved:
                replacements.setdefault(old_last, new_last)
            if len(old_first) > 3 and old_first not in self.reserved:
                replacements.setdefault(old_first, new_first)
        groups = list(self.events.items())
        for event in template.events:
            canonical, variants = rng.choice(groups)
            replacements.setdefault(event, rng.choice([canonical, *variants]))
        if replacements:
            keys = sorted(replacements, key=len, reverse=True)
            pattern = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b")
            body = pattern.sub(lambda m: replacements[m.group()], body)
        cars: dict[str, str] = {}

        def car(match: re.Match[str]) -> str:
            number_text = match.group(2)
            if number_text not in cars:
                new = rng.randint(1, 99)
                cars[number_text] = f"{new:02d}" if number_text.startswith("0") else str(new)
            return match.group(1) + cars[number_text]

        body = _CAR.sub(car, body)
        published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        shift = published.year - template.published.year
        body = _YEAR.sub(lambda m: str(int(m.group()) + shift), body)
        name = f"{number:06d}_{template.name}.txt"
        return name, f"date {published.isoformat()} {body}\n"

    def write(self, folder: Path, count: int) -> list[Path]:
        """Write `count` articles into `folder` and return their paths."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for number in range(count):
            name, text = self.article(number)
            path = folder / name
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths

    def texts(self, count: int) -> list[tuple[str, str]]:
        """Return `count` (name, text) pairs without writing them."""
        return [self.article(number) for number in range(count)]

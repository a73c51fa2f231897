"""A store of hand-made facts in the style of real articles (invented people, teams, events)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.clock import OffsetClock
from bot.config import Config, parse_config
from bot.facts import Article, ArticleFacts, Entity, Lineup, Quote, Result
from bot.services import Services
from bot.store import Store
from tests.helpers import put_article

REPO = Path(__file__).resolve().parents[2]
INGESTED_AT = datetime(2024, 1, 24, 9, 0, tzinfo=UTC)
NOW = datetime(2024, 1, 25, 12, 0, tzinfo=UTC)

HXR = "Harbor Express Racing"
CGR = "Cole Granata Racing"
MSR = "Meadow Shank Racing"
BRIGHT = "Brightline Motorsport"
SUNFIELD = "Solaris 24 At Sunfield"
CHAMPIONSHIP = "IMSA SportsCar Championship"

TEAMS = (
    Entity("team", HXR, ("HXR", "Harbor Express", "Whalen Engineering Racing")),
    Entity("team", CGR, ("CGR", "Granata", "Cole Granata")),
    Entity("team", MSR, ("MSR",)),
    Entity("team", BRIGHT, ()),
)
EVENTS = (
    Entity(
        "event",
        SUNFIELD,
        ("Solaris 24", "24 Hours of Sunfield", "24h of Sunfield", "Sunfield 24 Hours"),
    ),
    Entity("event", "Ridgeview Grand Finale", ("Motul Ridgeview Grand Finale",)),
    Entity("event", CHAMPIONSHIP, ("IMSA WeatherTech SportsCar Championship",)),
)


def people(*names: str) -> list[Entity]:
    """Return person entities."""
    return [Entity("person", name) for name in names]


@dataclass(frozen=True)
class Story:
    """One hand-made article with its facts."""

    path: str
    published: date | None
    paragraphs: tuple[str, ...]
    facts: ArticleFacts

    @property
    def article(self) -> Article:
        """Return the article value."""
        body = "\n".join(self.paragraphs)
        return Article(
            source=self.path,
            title=self.paragraphs[0],
            body=body,
            published=self.published,
            url=f"https://example.test/{self.path}",
        )


TITLE_2023 = Story(
    "title-2023.txt",
    date(2023, 10, 1),
    (
        "Aurelia V-Series.R wins its first title at the Ridgeview Grand Finale",
        "The Aurelia V-Series.R took the IMSA SportsCar Championship crown at Ridgeview.",
        "Thanks to fourth place for Luca Ferraz, Alasdair Simms and Jonah Aldine in the #31 of "
        "Harbor Express Racing, the crown arrives for them as drivers.",
        "#31 Whalen Engineering Racing Aurelia V-LMDh: Luca Ferraz, Alasdair Simms, Jonah Aldine",
        "“It's been an incredible season, up and down, but growing when it counted,” said Ferraz.",
        "“I felt a bit like the third wheel at times, but the car was mighty,” said Simms.",
        "“Alasdair really underestimated himself as always,” said Aldine.",
    ),
    ArticleFacts(
        quotes=[
            Quote(
                "Luca Ferraz",
                "It's been an incredible season, up and down, but growing when it counted.",
                4,
            ),
            Quote(
                "Alasdair Simms",
                "I felt a bit like the third wheel at times, but the car was mighty.",
                5,
            ),
            Quote("Jonah Aldine", "Alasdair really underestimated himself as always.", 6),
        ],
        lineups=[
            Lineup(
                "31",
                HXR,
                ("Luca Ferraz", "Alasdair Simms", "Jonah Aldine"),
                2,
                car_model="Aurelia V-LMDh",
            ),
            Lineup(
                "31",
                HXR,
                ("Luca Ferraz", "Alasdair Simms", "Jonah Aldine"),
                3,
                car_model="Aurelia V-LMDh",
            ),
        ],
        results=[
            Result(
                "title",
                1,
                "31",
                ("Luca Ferraz", "Alasdair Simms", "Jonah Aldine"),
                HXR,
                f"2023 {CHAMPIONSHIP}",
                None,
                1,
                season=2023,
            ),
            Result(
                "finish",
                4,
                "31",
                ("Luca Ferraz", "Alasdair Simms", "Jonah Aldine"),
                HXR,
                "2023 Ridgeview Grand Finale",
                None,
                2,
            ),
        ],
        entities=[*TEAMS, *EVENTS, *people("Luca Ferraz", "Alasdair Simms", "Jonah Aldine")],
    ),
)

SIGNING = Story(
    "signing.txt",
    date(2023, 10, 19),
    (
        "Lindqvist joins Harbor Express Racing for the 2024 endurance rounds",
        "Harbor Express Racing has announced Tobias Lindqvist will join Luca Ferraz and Jonah "
        "Aldine in the #31 Aurelia V-Series.R for the 2024 endurance rounds.",
        "Lindqvist helped lead Meadow Shank Racing to victory at the Ridgeview Grand Finale "
        "in the #60 with Colm Brann and Elio Castaneda.",
        "“We're thrilled that Tobias is going to join our team,” said team manager Gary Nolan.",
    ),
    ArticleFacts(
        quotes=[Quote("Gary Nolan", "We're thrilled that Tobias is going to join our team.", 3)],
        lineups=[
            Lineup(
                "31",
                HXR,
                ("Tobias Lindqvist", "Luca Ferraz", "Jonah Aldine"),
                1,
                car_model="Aurelia V-Series.R",
                season=2024,
            ),
            Lineup("60", MSR, ("Tobias Lindqvist", "Colm Brann", "Elio Castaneda"), 2),
        ],
        results=[
            Result(
                "win",
                1,
                "60",
                ("Tobias Lindqvist", "Colm Brann", "Elio Castaneda"),
                MSR,
                "2023 Ridgeview Grand Finale",
                None,
                2,
            ),
        ],
        entities=[*TEAMS, *people("Tobias Lindqvist", "Luca Ferraz", "Jonah Aldine")],
    ),
)

PREVIEW_2024 = Story(
    "preview-2024.txt",
    date(2024, 1, 16),
    (
        "The Aurelia V8 already roars before the 24h of Sunfield",
        "The prototypes of Cole Granata Racing and Harbor Express Racing attack the GTP class.",
        "The spotlight is on the #31 of HXR, entrusted to Luca Ferraz, Jonah Aldine and Tobias "
        "Lindqvist, while on the #01 of CGR we will see Sébastien Bourdin, Reinout Van Der Berg, "
        "Scott Dunmore and the news Alex Paloma.",
        "Brightline Motorsport brings back the #1 for Mara Quint and Teo Vance.",
        "“I hit the reset button the Monday after the last race,” says Chris Mattox.",
        "Photo: #01: Cole Granata Racing, Aurelia V-Series.R, GTP: Reinout van der Berg, "
        "Sebastien Bourdin, Scott Dunmore",
    ),
    ArticleFacts(
        quotes=[Quote("Chris Mattox", "I hit the reset button the Monday after the last race.", 4)],
        lineups=[
            Lineup("31", HXR, ("Luca Ferraz", "Jonah Aldine", "Tobias Lindqvist"), 2),
            Lineup(
                "01",
                CGR,
                ("Sébastien Bourdin", "Reinout Van Der Berg", "Scott Dunmore", "Alex Paloma"),
                2,
            ),
            Lineup("1", BRIGHT, ("Mara Quint", "Teo Vance"), 3),
            Lineup(
                "01",
                CGR,
                ("Reinout van der Berg", "Sebastien Bourdin", "Scott Dunmore"),
                5,
                car_model="Aurelia V-Series.R",
            ),
        ],
        results=[
            Result("title", 1, "31", (), HXR, f"2023 {CHAMPIONSHIP}", "fresh from the title", 2),
        ],
        entities=[*TEAMS, *EVENTS, *people("Luca Ferraz", "Sébastien Bourdin", "Mara Quint")],
    ),
)

POLE_2024 = Story(
    "pole-2024.txt",
    date(2024, 1, 23),
    (
        "Ferraz praises car balance en route to new track record",
        "Champion Luca Ferraz claimed the first pole of the 2024 season for Harbor Express "
        "Racing after establishing a new qualifying record.",
        "Ferraz took pole position for the 24 Hours of Sunfield with his time of 1:32.656.",
        "“Obviously, the Aurelia was flying out there today,” he said.",
        "Sebastien Bourdin put the Granata-run #01 second; just 0.071 separated them.",
        "“The car felt on rails, and it was nice to feel the full potential of GTP,” Ferraz added.",
    ),
    ArticleFacts(
        quotes=[
            Quote("Luca Ferraz", "Obviously, the Aurelia was flying out there today.", 3),
            Quote(
                "Luca Ferraz",
                "The car felt on rails, and it was nice to feel the full potential of GTP.",
                5,
            ),
        ],
        results=[
            Result(
                "pole",
                1,
                "31",
                ("Luca Ferraz",),
                "Whalen Engineering Aurelia",
                "2024 24 Hours of Sunfield qualifying",
                "1:32.656",
                2,
            ),
            Result(
                "finish",
                2,
                "01",
                ("Sebastien Bourdin",),
                CGR,
                "2024 24 Hours of Sunfield qualifying",
                "0.071 behind pole",
                4,
            ),
        ],
        entities=[*TEAMS, *EVENTS, *people("Luca Ferraz", "Sebastien Bourdin")],
    ),
)

RETURN_2021 = Story(
    "return-2021.txt",
    date(2021, 2, 11),
    (
        "No. 48 Aurelia DPi likely to return after Solaris 24 podium",
        "The No. 48 Aurelia fielded by Harbor Express Racing at the Solaris 24 At Sunfield is "
        "likely to return.",
        "After finishing second with Jimmie Jansen, Simon Pagnol, Kenji Kobara and Mike "
        "Rockwell, the team is preparing for more endurance races.",
        "“We're pushing very hard for it and really want to do it,” Gary Nolan told reporters.",
    ),
    ArticleFacts(
        quotes=[Quote("Gary Nolan", "We're pushing very hard for it and really want to do it.", 3)],
        lineups=[
            Lineup(
                "48",
                HXR,
                ("Jimmie Jansen", "Simon Pagnol", "Kenji Kobara", "Mike Rockwell"),
                2,
                season=2021,
                event=SUNFIELD,
            ),
        ],
        results=[
            Result(
                "finish",
                2,
                "48",
                ("Jimmie Jansen", "Simon Pagnol", "Kenji Kobara", "Mike Rockwell"),
                HXR,
                f"2021 {SUNFIELD}",
                None,
                2,
            ),
        ],
        entities=[*TEAMS, *EVENTS],
    ),
)

CROWD_2022 = Story(
    "crowd-2022.txt",
    date(2022, 6, 1),
    (
        "Record crowd expected at Ridgeview",
        "Organisers expect a record crowd this weekend; the schedule has been changed.",
        "Qualifying moves to Saturday morning, and the paddock opens at dawn.",
        "Fans can meet Jonah Aldine at the autograph session.",
    ),
    ArticleFacts(entities=[*people("Jonah Aldine"), *EVENTS[1:2]]),
)

STORIES = (TITLE_2023, SIGNING, PREVIEW_2024, POLE_2024, RETURN_2021, CROWD_2022)


async def fill(store: Store, stories: tuple[Story, ...] = STORIES) -> dict[str, int]:
    """Write the stories into the store; return article ids by path."""
    ids = {}
    for story in stories:
        ids[story.path] = await put_article(
            store, story.article, story.facts, path=story.path, fingerprint="f", now=INGESTED_AT
        )
    return ids


def query_config(db: Path) -> Config:
    """Return a config pointing at a database file."""
    return parse_config({"paddock": {"database": str(db), "seeds": str(REPO / "seeds")}}, REPO)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Return the path of the fixture database."""
    return tmp_path / "p.db"


@pytest.fixture
async def qstore(db_path: Path) -> AsyncIterator[Store]:
    """Return a real SQLite store filled with the hand-made stories."""
    async with Store.open(db_path) as store:
        await fill(store)
        yield store


@pytest.fixture
async def article_ids(qstore: Store) -> dict[str, int]:
    """Return article ids by story path."""
    rows = await qstore.fetchall("SELECT id, path FROM articles")
    return {row["path"]: row["id"] for row in rows}


@pytest.fixture
def qs(qstore: Store, db_path: Path) -> Services:
    """Return services over the fixture store with a fixed clock."""
    return Services(qstore, query_config(db_path), OffsetClock(NOW))

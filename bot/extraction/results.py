"""Find outcomes stated as having happened: poles, wins, finishing places, titles, fastest laps."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from bot.extraction.aliases import Found as TeamFound
from bot.extraction.classes import car_classes, class_mentions, class_of
from bot.extraction.classification import detail_results, table_results
from bot.extraction.document import Document, PersonRef, Sentence
from bot.extraction.events import (
    GENERIC_EVENT,
    clause_bounds,
    find_event,
    find_season,
    is_championship,
    is_relative_past,
    known_events,
    refers_elsewhere,
)
from bot.extraction.lineups import Crew
from bot.extraction.literals import Gated, LiteralIndex
from bot.extraction.modality import (
    UNREAL_KINDS,
    has_cue,
    is_practice,
    is_running,
    is_unreal,
    local_clause,
    local_start,
)
from bot.extraction.result_words import result_words
from bot.extraction.sessions import QUALIFYING, RACE, is_qualifying, session_mentions, session_of
from bot.extraction.text import find_years, ordinal_value
from bot.extraction.titles import (
    is_headline,
    main_series,
    previous_season,
    title_event,
    title_scope,
)
from bot.facts import Result, ResultKind
from bot.text import CLAUSE_FULL_STOP

_IN_THE_CHAMPIONSHIP = (
    r"\s+(?:in|as)\s+(?:the\s+)?(?:[\w’'\-]+\s+){0,5}?"
    r"(?:championships?|champions?|titles?|standings|points)\b"
)
"""'prevailed in the overall team championship', 'prevailing as the year's champion': a title."""
ORD = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"\d{1,2}(?:st|nd|rd|th)|P\d{1,2})"
)
RACE_WORDS = r"(?:round|race|leg|event|opener|finale|heat|encounter|enduro)s?\b"
TITLE_NOUN = (
    r"(?:titles?|crowns?|championships?|Championships?|Cup|(?-i:Series)|"
    r"(?:class|category)\s+of\s+(?:the\s+)?(?:[\w\-]+\s+){0,3}(?:series|championship|ELMS|WEC))"
    r"(?!\s+(?-i:[A-Z][a-z][\w\-]*)|['’]s\s+(?:[\w\-]+\s+){0,3}?"
    r"(?:Hours?|race|round|Grand\s+Prix|E-?Prix|opener|finale|event)\b)"
    r"(?!(?:\s+(?-i:[A-Z][\w\-]*)){0,2}(?:\s+\([^()]{1,12}\))?\s+"
    r"(?:victory|victories|wins?|races?|rounds?|podiums?|"
    r"poles?|points|one-two|1-2|double|"
    r"standings|debut|start|event|"
    r"season|field|entry|lead|leaders?|campaign|contenders?|fight|battle|hopes?)\b)"
)
MAX_ACTOR_WORDS = 30
MAX_ACTOR_CHARS = 240
MAX_SENTENCE_CHARS = 3000
MAX_MERGE_LOOKBACK = 40
MIN_CREW = 2
PRONOUN_LOOKBACK = 3
OWNER_CAR_GAP = 40
ADJACENT_WORDS = 4
RESULT_TEAM_NEAR_CHARS = 40
"""Characters at most between a result's driver or car and the team it is read with."""
MAX_GENERIC_EVENTS = 32
"""The most distinct unaliased race names counted per article (bounds the work: linear)."""
SCOPE_AFTER_CHARS = 30
"""How far after a title phrase its scope may be named ('... title for drivers')."""

_DEMONYM = re.compile(
    r"\b[Tt]he\s+(?:\d{1,2}-year-old|[A-Z][a-z]+(?:ian|ish|ese|man|woman|ean|ard|ede|iard))\b"
)
SUBJECT_WORDS = 3
"""Words at most before a pronoun or descriptor that opens a sentence as its subject."""


@cache
def _descriptor() -> re.Pattern[str]:
    """Return the pattern of a noun phrase standing for a person ('The Warwick youngster')."""
    nouns = result_words().descriptor_nouns.pattern.pattern
    return re.compile(
        rf"{_DEMONYM.pattern}|\b[Tt]he\s+(?:\d{{1,2}}-year-old\s+|[A-Z][\w\-]+\s+)?(?:{nouns})"
    )


_QUALIFYING = re.compile(
    r"\bqualif|\bpole\b|\b\d+m\d{2}\.\d{3}s\b|\b\d:\d{2}\.\d{3}\b", re.IGNORECASE
)
_LEADING_ARTICLE = re.compile(r"\A(?:The|A|An)\s+")
_SESSION = re.compile(
    r"\b(?:qualif\w*|hyperpole|session|practice|warm-?up|test\w*|grid)\b", re.IGNORECASE
)
NEIGHBOUR_WINDOW = 60
_NEIGHBOUR = re.compile(
    r"(?:\s+in\s+(?:class|[A-Z][A-Z0-9]{1,4}))?\s*,?\s+(ahead\s+of|behind|to)\s+", re.IGNORECASE
)
_DEFINITE_EVENT = re.compile(
    r"\bthe\s+(?:\d{1,2}|six|eight|ten|twelve|twenty-four)[-\s]hours?\s+(?:event|race|enduro|"
    r"classic|contest|marathon)\b|\bthe\s+(?:season[-\s])?(?:finale|opener)\b",
    re.IGNORECASE,
)
_CHAMPION_LABEL = re.compile(r"champions?", re.IGNORECASE)
_LEADING_PARTICIPLE = re.compile(r"\A\W*(?:Having|After|Despite|Since)\b")
_PLACED_TO = re.compile(r"\s+(?:to|behind)\s")
_BEATEN = re.compile(r"\b(?:beat|of)\Z")
_AND_VERB = re.compile(r"\band\s+\Z")
_COORDINATED_VERB = re.compile(
    r"\band\s+(?:then\s+)?(?:[a-z]+ed|led|took|won|ran|held|kept|drove|made|came|went|got|"
    r"set|put|beat|caught|brought|stole|fought|overtook|swept|gave|had|was|were)\b"
)
_AND_CAR = re.compile(r",?\s+and\s+(?=(?:the\s+)?(?:#\s?|No\.\s?)\d)")
_THE_TEAM = re.compile(r"\b[Tt]he\s+(?:team|squad|outfit)\b(?!['’])")
_STANDINGS_BEFORE = re.compile(
    r"\b(?:championship|standings|table)\s+(?:in|at|on)\s+(?:the\s+)?\Z", re.IGNORECASE
)
_STANDINGS_AFTER = re.compile(
    r"(?:\s+(?:place|position))?\s+in\s+the\s+(?:[\w'’\-]+\s+){0,3}?"
    r"(?:championship|standings|points|table)\b",
    re.IGNORECASE,
)
_NAMED_GROUP = re.compile(
    r"\b(?!(?:The|This|That|These|Our|Their|His|Her|Its|A|An)\b)[A-Z][\w\-]+\s+"
    r"(?:crew|squad|team|pairing|trio|duo)\Z"
)
_INFINITIVE = re.compile(r"\bto\s+\Z")
_APPOSITIVE = re.compile(r",\s*(?:the|a|their|his|her|its)\s+\Z")
_APPOSITIVE_END = re.compile(r"\s*(?:(?:for|of|in|at|since|with)\b[^,;]{0,80})?[.,;]?\s*\Z")
_ORD_START = re.compile(rf"{ORD}\b", re.IGNORECASE)
_LAP_TIME = re.compile(r"\b\d:\d{2}\.\d{3}\b|\b\d+m\d{2}\.\d{3}(?:s\b)?")
_MARGIN = re.compile(r"\b\d+\.\d+(?:-second|\s+seconds?|s\b)")
_COLLECTIVE = re.compile(r"\b(?:pairing|duo|trio|foursome|quartet|crew|pair)\b", re.IGNORECASE)
_CLASS = re.compile(r"\bclass\s+(?:victory|win|pole|title)", re.IGNORECASE)
_EARLIER_TITLE = re.compile(
    r"\b(?:title|championship|crown)s?\s+in\s+((?:19|20)\d\d(?:(?:,\s*|,?\s+and\s+)(?:19|20)\d\d){0,9})\b",
    re.IGNORECASE,
)
_FOUR_DIGITS = re.compile(r"\d{4}")
_IN_PRACTICE = re.compile(
    r"\s+(?:fastest\s+|quickest\s+)?in\s+(?:the\s+)?(?:[\w\-]+\s+)?(?:practice|warm-?up|test)",
    re.IGNORECASE,
)
_IN_RACE = re.compile(
    r"\bwith\s+(?:[\w\-]+\s+){1,3}(?:to\s+go|remaining|left)\b|\b(?:was|were)\s+running\b",
    re.IGNORECASE,
)
TIMES_CHAMPION_CHARS = 40
"""How far before a title or label its career count may stand ('two-time winner')."""
_TIMES_CHAMPION = re.compile(
    r"\b(?:[\w]+-(?:time|race|win|event)|multiple)\s+(?:[A-Z][\w\-]*\s+){0,3}\Z", re.IGNORECASE
)
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)\b")
_GAP_STOP = re.compile(rf"[;:—–]|{CLAUSE_FULL_STOP}|,\s*(?:while|but|and|as|whereas)\b")
_ASIDE = re.compile(r",\s*(?:who|which|whose|where)\b[^,;.]{0,120},")
_AHEAD = re.compile(
    r"\b(?:ahead\s+of|over(?=\s+(?:the\s+)?(?:[A-Z#]|No\.))|clear\s+of|beat|beating|defeated|defeating|in\s+front\s+of|"
    r"holding\s+off|held\s+off|holds\s+off|seconds?\s+from|(?<=\ds)\s+from|"
    r"from(?=\s+(?:the\s+)?(?:#|No\.))|"
    r"edged(?:\s+out)?|edging(?:\s+out)?|edge\s+out|pipped|pipping|pip|pips|outpace|"
    r"bettered|bettering|outpaced|outqualified|headed\s+home)\s"
)
_PRACTICE = re.compile(r"\b(?:practice|testing|test|warm-?up)\b", re.IGNORECASE)
RUNNER_UP_WINDOW = 160
_WORD = re.compile(r"[\w'’\-.]+")
_NAME_WORD = re.compile(r"[^\W\d_]+")
_OVER = re.compile(
    r"\b(?:from|over|ahead\s+of|against|beating|behind|clear\s+of|in\s+front\s+of)\b", re.IGNORECASE
)
"""Words before a car that make it the one beaten, not the one that won."""
_ROUNDING_OUT = re.compile(
    r"\b(?:rounding|rounded|completing|completed)\s+(?:out\s+)?the\s+top[\s-]+"
    r"(three|five|ten|\d{1,2})\s+(?:were|was|are|is)\s+(?=[A-Z#]|No\.)",
    re.IGNORECASE,
)
"""'Rounding out the top-10 were A, B and C': the last places of the top in the list's order."""
MIN_ROUNDING_OUT = 2
LONG_TRIGGER_CHARS = 40
"""A phrase longer than this ('began with A driving away from the field after winning the
pole') gives way to a tighter one of the same kind inside it ('winning the pole')."""
_CLAUSE_TURN = re.compile(
    r"[;]|,\s*(?:while|whereas|although|but(?!\s+(?:also|then|still|eventually|ultimately|later)\b))\b"
)
"""A clause boundary an outcome's actor is never read across ('X led, but Y won').

'X took the win, but also secured the title': 'but also' goes on with the same subject."""
JOINED_CREW_WORDS = 12
"""Words at most between a team's outcome and the crew joined to it ('with A and B')."""
_JOINS_CREW = re.compile(
    r"\b(?:with|from|by)\s+(?:(?:their|its|his|her|the)\s+(?:[\w\-]+\s+)?"
    r"(?:trio|pair|duo|crew|quartet|foursome|line-?up|drivers)\s+of\s+)?\Z"
)
POSSESSOR_CHARS = 4
"""How far before an outcome phrase its possessive mark may stand ("Rast's sixth win")."""
_POSSESSOR = re.compile(r"['’]s?\s+\Z")
_DEFINITE = re.compile(r"(?<!,\s)\bthe\s+(?:[\w\-]+\s+){0,2}\Z", re.IGNORECASE)
"""'the polesitter', 'the Jaguar polesitter': a label that refers back, to no one named here."""
_INDEFINITE = re.compile(r"(?<!,\s)\ban?\s+(?:[\w\-]+\s+){0,6}\Z", re.IGNORECASE)
"""'has added a Formula One champion and Indy 500 winner to its line-up': no one named."""
_HOLDER_NOUN = re.compile(
    r"\b(?:champions?|winners?|pole-?sitters?|pole\s+sitters?|polesitters?)\Z", re.IGNORECASE
)
"""A phrase ending in a noun for its holder: a name right after it is the holder."""
_CHAMPION_WORD = re.compile(r"\bchampions?\b", re.IGNORECASE)
_HOLDER_BEFORE = re.compile(
    r"(?:\b(?:is|was|were|are|been|be|declared|named|crowned|became|emerged\s+as|emerges\s+as)"
    r"\s+(?:the\s+)?"
    r"|(?:[,–—(]\s*)an?\s+(?:[\w\-'’]+\s+){0,6}?)"
    r"(?:(?!(?:behind|ahead|of|from|to|with|by|over|past|passed|than|after|before)\b)[\w\-]+\s+){0,4}\Z",
    re.IGNORECASE,
)
"""'X was declared the winner', 'X, a 2016 Rolex 24 winner': the holder is named before."""
_DROP_VERB = r"(?:slipped|dropped|fell|sunk|sank)\s+(?:back\s+)?to"
_DROP = re.compile(rf"{_DROP_VERB}\b", re.IGNORECASE)
_FINISHED = re.compile(
    r"\b(?:finish(?:ed|ing)?|crossed\s+the\s+(?:finish\s+)?line|classified|at\s+the\s+flag|"
    r"(?:checkered|chequered)\s+flag)\b",
    re.IGNORECASE,
)
"""A drop ('slipped to fourth') is a final place only in a sentence about the finish."""
DROP_CHARS = 30
"""How far before a place the drop that led to it may be ('fell back to 4th place')."""
_DROP_BEFORE = re.compile(rf"\b{_DROP_VERB}\s+\Z", re.IGNORECASE)
ARTICLE_CHARS = 4
"""How far before a capitalised name an article may stand ('the Eifel Marathon', 'the ‘Green')."""
_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|an)\s*['‘’\"“]?\s*\Z", re.IGNORECASE)
BEATEN_SIDE_CHARS = 40
"""How far before a driver a word putting them on the beaten side may stand."""
_BEATEN_SIDE = re.compile(
    r"\b(?:from|over|ahead\s+of|against|than|passing|passed|overtaking|overtook|beating|beat|"
    r"clear\s+of|in\s+front\s+of)\s+(?:[\w'’\-]+\s+){0,3}?\Z",
    re.IGNORECASE,
)
"""'pressure from X', 'passing X': X is the rival of the clause's subject, not its actor."""
_LIST_GAP = re.compile(
    r"(?:\s*\([^()]{0,60}\))?\s*(?:,|,?\s+and|&|/)\s+(?:the\s+)?(?:[A-Z][\w\-]*\s+){0,3}"
)
"""What may stand between two mentions of one list: a comma or 'and', an article, a make."""
_ONE_WORD = re.compile(r"[\w\-]+")
_PLURAL = re.compile(r"(?:they|their)\b", re.IGNORECASE)
_OWN_CAR = re.compile(r"\b(?:his|her|their|its)\s+(?:[\w\-]+\s+)?(?:#\s?|No\.\s?)(\d{1,3})\b")


@dataclass(frozen=True, slots=True)
class Trigger:
    """A phrase stating an outcome, and which way its subject lies (before or after it)."""

    kind: ResultKind
    position: int | None
    start: int
    end: int
    after: bool = False
    allow_future: bool = False
    reach: int = 4
    only_after: bool = False
    grid: bool = False
    rule: int = -1
    """Which outcome pattern stated it (its index in PATTERNS)."""
    label: bool = False
    """A noun naming its holder ('the polesitter'), not a verb."""


@dataclass(frozen=True, slots=True)
class _Pattern:
    kind: ResultKind
    regex: re.Pattern[str]
    position: int | None = 1
    after: bool = False
    allow_future: bool = False
    reach: int = 4
    only_after: bool = False
    label: bool = False
    """A noun naming its holder ('winner Nora Falk'): only the words right before it govern it."""
    grid: bool = False
    """A place on the starting grid ('started third'): a qualifying place."""


def _compile(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


WENT_TO = r"\s+(?:went|goes|fell|(?:has|have|had)\s+gone)\s+to\b"
MARGIN = (
    r"(?:\d+(?:\.\d+)?(?:s|\s+seconds?|-seconds?)|(?:a|one|two|three|four|five|\d{1,2})\s+laps?)"
)
CLASS_WORDS = (
    r"(?:\s+(?:in|of)\s+(?:the\s+)?(?:class|(?-i:[A-Z][A-Z0-9]{1,4}(?:\s+[A-Z][A-Z0-9]{1,4})?)))?"
)
LATER_PLACE = r"(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|P\d{1,2})"
_NOT_BEFORE_PLACE = (
    "for", "to", "the", "a", "in", "of", "into", "from", "its", "his", "her", "their", "up",
    "at", "every", "each",
)  # fmt: skip
_NOT_A_PLACE = "".join(rf"(?<!\b{w}\s)" for w in _NOT_BEFORE_PLACE)

PATTERNS: tuple[_Pattern, ...] = (
    _Pattern(
        "finish",
        _compile(r"\A\s*(?:P\d{1,2}|\d{1,2}(?:st|nd|rd|th)?\.?)(?=\s*[–—:\-.]?\s*(?:#|No\.))"),
        position=None,
        after=True,
    ),
    _Pattern(
        "finish",
        _compile(
            rf"\A\s*{ORD}(?=\s*[–—:\-]\s*(?-i:[A-Z])"
            rf"(?:[^.]{{0,60}}\Z|(?:[^.:]|No\.){{0,120}}:))"
        ),
        position=None,
        after=True,
        reach=1,
        only_after=True,
    ),
    _Pattern("finish", _compile(rf"(?<=\w\s\(){ORD}(?=\))"), position=None),
    _Pattern("win", _compile(r"\b(?:race|class)-winning\b"), after=True, reach=2, only_after=True),
    _Pattern(
        "win",
        _compile(r"\b(?:the|their|his|her)\s+winning(?=\s+(?:#\s?|No\.\s?)\d)"),
        after=True,
        reach=1,
        only_after=True,
    ),
    _Pattern(
        "finish",
        _compile(rf"[-–—]\s*(?P<at>{ORD})\s*:?\s*\Z"),
        position=None,
    ),
    _Pattern(
        "win",
        _compile(rf"\bled\s+(?:[\w'’\-]+\s+){{0,4}}?home\b(?!\s+(?:in\s+)?{LATER_PLACE})"),
    ),
    _Pattern(
        "win",
        _compile(
            r"\b(?:handing|handed|hands|gave|giving|gifted|gifting)\s+(?:the\s+)?"
            r"(?:class\s+|overall\s+|race\s+)?(?:win|victory)\s+to\b"
        ),
        after=True,
    ),
    _Pattern("pole", _compile(r"\b(?:went|was|were)\s+(?:the\s+)?(?:quickest|fastest)\b")),
    _Pattern(
        "pole",
        _compile(
            r"\b(?:posted|set|clocked|recorded|produced)\s+(?:the\s+)?(?:fastest|quickest|best)\s+"
            r"(?:overall\s+)?time\b"
        ),
    ),
    _Pattern(
        "win",
        _compile(
            r"\bheld\s+on\s+to\s+(?:beat|win|take\s+(?:the\s+)?(?:victory|win))\b|"
            rf"\bfinished\s+(?:just\s+)?{MARGIN}\s+(?:ahead|clear)\s+of\b"
        ),
    ),
    _Pattern(
        "win",
        _compile(
            r"\b(?:obtained|achieved|conquered|got|took)\s+(?:the\s+)?success\b|"
            r"\b(?:success|victory)\s+(?:is|was|has\s+been)\s+(?:of|for)\b|"
            rf"(?:\A|(?<=[,;]\s)|(?<=\bwhile\s))\s*(?-i:(?!P\d)[A-Z][A-Z0-9]{{1,4}}(?:\s+[A-Z]{{2,4}})?)"
            rf"{WENT_TO}"
        ),
        after=True,
    ),
    _Pattern(
        "finish",
        _compile(r"\b(?:has\s+)?preceded\b(?:\s+on\s+the\s+(?:finish\s+)?line)?"),
        position=2,
        after=True,
        reach=8,
    ),
    _Pattern(
        "finish",
        _compile(rf"\b{ORD}\s+(?:position|place|time)\s+(?:is|was|has\s+been)\s+(?:of|for)\b"),
        position=None,
        after=True,
    ),
    _Pattern(
        "title",
        _compile(rf"\b(?:title|championship|crown)s?{CLASS_WORDS}{WENT_TO}"),
        after=True,
    ),
    _Pattern(
        "win",
        _compile(
            r"\b(?:taking|claiming|scoring|sealing|securing|earning|grabbing|capturing|"
            r"clinching|celebrating|conquered|conquers|conquering)\s+"
            r"(?:(?:a|the|his|her|their|its)\s+)?(?:[\w\-]+\s+){0,2}?(?:victory|win)\b(?!s)|"
            r"\b(?:conquered|conquers)\b(?!\s+by\b)"
        ),
    ),
    _Pattern(
        "win",
        _compile(
            rf"\b(?:crossed|across)\s+the\s+(?:finish\s+)?line\s+{MARGIN}\s+(?:clear|ahead)\s+of\b|"
            r"\bwith\s+(?:a\s+)?(?:victory|win)\s+(?:at|in)\b|\bwith\s+a\s+winning\s+margin\b"
        ),
    ),
    _Pattern("win", _compile(r"\bvictory\s+(?:has\s+)?smiled\s+(?:to|on|at)\b"), after=True),
    _Pattern(
        "finish",
        _compile(
            r"\b(?:podium|top\s+three)\s+(?:was|were)\s+(?:completed|rounded\s+out|closed)\s+by\b"
        ),
        position=3,
        after=True,
    ),
    _Pattern(
        "finish",
        _compile(rf"\b{ORD}\s+step\s+of\s+the\s+(?:[\w\-]+\s+)?podium\b"),
        position=None,
        after=True,
    ),
    _Pattern(
        "finish",
        _compile(
            r"\b(?:were|was|finish(?:ed|es|ing)?(?:\s+as)?|came\s+home|ended\s+up)\s+(?:the\s+)?"
            r"runners?-up\b|\bmade\s+it\s+an?\s+(?:[\w\-]+\s+){0,2}?(?:one-two|1-2)\b"
        ),
        position=2,
    ),
    _Pattern(
        "title",
        _compile(
            r"\b(?:handed|gave|hands|gives)\s+(?=[^.;]{0,80}?\b(?:title|championship|crown)\b)"
        ),
        after=True,
    ),
    _Pattern(
        "pole",
        _compile(rf"\bpole(?:\s+position)?{CLASS_WORDS}{WENT_TO}"),
        after=True,
    ),
    _Pattern(
        "win",
        _compile(
            r"\b(?:(?:class\s+|overall\s+|race\s+)?(?:victory|win|success)|honou?rs|spoils|laurels|"
            rf"class){CLASS_WORDS}{WENT_TO}"
        ),
        after=True,
    ),
    _Pattern(
        "finish",
        _compile(
            rf"\b(?:{ORD}|runner-up)(?:[\s-]+(?:place|position|spot))?"
            rf"(?:\s+on\s+the\s+grid|\s+overall|{CLASS_WORDS}){WENT_TO}"
        ),
        position=None,
        after=True,
    ),
    _Pattern(
        "finish",
        _compile(
            rf"(?:\A|(?<=[,;]\s))\s*(?:finishing\s+|qualifying\s+|starting\s+|in\s+)?{ORD}"
            rf"(?:\s+overall|\s+on\s+the\s+grid|{CLASS_WORDS})\s+(?:was|were)\b"
        ),
        position=None,
        after=True,
    ),
    _Pattern(
        "finish",
        _compile(rf"\b{ORD}-placed\b"),
        position=None,
        after=True,
        reach=2,
        only_after=True,
    ),
    _Pattern("finish", _compile(rf"\bhome\s+(?:in\s+)?{ORD}\b"), position=None),
    _Pattern(
        "finish",
        _compile(
            r"\b(?:completed|rounded\s+out|finished|ended|came\s+home|was|were)\b[^,.;]{0,60}?"
            rf"\bin\s+(?P<at>{LATER_PLACE})\b(?!\s+(?:gear|hour|lap|stint|corner|sector|turn))"
        ),
        position=None,
    ),
    _Pattern(
        "finish",
        _compile(
            r"\b(?:with|and)\s+(?:[^\s;]+\s+){1,16}?"
            rf"{_NOT_A_PLACE}(?P<at>{LATER_PLACE})(?:-(?:fastest|quickest|best))?"
            r"(?=\s*(?:[.,;]|\s+and\s|\s+in\s+class\b|\s+for\s+[A-Z]|\Z))"
        ),
        position=None,
    ),
    _Pattern(
        "pole",
        _compile(r"\bpole[-\s](?:sitting|winning)\b"),
        after=True,
        only_after=True,
    ),
    _Pattern(
        "pole",
        _compile(r"\bpole[-\s](?:sitters?|winners?)\b|\bpolesitters?\b"),
        after=True,
    ),
    _Pattern(
        "pole",
        _compile(
            r"\b(?:claimed|claim|claiming|claims|took|take|taking|takes|won|earned|earning|"
            r"secured|securing|scored|grabbed|captured|snatched|sealed|signed|start|started|starting|"
            r"bagged|nabbed|snagged|"
            r"starts|began|begin|begins|qualified|"
            r"(?:put|puts|putting)\s+(?:[\w'’.#\-]+\s+){1,10}?(?:on|in))"
            r"(?:,?\s+[\w'’\-]+){0,12}?\s+"
            r"pole\b(?!s|[\-\s](?:sitt|winn|start))"
        ),
        allow_future=True,
    ),
    _Pattern("pole", _compile(r"\btopped\s+(?:the\s+)?qualifying\b")),
    _Pattern(
        "pole", _compile(r"\bwinning\s+(?:the\s+)?pole(?:\s+position)?\b(?![\-\s](?:sitt|winn))")
    ),
    _Pattern("pole", _compile(r"\b(?:led|leads|leading)\s+(?:[\w'’\-]+\s+){0,3}?from\s+pole\b")),
    _Pattern(
        "finish",
        _compile(
            rf"\b(?:on|from)\s+the\s+(?P<side>inside|outside)\s+(?:of|on)\s+(?:the\s+)?"
            rf"(?P<row>{ORD}|front)\s+row\b"
        ),
        position=None,
        allow_future=True,
    ),
    _Pattern(
        "finish",
        _compile(r"\b(?:on|from)\s+the\s+(?P<side>inside|outside)\b(?!\s+(?:of|line|lane|track))"),
        position=None,
        allow_future=True,
    ),
    _Pattern("win", _compile(r"\btopped\s+the\s+(?:[\w\-()]+\s+){0,6}?podium\b")),
    _Pattern(
        "win",
        _compile(r"\bfor\s+(?:their|his|her|its)\s+(?:[\w\-()]+\s+){0,5}?(?:victory|win)\b(?!s)"),
    ),
    _Pattern(
        "pole",
        _compile(
            r"\b(?:drove|drives|steered|guided|piloted|put|took|takes|take|won|claimed|earned|"
            r"secured|collected)\s+(?:[\w'’.\-]+\s+){0,8}?(?:to\s+)?(?:the\s+)?"
            r"(?:[A-Z][\w\-]*\s+){0,2}Pole\s+Awards?\b",
            0,
        ),
    ),
    _Pattern(
        "win",
        _compile(
            r"\bto\s+(?:pip|beat|edge\s+out|outpace|outqualify)\s+(?=(?:the\s+)?(?:[A-Z#]|No\.))", 0
        ),
    ),
    _Pattern(
        "pole",
        _compile(
            r"\btopped\s+(?:the\s+)?(?-i:[A-Z][A-Z0-9]{1,4}(?:\s+[A-Z]{2,4})?)\b(?!\s+qualif)"
        ),
    ),
    _Pattern(
        "title",
        _compile(
            r"(?<!\bthe\s)(?<!\ba\s)(?<!\bhis\s)(?<!\bher\s)(?<!\btheir\s)(?<!\bits\s)(?<!\bfirst\s)"
            r"(?<!\brace\s)(?<!\bclass\s)(?<!\bcar\s)"
            r"\b(?:won|win|wins|winning|claimed|claim|claiming|clinched|clinch|clinching|"
            r"wrapped\s+up|wraps\s+up|sewed\s+up|sewn\s+up|locked\s+up|conquered|"
            r"secured|secure|securing|took|taking|earned|captured|sealed|defended|scored)"
            rf"(?:,?\s+(?!(?:but|while|whereas|although|flag|victory|win|race|pole|in)\b)[\w'’\-]+){{0,8}}?"
            rf"\s+{TITLE_NOUN}\b"
        ),
    ),
    _Pattern("title", _compile(r"\b(?:title|championship)-winning\b")),
    _Pattern("title", _compile(r"\b(?:were|was|been|be|is|are|get|got)\s+crowned\b")),
    _Pattern(
        "title",
        _compile(
            r"(?<!\bwere\s)(?<!\bwas\s)(?<!\bbeen\s)(?<!\bbe\s)(?<!\bis\s)(?<!\bare\s)"
            r"(?<!\bget\s)(?<!\bgot\s)\bcrowned\b"
        ),
        after=True,
        only_after=True,
    ),
    _Pattern("title", _compile(rf"\b{ORD}(?!\s+in\b)(?:\s+[\w'’\-]+){{0,3}}?\s+{TITLE_NOUN}\b")),
    _Pattern(
        "title",
        _compile(r"\b[Cc]hampions?\b(?=\s*,?\s*(?:team\s+)?[A-Z])", 0),
        after=True,
        label=True,
    ),
    _Pattern("title", _compile(r"(?<=,)[^,.;]{0,40}\breigning\s+[\w\s]{0,20}?champions?\b")),
    _Pattern(
        "title",
        _compile(
            r"(?<=,)\s+the\s+(?:19|20)\d\d\s+(?:[\w\-]+\s+){0,4}?champions?\b"
            r"(?=(?:\s+with\s+[^,.;]{1,40})?\s*[,.;)])"
        ),
        label=True,
    ),
    _Pattern(
        "win",
        _compile(
            r"(?<=,)\s+the\s+(?:19|20)\d\d\s+(?:[\w\-]+\s+){0,5}?winners?\b"
            r"(?=(?:\s+with\s+[^,.;]{1,40})?\s*[,.;)])"
        ),
        label=True,
    ),
    _Pattern(
        "win",
        _compile(
            r"(?<!\bwas\s)(?<!\bwere\s)(?<!\bbeen\s)(?<!\bis\s)(?<!\bbe\s)\bwon\b(?!['’]t)(?!\s+by\s+(?:the\s+)?(?-i:[A-Z#]|No\.))(?!(?:\s+[\w'’\-]+){0,3}\s+times?\b)"
        ),
    ),
    _Pattern(
        "win",
        _compile(
            r"\bwon\s+by\s+(?=(?:(?:the|another|fellow|a)\s+(?:[\w\-]+\s+){0,3}?)?(?:[A-Z#]|No\.))",
            0,
        ),
        after=True,
        reach=6,
    ),
    _Pattern(
        "win",
        _compile(
            rf"\b(?:triumphed|triumphs|prevailed|prevails)\b(?!{_IN_THE_CHAMPIONSHIP})|"
            r"\b(?:emerged|emerges|was|were|is|are|ended|finished)\s+(?:as\s+)?(?:the\s+)?victorious\b"
        ),
    ),
    _Pattern(
        "title",
        _compile(
            rf"\b(?:triumphed|triumphs|triumphing|prevailed|prevails|prevailing)\b"
            rf"{_IN_THE_CHAMPIONSHIP}"
        ),
    ),
    _Pattern(
        "win",
        _compile(
            r"\b(?:claimed|took|scored|sealed|secured|earned|grabbed|clinched|snatched|captured|"
            r"celebrated|notched|bagged|take|takes|claim|claims)\s+"
            r"(?:(?:a|the|his|her|their|its|another)\s+)?(?:(?:lead\s+and\s+the|[\w\-]+)\s+){0,3}?"
            r"(?:victory\b|win\b|honou?rs\b)(?!s)"
        ),
    ),
    _Pattern("win", _compile(r"\bcrossed\s+the\s+(?:finish\s+)?line\s+first\b")),
    _Pattern(
        "win",
        _compile(
            r"\b(?:finished|ran|scored|secured|claimed|took|led|sealed|completed)\s+(?:a\s+)?"
            r"(?:[\w\-]+\s+)?1-2\b|\ba\s+1-2\s+(?:class\s+|overall\s+)?finish\b"
        ),
    ),
    _Pattern(
        "win",
        _compile(
            r"\b(?:took|taking|takes|take|claimed|claiming|claims|grabbed|grabbing)\s+the\s+"
            r"(?:[\w()\-]+\s+){0,4}?(?:checkered|chequered)\s+flag\b"
            rf"(?!\s+(?:in|as)\s+(?:the\s+)?(?:runner-up|{LATER_PLACE}|{ORD})\b)"
            r"(?!\s+[\d.:]+\s*(?:s|secs?|seconds?)?\s+(?:back|behind|adrift|down)\b)"
        ),
    ),
    _Pattern(
        "win",
        _compile(
            r"\bto\s+(?:the\s+)?victory\b(?!\s+lane)|\bto\s+the\s+win\b|\bvictory\s+over\b|"
            r"\bto\s+win\b(?!\s+(?:more|again|it|a|an|the|this|that|his|her|their|its|\w+\s+times?)\b)"
        ),
    ),
    _Pattern(
        "win",
        _compile(
            rf"\b(?:class|overall|maiden|{ORD})(?:\s+[\w\-]+){{0,2}}?(?:\s+[A-Z][\w\-]*){{0,4}}?"
            r"\s+(?:victory|win)\b(?!s)"
        ),
    ),
    _Pattern(
        "win",
        _compile(r"(?<!pole-)(?<!pole\s)\b(?:winners?|victors?(?!\s*\Z))\b(?!['’])"),
        after=True,
        reach=14,
        label=True,
    ),
    _Pattern("win", _compile(r"\bto\s+win\s+the\b|\bwinning\s+the\b")),
    _Pattern(
        "win",
        _compile(r"\b(?:returned|went\s+on|came\s+back|bounced\s+back|rebounded)\s+to\s+win\b"),
    ),
    _Pattern(
        "finish",
        _compile(rf"\b{ORD}(?:[\s-]+place(?!d)|\s+placed|\s+position|[\s-]+spot)\b"),
        position=None,
    ),
    _Pattern("finish", _compile(rf"\bfollowed\s+(?:home\s+)?in\s+{ORD}\b"), position=None),
    _Pattern(
        "finish",
        _compile(r"\brunners?[-\s]up\b(?=\s+(?-i:[A-Z]|#|No\.))"),
        position=2,
        after=True,
        reach=2,
        label=True,
    ),
    _Pattern(
        "finish",
        _compile(
            r"\b(?:settled|settle|settling|took|claimed|secured|grabbed|earned|had)\s+(?:for\s+)?"
            r"(?:the\s+)?runner[\s-]up\s+(?:place|position|spot|finish|honou?rs)\b"
        ),
        position=2,
    ),
    _Pattern(
        "finish",
        _compile(
            r"\b(?:took|claimed|secured|grabbed|earned|clinched|completed)\s+the\s+"
            r"(?:final|last|bottom|third)\s+(?:podium\s+)?(?:step|spot|place|position)"
            r"(?:\s+(?:of|on)\s+the\s+(?:[\w\-]+\s+)?podium)?\b(?!\s+(?:in|for)\s+the\s+(?:fight|battle))"
        ),
        position=3,
    ),
    _Pattern(
        "finish",
        _compile(
            rf"\b(?:started|starts|starting|will\s+start|lined\s+up|lines\s+up|will\s+line\s+up|"
            rf"(?<=\s)start)\s+(?:from\s+|in\s+)?(?:the\s+)?(?P<at>{ORD})(?:[\s-]+(?:place|position|spot))?"
            r"(?:\s+on\s+the\s+grid)?(?![\w\-])(?!\s+(?:lap|row|time|race|round|season|consecutive|in\s+a\s+row))"
        ),
        position=None,
        allow_future=True,
        grid=True,
    ),
    _Pattern(
        "finish",
        _compile(
            r"\b(?:finished|finishing|finishes|qualified|qualifying|came\s+home|crossed\s+the\s+line|"
            r"slipped\s+to|dropped\s+to|fell\s+to|climbed\s+to|moved\s+up\s+to|ended|placed|"
            r"finish|arrived|struggled\s+to|recovered\s+to|charged\s+to|battled\s+to|"
            r"fought\s+to|rallied\s+to|limped\s+to|faded\s+to|held\s+on\s+to|"
            r"classified|was|were|is|are|scored|rounded\s+out\s+the\s+top|settled\s+for|settle\s+for|took|"
            r"claimed|earned|secured|grabbed|collected|came)\s+(?:the\s+race\s+)?"
            r"(?:(?:just|only|eventually|ultimately|in)\s+)?"
            rf"{ORD}\b(?![\s-]+(?:place|position|spot|time|pole))"
        ),
        position=None,
    ),
    _Pattern(
        "finish",
        _compile(
            r"\b(?:completed|completing|rounded\s+(?:out|off)|rounding\s+(?:out|off)|rounds\s+out|"
            r"round\s+out)\s+"
            r"the\s+top[\s-]+(?:three|five|ten|\d{1,2})\b(?!\s+(?:were|was|are|is)\b)"
        ),
        position=None,
    ),
    _Pattern(
        "finish",
        _compile(
            r"\b(?:rounded\s+(?:out|up|off)|rounding\s+(?:out|up|off)|rounds\s+(?:out|off)|"
            r"completed|completing|completes)\s+the\s+(?:[\w\-]+\s+){0,3}?podium\b"
        ),
        position=3,
    ),
    _Pattern(
        "fastest_lap",
        _compile(
            r"\b(?:set|posted|clocked|claimed|took|recorded)\s+(?:the\s+)?(?:race['’]s\s+)?fastest\s+lap\b"
        ),
        position=None,
    ),
)
_QUANTITY = re.compile(
    r"\s+(?:(?:his|her|their|its)\s+)?(?:\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|a\s+(?:few|handful\s+of|number\s+of|record)|several|many|multiple|"
    r"numerous|countless|all|both|every|each)\b",
    re.IGNORECASE,
)
COUNT_NOUN_CHARS = 60
"""How far after a quantity ('won all four major ... races') its counted noun may be."""
_CLAUSE_END = re.compile(r"[,;:.!?]")


def _counted(text: str, at: int) -> bool:
    """Tell whether an outcome verb at `at` takes a count ('won four poles'): a career tally."""
    quantity = _QUANTITY.match(text, at)
    if quantity is None:
        return False
    stop = _CLAUSE_END.search(text, quantity.end(), quantity.end() + COUNT_NOUN_CHARS)
    high = stop.start() if stop else min(len(text), quantity.end() + COUNT_NOUN_CHARS)
    return result_words().count_nouns.search(text, quantity.end(), high) is not None


_TITLE_AFTER_WIN = re.compile(rf"\A(?:\s+(?!{RACE_WORDS})[\w'’\-]+){{0,6}}?\s+{TITLE_NOUN}\b")
_BARE_WIN_VERB = re.compile(r"\b(?:won|wins?|winning)\s*\Z", re.IGNORECASE)
"""A win phrase whose object follows it ('won the 2023 title' is no race win)."""
_ROW = re.compile(rf"\b({ORD}|front)\s+row\b", re.IGNORECASE)
EXAMPLES_CHARS = 120
"""How far back 'including' may introduce a list a name is part of."""
_EXAMPLES_BEFORE = re.compile(
    r"\b(?:including|such\s+as|among\s+them|among\s+others)\s+"
    r"(?:[A-Z][\w'’.\-]*,?\s+(?:and\s+)?){0,8}\Z"
)
_BARE_PAST_WIN = re.compile(r"\bhad\s+won(?=\s+in\s+(?:19|20)\d\d\b|\s*[.,;]|\s*\Z)")
_QUALIFYING_WORD = re.compile(r"\bqualif\w*|\bhyperpole\b|\bshoot-?out\b", re.IGNORECASE)
LABEL_CUE_CHARS = 25
"""How far before a label noun ('the former winner') a cue still governs it."""
LABEL_AFTER_CHARS = 60
"""How far after a label its holder's verb may say the outcome is still to come."""
LABEL_KINDS = ("unknown_time", "future", "hedge", "intention")
_DRIVER_HEAD = re.compile(r"(?:\s+[\w\-.]+){0,3}?\s+driver\b(?!s)")
"""'the Shubert Motorsport BMW M4 driver': a team inside a description of a driver."""
_POSSESSIVE = re.compile(r"['’]s?\s+(?!(?:car|entry|crew|team)\b)[\w\-]")
"""'Ricky Taylor's record': a possessor modifies a noun; it is not the subject of the clause."""
_TAKES_OBJECT = re.compile(r"\b(?:to|by|of|for|on|at)\s*\Z", re.IGNORECASE)
"""A phrase ending 'handed the win to', 'was won by': its actor follows it, never precedes."""
_ABOARD = re.compile(
    r"\b(?:aboard|driving|behind\s+the\s+wheel\s+of)\s+(?:the|their|his|her|its)\s+"
    r"(?:#\s?|No\.\s?)(\d{1,3})\b"
)
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_ORD_WORD = re.compile(ORD, re.IGNORECASE)
_PLACE_LIST = re.compile(rf"{ORD}(?:\s*,\s*{ORD})*,?\s+and\s+{ORD}\b", re.IGNORECASE)
_RACE_WORD = re.compile(rf"\b{RACE_WORDS}", re.IGNORECASE)
_NUMBER_WORD = re.compile(rf"\b({ORD}|three|five|ten|\d{{1,2}})\b", re.IGNORECASE)


CONTEST_WORDS = 3
"""Words at most between 'won' and the contest it names ('won a fraught fight')."""
BATTLE_FOR_CHARS = 60
"""How far after 'won a fight' the place it was for may be named ('for the final podium place')."""
_FOR_A_PLACE = re.compile(
    rf"[^,;.]*?\bfor\s+(?:the\s+)?(?:[\w\-]+\s+){{0,2}}?"
    rf"(?:podium|place|position|spot|lead|{LATER_PLACE})\b",
    re.IGNORECASE,
)
_NEXT_WORD = re.compile(r"\s+([\w\-]+)")
_ADJECTIVE = re.compile(r"[a-z][a-z\-]*")
"""A lower-case word that may stand between an article and its noun ('a fraught fight')."""
_PREPOSITIONS = frozenset(
    {"from", "in", "at", "on", "by", "with", "for", "to", "of", "after", "before", "over", "into"}
)
_BEFORE_NOUN = frozenset({"a", "an", "the", "his", "her", "their", "its", "this", "that"})


_WON_BY = re.compile(r"won\s+by\b", re.IGNORECASE)
BATTLE_BEFORE_CHARS = 80
"""How far before 'was won by' the contest it names may be ('The battle ... was won by X')."""


def _battle_before(text: str, at: int) -> bool:
    """Tell 'the side-by-side battle ... was eventually won by X' from a won race."""
    low = max(0, at - BATTLE_BEFORE_CHARS)
    clause = max([low, *(m.end() for m in _CLAUSE_END.finditer(text, low, at))])
    return result_words().battle_nouns.pattern.search(text, clause, at) is not None


def _won_contest(text: str, at: int) -> bool:
    """Tell 'won a fraught fight with X' (a contest within a race) from a won race."""
    words = result_words()
    for _ in range(CONTEST_WORDS + 1):
        word = _NEXT_WORD.match(text, at)
        if word is None:
            return False
        if words.contest_nouns.pattern.match(text, word.start(1)):
            return True
        battle = words.battle_nouns.pattern.match(text, word.start(1))
        if battle:
            end = battle.end() + BATTLE_FOR_CHARS
            return _FOR_A_PLACE.match(text, battle.end(), end) is not None
        lowered = word.group(1).casefold()
        modifier = _ADJECTIVE.fullmatch(word.group(1)) and lowered not in _PREPOSITIONS
        if not (lowered in _BEFORE_NOUN or modifier):
            return False
        at = word.end()
    return False


@cache
def _gated_patterns() -> tuple[LiteralIndex, tuple[tuple[_Pattern, Gated], ...]]:
    """Return the outcome patterns with the literal pre-checks that skip most sentences."""
    gated = tuple((pattern, Gated.of(pattern.regex)) for pattern in PATTERNS)
    return LiteralIndex.of(gate for _, gate in gated), gated


def find_triggers(text: str) -> list[Trigger]:
    """Return the outcome phrases of a sentence, in order, without overlaps of one kind."""
    triggers: list[Trigger] = []
    index, gated = _gated_patterns()
    present = index.present(text.casefold())
    for rule, (pattern, gate) in enumerate(gated):
        if not gate.admits(present):
            continue
        for match in pattern.regex.finditer(text):
            trigger = _trigger(pattern, match, text, rule)
            if trigger is not None:
                triggers.append(trigger)
    triggers.sort(key=lambda t: (t.start, t.kind))
    kept: list[Trigger] = []
    for trigger in triggers:
        outer = next(
            (k for k in kept if k.kind == trigger.kind and k.start <= trigger.start < k.end), None
        )
        if outer is not None and trigger.end <= outer.end and _spans_clauses(outer):
            kept[kept.index(outer)] = trigger
            continue
        if outer is not None:
            continue
        if trigger.kind == "win" and any(
            k.kind == "title" and k.start < trigger.end and trigger.start < k.end for k in triggers
        ):
            continue
        kept.append(trigger)
    return kept


def _spans_clauses(trigger: Trigger) -> bool:
    """Tell a phrase long enough to run over a person to its outcome word.

    'began with A driving away ... after winning the pole': a tighter phrase inside it says who.
    """
    return trigger.end - trigger.start > LONG_TRIGGER_CHARS


def _trigger(pattern: _Pattern, match: re.Match[str], text: str, rule: int) -> Trigger | None:
    kinds = ("hedge", "negation", "intention") if pattern.allow_future else UNREAL_KINDS
    if (pattern.label or pattern.kind == "title") and _TIMES_CHAMPION.search(
        text, max(0, match.start() - TIMES_CHAMPION_CHARS), match.start()
    ):
        return None
    if pattern.label and pattern.kind == "win" and _career_label(text, match.start()):
        return None
    if pattern.label:
        before = max(0, match.start() - LABEL_CUE_CHARS)
        after = min(len(text), match.end() + LABEL_AFTER_CHARS) if pattern.after else match.end()
        if has_cue(text, before, match.start(), LABEL_KINDS) or (
            not (pattern.kind == "title" and _past_anchor(text, before, match.start()))
            and has_cue(text, match.end(), after, ("intention", "future"))
        ):
            return None
    elif is_unreal(text, match.start(), match.end(), subject_after=pattern.after, kinds=kinds):
        return None
    clause = clause_bounds(text, match.start())
    if pattern.kind != "title" and is_practice(text, match.start()):
        return None
    if _INFINITIVE.search(text, 0, match.start()) and has_cue(
        text, max(clause[0], local_clause(text, match.start())[0]), match.start()
    ):
        return None
    if (
        _APPOSITIVE.search(text, 0, match.start())
        and _ORD_START.match(match.group())
        and _APPOSITIVE_END.match(text, match.end())
    ):
        return None
    if (
        pattern.kind == "win"
        and _BARE_WIN_VERB.search(match.group())
        and _TITLE_AFTER_WIN.match(text, match.end())
    ):
        return None
    if pattern.kind == "win" and _BARE_PAST_WIN.search(
        text, max(0, match.start() - 5), match.end() + 12
    ):
        return None
    if pattern.kind in {"win", "pole", "title"} and _counted(text, match.end()):
        return None
    if pattern.kind == "win" and _won_contest(text, match.end()):
        return None
    if (
        pattern.kind == "win"
        and _WON_BY.match(match.group())
        and _battle_before(text, match.start())
    ):
        return None
    if pattern.kind == "fastest_lap" and _PRACTICE.search(text, match.end(), match.end() + 60):
        return None
    if pattern.kind == "title" and _RACE_WORD.search(match.group()):
        return None
    quickest = (
        match.group()
        .casefold()
        .startswith(
            ("topped", "went", "was", "were", "posted", "set", "clocked", "recorded", "produced")
        )
    )
    if quickest and pattern.kind == "pole" and (not _qualifying(text) or _PRACTICE.search(text)):
        return None
    if pattern.kind == "finish" and (
        _STANDINGS_BEFORE.search(text, max(0, match.start() - 40), match.start())
        or _STANDINGS_AFTER.match(text, match.end())
        or _IN_PRACTICE.match(text, match.end())
        or _IN_RACE.search(
            text, local_start(text, _start(pattern, match), clause), _start(pattern, match)
        )
        or (not pattern.grid and is_running(text, _start(pattern, match), match.end(), clause))
    ):
        return None
    dropped = _DROP.match(text, match.start()) or _DROP_BEFORE.search(
        text, max(0, match.start() - DROP_CHARS), match.start()
    )
    if pattern.kind == "finish" and dropped and not _FINISHED.search(text):
        return None
    position = pattern.position
    if "side" in pattern.regex.groupindex:
        position = _grid_place(text, match)
        if position is None:
            return None
    if position is None and pattern.kind == "finish":
        phrase = match.group("at") if "at" in pattern.regex.groupindex else match.group()
        number = _NUMBER_WORD.search(phrase)
        position = ordinal_value(number.group(1)) if number else None
        if position is None and "runner-up" in match.group().casefold():
            position = 2
        if position is None:
            return None
    kind = pattern.kind
    grid = pattern.grid or "side" in pattern.regex.groupindex
    if grid and position == 1:
        kind = "pole"
    session = _SESSION.search(text) or _LAP_TIME.search(text)
    if kind == "finish" and position == 1:
        kind = "pole" if match.group().casefold().startswith("will") else kind
        kind = "win" if kind == "finish" and not session else kind
    start = _start(pattern, match)
    return Trigger(
        kind, position, start, match.end(), pattern.after,
        allow_future=pattern.allow_future, reach=pattern.reach, only_after=pattern.only_after,
        grid=grid, rule=rule, label=pattern.label,
    )  # fmt: skip


def _career_label(text: str, start: int) -> bool:
    """Tell 'IndyCar winner A' (a win some time in a series) from 'Indy 500 winner A'."""
    series = result_words().career_series.last(text, max(0, start - LABEL_CUE_CHARS), start)
    return series is not None and not text[series.end() : start].strip()


def _past_anchor(text: str, start: int, end: int) -> bool:
    """Tell a title label set in the past ('reigning', 'the 2016') from one a verb may undo.

    'Reigning champion A will drive the No. 94': the title stands whatever A will do next.
    """
    return bool(
        result_words().label_anchors.search(text, start, end) or find_years(text[start:end])
    )


def _grid_place(text: str, match: re.Match[str]) -> int | None:
    """Return the grid place of 'on the inside of the second row' (3).

    'On the outside' alone takes the row named earlier in the sentence ('The third row ... on
    the outside': 6).
    """
    row = match.group("row") if "row" in match.re.groupindex else None
    if row is None:
        named = None
        for named in _ROW.finditer(text, 0, match.start()):  # noqa: B007 - the last one
            pass
        row = named.group(1) if named else None
    if row is None:
        return None
    number = 1 if row.casefold() == "front" else ordinal_value(row)
    if number is None:
        return None
    return 2 * number - 1 if match.group("side").casefold() == "inside" else 2 * number


def _qualifying(text: str) -> bool:
    """Tell whether a sentence is about qualifying (a session word, a pole or a lap time)."""
    if _QUALIFYING.search(text):
        return True
    return any(is_qualifying(m[2]) for m in session_mentions(text))


def _start(pattern: _Pattern, match: re.Match[str]) -> int:
    """Return where a trigger's phrase starts (its 'at' group when the pattern has one)."""
    return match.start("at") if "at" in pattern.regex.groupindex else match.start()


@dataclass(slots=True)
class _Actor:
    """Who a result is about: drivers, a car and a team."""

    drivers: tuple[str, ...] = ()
    car: str | None = None
    team: str | None = None
    route: str = ""
    """How the actor was found for its outcome phrase ('before', 'after', 'subject', ...)."""

    @property
    def empty(self) -> bool:
        return not (self.drivers or self.car or self.team)


def _routed(actor: _Actor | None, route: str) -> _Actor | None:
    """Return the actor marked with how it was found."""
    if actor is not None:
        actor.route = route
    return actor


class ResultFinder:
    """Read the results of an article sentence by sentence."""

    def __init__(self, document: Document, crews: list[list[Crew]], published: date | None) -> None:
        self._document = document
        self._classes: dict[int, list[tuple[int, int, str]]] = {}
        self._sessions: dict[int, list[tuple[int, int, str]]] = {}
        crews = [
            _plausible_crews(document.sentences[i], cs, self._classes_at(i) if cs else [])
            for i, cs in enumerate(crews)
        ]
        self._crews = crews
        self._published = published
        refs = [
            p for s in document.sentences for p in s.people if p.name and _is_named_person(s, p)
        ]
        self._refs = sorted(refs, key=lambda r: (r.paragraph, r.start))
        self._keys = [(r.paragraph, r.start) for r in self._refs]
        self._sentence_keys = [(s.paragraph, s.start) for s in document.sentences]
        self._car_drivers = _car_drivers(document, crews)
        season = self._published.year if self._published else None
        self._tables = table_results(document, season) + detail_results(document, season)
        self._owners = find_owners(document, crews, self._tables)
        self._main_event = main_event(document)
        self._main_team = main_team(document)
        self._races = [
            ((s.paragraph, s.start), f.canonical)
            for s in document.sentences
            for f in known_events(s.text, document.aliases)
            if not is_championship(f.canonical)
        ]
        self._race_keys = [key for key, _ in self._races]
        self._team_cars: dict[str, set[str]] | None = None
        self._mentions: dict[int, tuple[tuple[int, int, str, object], ...]] = {}
        self._main_series = main_series([s.text for s in document.sentences], document.aliases)
        first = document.paragraphs[0] if document.paragraphs else ""
        self._headlines = {0} if is_headline(first) else set()
        self._car_classes = car_classes(
            (s.cars, self._classes_at(i)) for i, s in enumerate(document.sentences) if s.cars
        )
        for caption in document.captions:
            named = {c[2] for c in class_mentions(caption.header)}
            if len(named) == 1 and caption.car not in self._car_classes:
                self._car_classes[caption.car] = named.pop()
        self._cars_by_driver: dict[str, set[str]] = {}
        for (_, car), names in self._car_drivers.items():
            for name in names:
                self._cars_by_driver.setdefault(name, set()).add(car)

    def find(self) -> list[Result]:
        """Return the article's results, merged where two sentences state the same one."""
        found: list[Found] = []
        for index, sentence in enumerate(self._document.sentences):
            if len(sentence.text) > MAX_SENTENCE_CHARS or sentence.paragraph in self._headlines:
                continue
            found.extend(self._rounding_out(index, sentence, found[-1].result if found else None))
            for trigger in find_triggers(sentence.text):
                found.extend(self._results(index, sentence, trigger))
        merged = merge_results(found, self._car_drivers_by_car())
        decided = [f for f in merged if self._stated_holder(f.result) and _holder_fits(f)]
        results = [self._named_title(self._with_main_event(f.result), f.whose) for f in decided]
        for table in self._tables:
            if not _restated(table, results):
                results.append(self._with_main_event(table))
        return results

    def _stated_holder(self, result: Result) -> bool:
        """Tell a result whose holder the text establishes from a team's that hides its crew.

        A result read for a team alone is kept only when the article gives that team no car
        of its own: otherwise which of its cars or crews holds it is not stated.
        """
        if result.car or result.drivers or not result.team:
            return True
        return not self._cars_of_teams().get(result.team)

    def _named_title(self, result: Result, scope: str | None) -> Result:
        """Name a title as a championship of a season ('2023 IMSA ... GTP drivers' title')."""
        if result.kind != "title":
            return result
        series = result.event if is_championship(result.event) else self._main_series
        return replace(result, event=title_event(result.season, series, result.race_class, scope))

    def _with_main_event(self, result: Result) -> Result:
        """Give a current race result with no event of its own the article's main race."""
        if result.event or result.kind == "title" or self._main_event is None:
            return result
        published = self._published
        if published is not None and result.season not in {None, published.year}:
            return result
        return replace(result, event=self._main_event)

    def _car_drivers_by_car(self) -> dict[str, set[str]]:
        by_car: dict[str, set[str]] = {}
        for (_, car), names in self._car_drivers.items():
            by_car.setdefault(car, set()).update(names)
        return by_car

    def _results(self, index: int, sentence: Sentence, trigger: Trigger) -> list[Found]:
        if self._annulled(index, sentence, trigger):
            return []
        respectively = self._respectively(index, sentence, trigger)
        if respectively is not None:
            return respectively
        actor = self._actor(index, sentence, trigger)
        if actor is None or actor.empty:
            return self._runner_up_only(index, sentence, trigger)
        if (
            actor.car is None
            and actor.drivers
            and not _BEATEN.search(sentence.text, 0, trigger.end)
        ):
            actor.car = _car_adjacent(sentence, trigger.end)
            season = find_season(sentence.text, self._published, trigger.start, end=trigger.end)
            current = season is None or (
                self._published is not None and season == self._published.year
            )
            if actor.car is None and current:
                actor.car = self._car_of(actor.drivers)
            named = [c for c in self._crews[index] if c.members]
            if actor.car is None and len(sentence.cars) == 1 and len(named) == 1:
                actor.car = sentence.cars[0].text
        if actor.team and not (actor.drivers or actor.car):
            crew = _crew_joined_after(self._crews[index], sentence, trigger.end)
            if crew is not None:
                actor.drivers, actor.car = tuple(crew.names), crew.car
        if actor.car is None and not actor.drivers:
            actor.car = _aboard(sentence.text, clause_bounds(sentence.text, trigger.start))
            if actor.car is None and actor.team and self._about_main_race(sentence, trigger):
                actor.car = self._team_car(actor.team)
            if actor.car is not None:
                actor.drivers = self._drivers_in_article(actor.car)
        window = sentence.text[max(0, trigger.start - 30) : trigger.end + 10]
        scope = "class" if _CLASS.search(window) else ""
        low, high = clause_bounds(sentence.text, trigger.start)
        when = -1 if is_relative_past(sentence.text[low:high]) else 0
        main = self._result(sentence, trigger, trigger.kind, trigger.position, actor)
        whose = None
        if trigger.kind == "title":
            whose = title_scope(sentence.text[trigger.start : trigger.end + SCOPE_AFTER_CHARS])
        basis = f"{trigger.rule}:{actor.route}"
        found = [Found(main, when, scope, whose, basis)]
        one_two = "1-2" in sentence.text[trigger.start : trigger.end]
        if one_two and actor.team and not (actor.drivers or actor.car):
            found.append(
                Found(replace(main, kind="finish", position=2), when, scope, basis="one-two")
            )
        if trigger.kind == "finish" and trigger.position:
            found.extend(self._neighbour_places(index, sentence, trigger, when, scope))
        if trigger.kind in {"win", "pole"}:
            second = self._runner_up(index, sentence, trigger)
            if second is not None and not second.empty:
                runner_up = self._result(sentence, trigger, "finish", 2, second)
                found.append(Found(runner_up, when, scope, basis=f"{trigger.rule}:runner-up"))
                third = self._third(index, sentence, trigger) if trigger.kind == "win" else None
                if third is not None and not third.empty and third.car != second.car:
                    found.append(
                        Found(
                            self._result(sentence, trigger, "finish", 3, third),
                            when,
                            scope,
                            basis=f"{trigger.rule}:third",
                        )
                    )
        if trigger.kind == "title":
            for match in _EARLIER_TITLE.finditer(sentence.text, trigger.start):
                years = [int(y) for y in _FOUR_DIGITS.findall(match.group(1))]
                for year in years if match.start() >= trigger.end else years[1:]:
                    extra = replace(main, season=year, detail=None, car=None)
                    found.append(Found(extra, 0, scope, basis="earlier-title"))
            span = _YEAR_RANGE.search(sentence.text, trigger.start, min(high, trigger.end + 60))
            if span and int(span.group(1)) < int(span.group(2)) <= int(span.group(1)) + 10:
                for year in range(int(span.group(1)), int(span.group(2)) + 1):
                    found.append(
                        Found(replace(main, season=year, car=None), 0, scope, basis="title-years")
                    )
        return found

    def _result(
        self, sentence: Sentence, trigger: Trigger, kind: ResultKind, position: int | None,
        actor: _Actor,
    ) -> Result:  # fmt: skip
        text = sentence.text
        index = self._index_of(sentence)
        race = self._race_champion(text, trigger) if kind == "title" else None
        if race is not None:
            kind = "win"
        if index not in self._sessions:
            self._sessions[index] = session_mentions(text)
        session = (
            QUALIFYING
            if trigger.grid
            else session_of(kind, text, trigger.start, trigger.end, self._sessions[index])
        )
        if kind == "win" and is_qualifying(session):
            said = _QUALIFYING_WORD.search(text) or _LAP_TIME.search(text)
            kind, session = ("pole", session) if said else (kind, RACE)
        detail = _LAP_TIME.search(text) if kind in {"pole", "fastest_lap", "finish"} else None
        detail = detail or (_MARGIN.search(text) if kind == "win" else None)
        season = find_season(text, self._published, trigger.start, end=trigger.end)
        if kind == "title" or race is not None:
            label = _CHAMPION_LABEL.fullmatch(text, trigger.start, trigger.end) is not None
            season = (
                previous_season(text, trigger.start, trigger.end, self._published, label=label)
                or season
            )
        return Result(
            kind=kind,
            position=position,
            car=actor.car,
            drivers=actor.drivers,
            team=actor.team,
            event=race
            or _event_for(
                kind,
                find_event(text, self._document.aliases, trigger.start, prefer_race=kind != "title")
                or self._event_referred(sentence, kind),
            ),
            detail=detail.group() if detail else None,
            paragraph=sentence.paragraph,
            season=season,
            session=session,
            race_class=class_of(
                text,
                trigger.start,
                trigger.end,
                actor.car,
                self._car_classes,
                self._classes_at(index),
            ),
            evidence=" ".join(text.split()),
        )

    def _race_champion(self, text: str, trigger: Trigger) -> str | None:
        """Return the race a 'champion' label names ('reigning Indy 500 champion'): its winner."""
        word = _CHAMPION_WORD.search(text, trigger.start, trigger.end)
        if word is None:
            return None
        for found in known_events(text[: word.start()], self._document.aliases):
            if found.end < word.start() - 1 or is_championship(found.canonical):
                continue
            if not text[found.end : word.start()].strip():
                return found.canonical
        return None

    def _classes_at(self, index: int) -> list[tuple[int, int, str]]:
        """Return the class names of a sentence (found once; none in over-long ones)."""
        if index not in self._classes:
            text = self._document.sentences[index].text
            self._classes[index] = class_mentions(text) if len(text) <= MAX_SENTENCE_CHARS else []
        return self._classes[index]

    def _index_of(self, sentence: Sentence) -> int:
        """Return a sentence's index in the document."""
        return bisect_left(self._sentence_keys, (sentence.paragraph, sentence.start))

    def _event_referred(self, sentence: Sentence, kind: ResultKind) -> str | None:
        """Return the race 'the 10-hour event' or 'the season finale' refers to: the last named."""
        if kind == "title" or not _DEFINITE_EVENT.search(sentence.text):
            return None
        at = bisect_left(self._race_keys, (sentence.paragraph, sentence.start)) - 1
        return self._races[at][1] if at >= 0 else None

    def _runner_up(self, index: int, sentence: Sentence, trigger: Trigger) -> _Actor | None:
        window = sentence.text[trigger.start : trigger.end + RUNNER_UP_WINDOW]
        ahead = _AHEAD.search(window)
        if not ahead or _GAP_STOP.search(window, trigger.end - trigger.start, ahead.start()):
            return None
        at = trigger.start + ahead.end()
        return self._nearest_after(index, sentence, at, limit_words=ADJACENT_WORDS)

    def _runner_up_only(self, index: int, sentence: Sentence, trigger: Trigger) -> list[Found]:
        """Return the car a win was taken over when the winner itself is not named."""
        second = self._runner_up(index, sentence, trigger) if trigger.kind == "win" else None
        if second is None or second.empty:
            return []
        runner_up = self._result(sentence, trigger, "finish", 2, second)
        return [Found(runner_up, 0, "", basis=f"{trigger.rule}:runner-up-only")]

    def _neighbour_places(
        self, index: int, sentence: Sentence, trigger: Trigger, when: int, scope: str
    ) -> list[Found]:
        """Return the car a placed car finished just ahead of or just behind."""
        window = sentence.text[trigger.end : trigger.end + NEIGHBOUR_WINDOW]
        near = _NEIGHBOUR.match(window)
        if not near or trigger.position is None:
            return []
        step = 1 if near.group(1).casefold().startswith("ahead") else -1
        reach = ADJACENT_WORDS + 2 if near.group(1).casefold() == "to" else 2
        other = self._nearest_after(index, sentence, trigger.end + near.end(), limit_words=reach)
        position = trigger.position + step
        if other is None or other.empty or position < 1 or (step < 0 and position != 1):
            return []
        kind: ResultKind = "win" if position == 1 else "finish"
        session = _SESSION.search(sentence.text) or _LAP_TIME.search(sentence.text)
        kind = "finish" if kind == "win" and session else kind
        placed = self._result(sentence, trigger, kind, position, other)
        return [Found(placed, when, scope, basis=f"{trigger.rule}:neighbour")]

    def _third(self, index: int, sentence: Sentence, trigger: Trigger) -> _Actor | None:
        """Return the second car of 'won ahead of the No. 27 ... and the No. 33 ...'."""
        window = sentence.text[trigger.start : trigger.end + RUNNER_UP_WINDOW]
        ahead = _AHEAD.search(window)
        if not ahead:
            return None
        then = _AND_CAR.search(window, ahead.end())
        if not then or _GAP_STOP.search(window, ahead.end(), then.start()):
            return None
        at = trigger.start + then.start()
        return self._nearest_after(index, sentence, at, limit_words=ADJACENT_WORDS)

    def _actor(self, index: int, sentence: Sentence, trigger: Trigger) -> _Actor | None:
        if _HOLDER_NOUN.search(sentence.text, trigger.start, trigger.end):
            if _HOLDER_BEFORE.search(sentence.text, 0, trigger.start):
                return _routed(self._nearest_before(index, sentence, trigger.start), "before")
            named = self._nearest_after(index, sentence, trigger.end, limit_words=0)
            if named is not None:
                return _routed(named, "label")
        if trigger.after:
            actor = self._nearest_after(index, sentence, trigger.end, limit_words=trigger.reach)
            phrase = sentence.text[trigger.start : trigger.end]
            if actor is not None or trigger.only_after or _TAKES_OBJECT.search(phrase):
                return _routed(actor, "after")
            noun = trigger.label or _ONE_WORD.fullmatch(phrase)
            if noun and (
                _DEFINITE.search(sentence.text, 0, trigger.start)
                or _INDEFINITE.search(sentence.text, 0, trigger.start)
            ):
                return None
        possessor = self._possessor(index, sentence, trigger.start)
        if possessor is not None:
            return _routed(possessor, "possessor")
        coordinated = self._coordination(index, sentence, trigger.start)
        if coordinated is not None:
            subject = self._subject(index, sentence, trigger.start, until=coordinated)
            if subject is not None:
                return _routed(subject, "subject")
        actor = self._nearest_before(index, sentence, trigger.start)
        if actor is not None:
            return _routed(actor, "before")
        if trigger.kind == "finish" and _PLACED_TO.match(sentence.text, trigger.end):
            return _routed(self._participle_subject(index, sentence, trigger), "participle")
        collective = _COLLECTIVE.search(sentence.text[: trigger.start])
        if collective and not _NAMED_GROUP.search(sentence.text, 0, collective.end()):
            return _routed(self._previous_crew(index), "previous_crew")
        if _BEATEN.search(sentence.text, max(0, trigger.end - 8), trigger.end):
            return None
        actor = self._nearest_after(index, sentence, trigger.end, limit_words=ADJACENT_WORDS + 4)
        return _routed(actor, "after_fallback")

    def _rounding_out(self, index: int, sentence: Sentence, before: Result | None) -> list[Found]:
        """Return 'Rounding out the top 10 were A, B, C, D and E': places 6 to 10 in order.

        A list naming no session goes on with the place read just before it in its paragraph
        ('… will start third. Rounding out the top 10 were …': the grid).
        """
        match = _ROUNDING_OUT.search(sentence.text)
        if match is None or is_unreal(
            sentence.text, match.start(), match.end(), subject_after=True
        ):
            return []
        top = ordinal_value(match.group(1))
        things = [
            t for t in self._things(index, sentence) if t[0] >= match.end() and t[2] != "pronoun"
        ]
        things = _apart(things)
        listed = list(itertools.takewhile(
            lambda pair: _LIST_GAP.fullmatch(sentence.text, pair[0][1], pair[1][0]) is not None,
            itertools.pairwise(things),
        ))  # fmt: skip
        things = things[: len(listed) + 1] if things else []
        if top is None or not MIN_ROUNDING_OUT <= len(things) <= top:
            return []
        trigger = Trigger("finish", None, match.start(), match.end(), after=True)
        named = session_mentions(sentence.text)
        found = []
        for offset, thing in enumerate(things):
            actor = self._build(index, sentence, thing)
            if not actor.empty:
                position = top - len(things) + 1 + offset
                result = self._result(sentence, trigger, "finish", position, actor)
                if before and before.paragraph == sentence.paragraph and not named:
                    result = replace(result, session=before.session)
                found.append(Found(result, basis="rounding-out:list"))
        return found

    def _respectively(self, index: int, sentence: Sentence, trigger: Trigger) -> list[Found] | None:
        """Return 'A, B and C finished fifth, eighth and eleventh, respectively' in order.

        None when the sentence is not of that kind; no result when the lists differ in length.
        """
        text = sentence.text
        low, high = clause_bounds(text, trigger.start)
        stated = _RESPECTIVELY.search(text, trigger.end, high) is not None
        places = _PLACE_LIST.search(text, trigger.start, high) if trigger.kind == "finish" else None
        listed = places is not None and places.start() < trigger.end
        if not (stated or listed):
            return None
        if trigger.kind in {"win", "pole"}:
            return self._each_respectively(index, sentence, trigger, low)
        if trigger.kind != "finish":
            return None
        if places is None or places.start() > trigger.end:
            return []
        positions = [ordinal_value(m.group()) for m in _ORD_WORD.finditer(places.group())]
        things = [
            t
            for t in self._things(index, sentence)
            if low <= t[0] and t[1] <= trigger.start and t[2] != "pronoun"
        ]
        things = _apart(things)
        if not stated and _one_team_subject(text, things, trigger.start):
            return None
        things = things[-len(positions) :] if len(things) >= len(positions) else things
        if len(things) != len(positions) or None in positions or not _one_list(text, things):
            return []
        found = []
        for thing, position in zip(things, positions, strict=True):
            actor = self._build(index, sentence, thing)
            if not actor.empty:
                kind: ResultKind = "finish"
                result = self._result(sentence, trigger, kind, position, actor)
                found.append(Found(result, basis=f"{trigger.rule}:respectively"))
        return found

    def _each_respectively(
        self, index: int, sentence: Sentence, trigger: Trigger, low: int
    ) -> list[Found]:
        """Return one win each for 'A and B won Race 1 and Race 2 respectively'."""
        crews = [c for c in self._crews[index] if low <= c.start and c.end <= trigger.start]
        if len(crews) != 1 or len(crews[0].names) < MIN_CREW:
            return []
        found = []
        for name in crews[0].names:
            actor = _Actor((name,), self._car_of((name,)))
            result = self._result(sentence, trigger, trigger.kind, 1, actor)
            found.append(Found(result, basis=f"{trigger.rule}:respectively"))
        return found

    def _participle_subject(
        self, index: int, sentence: Sentence, trigger: Trigger
    ) -> _Actor | None:
        """Return the subject of the main clause after 'Having finished second to X, ...'."""
        comma = sentence.text.find(",", trigger.end)
        if not _LEADING_PARTICIPLE.match(sentence.text) or comma < 0:
            return None
        return self._nearest_after(index, sentence, comma + 1, limit_words=ADJACENT_WORDS + 4)

    def _annulled(self, index: int, sentence: Sentence, trigger: Trigger) -> bool:
        """Tell an outcome taken away later in its sentence ('won ... but were disqualified')."""
        taken = result_words().modality["annulled"].search(sentence.text, trigger.end)
        if taken is None:
            return False
        return not any(
            trigger.end <= t[0] < taken.start() and t[2] != "pronoun"
            for t in self._things(index, sentence)
        )

    def _about_main_race(self, sentence: Sentence, trigger: Trigger) -> bool:
        """Tell whether an outcome is about the article's race (no other race or season named)."""
        season = find_season(sentence.text, self._published, trigger.start, end=trigger.end)
        if season is not None and self._published is not None and season != self._published.year:
            return False
        named = find_event(sentence.text, self._document.aliases, trigger.start, prefer_race=True)
        return named is None or named == self._main_event

    def _possessor(self, index: int, sentence: Sentence, at: int) -> _Actor | None:
        """Return whose outcome a possessive names ('Rast's sixth win', 'the No. 8's victory')."""
        mark = _POSSESSOR.search(sentence.text, max(0, at - POSSESSOR_CHARS), at)
        if mark is None:
            return None
        for thing in self._things(index, sentence):
            if thing[1] == mark.start() and thing[2] != "pronoun":
                return self._build(index, sentence, thing)
        return None

    def _coordination(self, index: int, sentence: Sentence, at: int) -> int | None:
        """Return where 'and' joins a phrase's verb to the sentence's subject ('X ... and won').

        It is the 'and' right before the phrase, or an 'and' with a verb between the phrase and
        the nearest driver, car or team before it.
        """
        if _AND_VERB.search(sentence.text, max(0, at - 6), at):
            return at
        ends = [t[1] for t in self._things(index, sentence) if t[1] <= at and t[2] != "pronoun"]
        if not ends:
            return None
        verb = _COORDINATED_VERB.search(sentence.text, max(ends), at)
        return verb.start() if verb else None

    def _subject(
        self, index: int, sentence: Sentence, at: int, *, until: int | None = None
    ) -> _Actor | None:
        """Return the first driver, car or team of a sentence (the subject of 'and won').

        No clause may end between the subject and `until` (the 'and' joining the verb to it).
        """
        things = [t for t in self._things(index, sentence) if t[0] < at]
        opening = things and things[0][2] == "pronoun" and _opens(sentence.text, things[0][0])
        things = things[:1] if opening else [t for t in things if t[2] != "pronoun"]
        stop = at if until is None else until
        if not things or _GAP_STOP.search(sentence.text, things[0][1], stop):
            return None
        return self._build(index, sentence, things[0])

    def _things(self, index: int, sentence: Sentence) -> tuple[tuple[int, int, str, object], ...]:
        """Return a sentence's drivers, crews, cars, teams and pronouns in order (read once)."""
        if index not in self._mentions:
            self._mentions[index] = tuple(self._read_things(index, sentence))
        return self._mentions[index]

    def _read_things(self, index: int, sentence: Sentence) -> list[tuple[int, int, str, object]]:
        things: list[tuple[int, int, str, object]] = []
        for crew in self._crews[index]:
            things.append((crew.start, crew.end, "crew", crew))
        for car in sentence.cars:
            things.append((car.start, car.end, "car", car))
        for team in sentence.teams:
            things.append((team.start, team.end, "team", team))
        for person in sentence.people:
            if _is_team_name(person.text):
                start, end = person.start - sentence.start, person.end - sentence.start
                team = TeamFound(start, end, person.text, person.text)
                things.append((start, end, "team", team))
        for at in sentence.pronouns:
            things.append((at, at + 2, "pronoun", at))
        for match in _descriptor().finditer(sentence.text):
            things.append((match.start(), match.end(), "pronoun", match.start()))
        if self._main_team:
            for match in _THE_TEAM.finditer(sentence.text):
                team = TeamFound(match.start(), match.end(), match.group(), self._main_team)
                things.append((match.start(), match.end(), "team", team))
        return sorted(things, key=lambda t: t[0])

    def _nearest_before(self, index: int, sentence: Sentence, at: int) -> _Actor | None:
        asides = [
            (m.start(), m.end())
            for m in _ASIDE.finditer(sentence.text, max(0, at - MAX_ACTOR_CHARS), at)
        ]
        before = [
            t
            for t in self._things(index, sentence)
            if t[0] < at
            and not any(lo <= t[0] < hi for lo, hi in asides)
            and not _POSSESSIVE.match(sentence.text, t[1])
            and not _BEATEN_SIDE.search(sentence.text, max(0, t[0] - BEATEN_SIDE_CHARS), t[0])
        ]
        if not before:
            return None
        thing = max(before, key=lambda t: t[1] if t[1] <= at else at)
        if at - thing[1] > MAX_ACTOR_CHARS or _CLAUSE_TURN.search(sentence.text, thing[1], at):
            return None
        if len(_WORD.findall(sentence.text[thing[1] : at])) > MAX_ACTOR_WORDS:
            return None
        return self._build(index, sentence, thing)

    def _nearest_after(
        self, index: int, sentence: Sentence, at: int, *, limit_words: int
    ) -> _Actor | None:
        after = [t for t in self._things(index, sentence) if t[0] >= at and t[2] != "pronoun"]
        if not after:
            return None
        thing = after[0]
        if thing[0] - at > MAX_ACTOR_CHARS or _OVER.search(sentence.text, at, thing[0]):
            return None
        if len(_WORD.findall(sentence.text[at : thing[0]])) > limit_words:
            return None
        return self._build(index, sentence, thing)

    def _build(self, index: int, sentence: Sentence, thing: tuple[int, int, str, object]) -> _Actor:
        if _EXAMPLES_BEFORE.search(sentence.text, max(0, thing[0] - EXAMPLES_CHARS), thing[0]):
            return _Actor()
        start, end, kind, value = thing
        crews = self._crews[index]
        if kind == "crew":
            crew = value if isinstance(value, Crew) else None
            if crew is None:
                return _Actor()
            if len(crew.names) == 1 and crew.names[0] in self._owners:
                return _Actor(team=self._owners[crew.names[0]])
            bracketed = sentence.text[:start].rstrip().endswith("(")
            car = crew.car or (_car_just_before(sentence, start) if bracketed else None)
            car = car or _car_adjacent(sentence, crew.end) or _own_car(sentence)
            return _Actor(tuple(crew.names), car, _team_near(sentence, start, end))
        if kind == "car":
            number = getattr(value, "text", None)
            crew = _crew_for_car(crews, sentence, start, number)
            drivers = tuple(crew.names) if crew else self._drivers_of(sentence, number)
            return _Actor(
                drivers, number, _team_near(sentence, start, end + RESULT_TEAM_NEAR_CHARS)
            )
        if kind == "team" and _DRIVER_HEAD.match(sentence.text, end):
            name = self._person_before(sentence.paragraph, sentence.start + start)
            team = getattr(value, "canonical", None)
            return _Actor((name,), None, team) if name else _Actor(team=team)
        if kind == "team":
            team = getattr(value, "canonical", None)
            car = _car_just_before(sentence, start)
            crew = None if car else _crew_before(crews, sentence, start)
            car = car or (crew.car if crew else None) or _car_adjacent(sentence, end)
            if crew is None and car is None:
                crew = _crew_after_team(crews, sentence, end)
                car = crew.car if crew else None
            if crew is None and car is None:
                crew = _crew_with_car_before(crews, start) or _only_crew_with_car(crews)
                crew = crew if crew and _same_side(sentence, crew, start) else None
                car = crew.car if crew else _car_named_for(sentence, getattr(value, "text", ""))
                car = car or _own_car(sentence)
            if crew is None and car is not None:
                crew = _crew_for_car(crews, sentence, start, car)
            drivers = tuple(crew.names) if crew else self._drivers_of(sentence, car)
            return _Actor(drivers, car, team)
        if kind == "pronoun" and _PLURAL.match(sentence.text, start):
            return self._plural_antecedent(index, start)
        name = self._person_before(sentence.paragraph, sentence.start + start)
        if name in self._owners:
            return _Actor(team=self._owners[name])
        return _Actor((name,) if name else ())

    def _plural_antecedent(self, index: int, at: int) -> _Actor:
        """Return the crew or car 'they' stands for: the nearest before it, here or one back."""
        for k in (index, index - 1):
            if k < 0:
                break
            sentence = self._document.sentences[k]
            limit = at if k == index else len(sentence.text)
            cars = [
                t
                for t in self._things(k, sentence)
                if t[1] <= limit
                and (t[2] == "car" or (isinstance(t[3], Crew) and len(t[3].names) >= MIN_CREW))
            ]
            if cars:
                return self._build(k, sentence, cars[-1])
        return _Actor()

    def _team_car(self, team: str) -> str | None:
        """Return the one car the article names with a team ('the #3 DKR Engineering Oreca')."""
        cars = self._cars_of_teams().get(team, set())
        return next(iter(cars)) if len(cars) == 1 else None

    def _cars_of_teams(self) -> dict[str, set[str]]:
        """Return the cars the article names with each team (built once)."""
        if self._team_cars is None:
            self._team_cars = {}
            for sentence in self._document.sentences:
                if len(sentence.text) > MAX_SENTENCE_CHARS:
                    continue
                for car in sentence.cars:
                    near = _team_near(sentence, car.start, car.end)
                    if near:
                        self._team_cars.setdefault(near, set()).add(car.text)
        return self._team_cars

    def _drivers_in_article(self, car: str) -> tuple[str, ...]:
        """Return the drivers the article gives a car, if it gives it one crew."""
        crews = {tuple(names) for (_, number), names in self._car_drivers.items() if number == car}
        return crews.pop() if len(crews) == 1 else ()

    def _car_of(self, drivers: tuple[str, ...]) -> str | None:
        """Return the one car the article gives these drivers, if exactly one."""
        cars = {car for driver in drivers for car in self._cars_by_driver.get(driver, ())}
        return cars.pop() if len(cars) == 1 else None

    def _drivers_of(self, sentence: Sentence, car: str | None) -> tuple[str, ...]:
        for paragraph in (sentence.paragraph, sentence.paragraph - 1):
            names = self._car_drivers.get((paragraph, car or ""))
            if names:
                return tuple(names)
        return ()

    def _person_before(self, paragraph: int, offset: int) -> str | None:
        """Return whom a pronoun stands for: the first person of the latest sentence naming one."""
        index = bisect_left(self._sentence_keys, (paragraph, offset)) - 1
        sentences = self._document.sentences
        for sentence in sentences[max(0, index - PRONOUN_LOOKBACK + 1) : index + 1][::-1]:
            for person in sentence.people:
                if not _is_named_person(sentence, person):
                    continue
                if person.name and (person.paragraph, person.start) < (paragraph, offset):
                    return person.name
        position = bisect_left(self._keys, (paragraph, offset))
        return self._refs[position - 1].name if position else None

    def _previous_crew(self, index: int) -> _Actor | None:
        for crew in reversed(self._crews[index - 1] if index else []):
            if len(crew.names) >= MIN_CREW:
                return _Actor(tuple(crew.names), crew.car)
        return None


def _is_person(
    sentence: Sentence, person: PersonRef, classes: list[tuple[int, int, str]], *, listed: bool
) -> bool:
    """Tell a person from a name that is a class, a make or part of a place (Yas Marina)."""
    start, after = person.start - sentence.start, person.end - sentence.start
    if any(lo < after and start < hi for lo, hi, _ in classes):
        return False
    return _is_named_person(sentence, person, listed=listed)


def _is_named_person(sentence: Sentence, person: PersonRef, *, listed: bool = False) -> bool:
    """Tell a person from a name that is a team, holds a make, follows an article or is a place."""
    if _names_a_thing(person.text, listed=listed) or _names_a_thing(person.name, listed=listed):
        return False
    start, after = person.start - sentence.start, person.end - sentence.start
    if _ARTICLE_BEFORE.search(sentence.text, max(0, start - ARTICLE_CHARS), start):
        return False
    return result_words().place_words.pattern.match(sentence.text, after + 1) is None


def _one_team_subject(text: str, things: list[tuple[int, int, str, object]], at: int) -> bool:
    """Tell 'Peugeot finished seventh and eighth': one team (or none named) holds every place."""
    if not things:
        return True
    if len(things) != 1 or things[0][2] != "team":
        return False
    return len(_WORD.findall(text, things[0][1], at)) <= 1


def _apart(things: list[tuple[int, int, str, object]]) -> list[tuple[int, int, str, object]]:
    """Return mentions without those starting inside the one before (a car inside a crew)."""
    return [t for k, t in enumerate(things) if not k or t[0] >= things[k - 1][1]]


def _one_list(text: str, things: list[tuple[int, int, str, object]]) -> bool:
    """Tell whether mentions form one list ('A, B and C', 'the No. 705 and the No. 45')."""
    return all(
        _LIST_GAP.fullmatch(text, left[1], right[0]) for left, right in itertools.pairwise(things)
    )


def _opens(text: str, at: int) -> bool:
    """Tell whether a mention opens its sentence (at most a few words before it)."""
    return len(_WORD.findall(text, 0, at)) <= SUBJECT_WORDS


def _names_a_thing(name: str | None, *, listed: bool = False) -> bool:
    """Tell a name read as a person that is a team or holds a make ('Ford Mustangs').

    In a list of people a make may be a surname ('A, Andrew Bentley and B'): only the words
    before the last are checked there.
    """
    if not name:
        return False
    makes = result_words().makes
    words = _NAME_WORD.findall(name)
    checked = words[:-1] if listed else words
    return _is_team_name(name) or any(word in makes for word in checked)


def _is_team_name(name: str) -> bool:
    """Tell a team read as a person ('United Autosports') by its last word."""
    parts = name.split()
    return len(parts) > 1 and parts[-1] in result_words().team_words


def _plausible_crews(
    sentence: Sentence, crews: list[Crew], classes: list[tuple[int, int, str]]
) -> list[Crew]:
    """Return a sentence's crews without the names that are not people (empty crews dropped)."""
    if not crews or len(sentence.text) > MAX_SENTENCE_CHARS:
        return crews
    kept = []
    for crew in crews:
        listed = len(crew.members) >= MIN_CREW
        members = [m for m in crew.members if _is_person(sentence, m, classes, listed=listed)]
        if len(members) == len(crew.members):
            kept.append(crew)
        elif members:
            kept.append(replace(crew, members=members))
    return kept


def _car_drivers(document: Document, crews: list[list[Crew]]) -> dict[tuple[int, str], list[str]]:
    """Return the drivers each car is given in each paragraph (prose crews and captions)."""
    by_car: dict[tuple[int, str], list[str]] = {}
    for index, sentence_crews in enumerate(crews):
        paragraph = document.sentences[index].paragraph
        for crew in sentence_crews:
            if crew.car and len(crew.names) >= MIN_CREW:
                names = by_car.setdefault((paragraph, crew.car), [])
                names.extend(n for n in crew.names if n not in names)
    for caption in document.captions:
        names = by_car.setdefault((caption.paragraph, caption.car), [])
        names.extend(document.resolver.resolve(d) for d in caption.drivers if d not in names)
    return by_car


def main_event(document: Document) -> str | None:
    """Return the race the article names most often (the one named first on a tie)."""
    known: dict[str, tuple[int, int]] = {}
    generic: dict[str, tuple[int, int]] = {}
    for order, sentence in enumerate(document.sentences):
        for found in known_events(sentence.text, document.aliases):
            if is_championship(found.canonical) or refers_elsewhere(sentence.text, found.end):
                continue
            count, first = known.get(found.canonical, (0, order))
            known[found.canonical] = (count + 1, first)
        for match in GENERIC_EVENT.finditer(sentence.text):
            name = _LEADING_ARTICLE.sub("", match.group().strip())
            if is_championship(name) or refers_elsewhere(sentence.text, match.end()):
                continue
            same = next((g for g in generic if g.startswith(name) or name.startswith(g)), None)
            if same is None and len(generic) >= MAX_GENERIC_EVENTS:
                continue
            count, first = generic.pop(same) if same is not None else (0, order)
            key = name if same is None or len(name) > len(same) else same
            generic[key] = (count + 1, first)
    ranked = [(count, -first, True, name) for name, (count, first) in known.items()]
    ranked += [(count, -first, False, name) for name, (count, first) in generic.items()]
    return max(ranked)[3] if ranked else None  # on a tie, a known race before a name read


def main_team(document: Document) -> str | None:
    """Return the team the article names most often (the first one named on a tie)."""
    counts: dict[str, int] = {}
    for sentence in document.sentences:
        for team in sentence.teams:
            counts[team.canonical] = counts.get(team.canonical, 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else None


def find_owners(
    document: Document, crews: list[list[Crew]], tables: list[Result]
) -> dict[str, str]:
    """Return people who give their name to a team in the article (owners), with the team.

    Drivers are none: those of crews, of cars and of result tables ('2nd – Graham Rahal, Rahal
    Letterman Lanigan Racing').
    """
    team_words: dict[str, str] = {}
    for sentence in document.sentences:
        for team in sentence.teams:
            for word in team.text.split():
                team_words.setdefault(word.casefold(), team.canonical)
    drivers = {
        n for c in (c for cs in crews for c in cs) if len(c.names) >= MIN_CREW for n in c.names
    }
    drivers |= {d for r in tables for d in r.drivers}
    near_cars = set()
    for sentence in document.sentences:
        starts = [car.start for car in sentence.cars]
        for person in sentence.people:
            rel = person.end - sentence.start
            k = bisect_left(starts, rel)
            if k < len(starts) and starts[k] - rel <= OWNER_CAR_GAP:
                near_cars.add(person.name)
    owners: dict[str, str] = {}
    for sentence in document.sentences:
        for person in sentence.people:
            name = person.name
            if not name or name in drivers or name in near_cars or " " not in name:
                continue
            owned = team_words.get(name.split()[-1].casefold())
            if owned:
                owners[name] = owned
    return owners


def _aboard(text: str, clause: tuple[int, int]) -> str | None:
    """Return the one car a clause puts its subject in ('won ... aboard the #8')."""
    cars = {m.group(1) for m in _ABOARD.finditer(text, clause[0], clause[1])}
    return cars.pop() if len(cars) == 1 else None


def _car_named_for(sentence: Sentence, team: str) -> str | None:
    """Return the one car of a sentence described with the team's name ('No. 62 Brand ...')."""
    word = team.split()[0] if team.split() else ""
    cars = [
        car.text
        for car in sentence.cars
        if word and word in sentence.text[car.end : car.end + RESULT_TEAM_NEAR_CHARS].split()
    ]
    return cars[0] if len(set(cars)) == 1 else None


def _car_just_before(sentence: Sentence, at: int) -> str | None:
    """Return the car named right before a mention, in its clause and on its side."""
    for car in reversed(sentence.cars):
        if car.end <= at:
            gap = sentence.text[car.end : at]
            near = len(_WORD.findall(gap)) <= ADJACENT_WORDS
            return car.text if near and not _parted(gap) else None
    return None


def _own_car(sentence: Sentence) -> str | None:
    match = _OWN_CAR.search(sentence.text)
    return match.group(1) if match else None


def _event_for(kind: ResultKind, event: str | None) -> str | None:
    """Keep a championship for a title and a race for anything else."""
    return event if (kind == "title") == is_championship(event) else None


def _only_crew_with_car(crews: list[Crew]) -> Crew | None:
    found = [c for c in crews if c.car and len(c.names) >= MIN_CREW]
    return found[0] if len(found) == 1 else None


def _crew_after_team(crews: list[Crew], sentence: Sentence, at: int) -> Crew | None:
    """Return the crew a team introduces ('Real Racing Honda pair A and B')."""
    for crew in crews:
        if crew.start >= at and len(crew.names) >= MIN_CREW:
            gap = sentence.text[at : crew.start]
            near = len(_WORD.findall(gap)) <= ADJACENT_WORDS and not _GAP_STOP.search(gap)
            return crew if near and not _OVER.search(gap) else None
    return None


def _same_side(sentence: Sentence, crew: Crew, at: int) -> bool:
    """Tell whether nothing between a crew and a team makes one the other's rival."""
    low, high = sorted((crew.end, at))
    return not _parted(sentence.text[low:high])


def _parted(gap: str) -> bool:
    """Tell a gap that puts its two sides apart: a rival phrase or a turn of clause."""
    return bool(_OVER.search(gap) or _CLAUSE_TURN.search(gap))


def _crew_with_car_before(crews: list[Crew], at: int) -> Crew | None:
    found = [c for c in crews if c.car and len(c.names) >= MIN_CREW and c.start < at]
    return found[-1] if found else None


def _car_adjacent(sentence: Sentence, at: int) -> str | None:
    """Return the car named right after a phrase, unless it is the one beaten ('from the #36')."""
    for car in sentence.cars:
        gap = sentence.text[at : car.start]
        if car.start >= at and len(_WORD.findall(gap)) <= ADJACENT_WORDS:
            return None if _OVER.search(gap) else car.text
    return None


def _crew_for_car(
    crews: list[Crew], sentence: Sentence, at: int, number: str | None
) -> Crew | None:
    for crew in crews:
        if crew.car == number and len(crew.names) > 1:
            return crew
    return _crew_before(crews, sentence, at)


def _crew_joined_after(crews: list[Crew], sentence: Sentence, at: int) -> Crew | None:
    """Return the crew a team's outcome names after it ('won in GT3 with A and B')."""
    for crew in crews:
        if crew.start < at or len(crew.names) < MIN_CREW:
            continue
        gap = sentence.text[at : crew.start]
        if len(_WORD.findall(gap)) > JOINED_CREW_WORDS or _GAP_STOP.search(gap):
            return None
        return crew if _JOINS_CREW.search(gap) else None
    return None


def _crew_before(crews: list[Crew], sentence: Sentence, at: int) -> Crew | None:
    before = [c for c in crews if c.end <= at]
    if not before:
        return None
    crew = before[-1]
    gap = sentence.text[crew.end : at]
    if len(_WORD.findall(gap)) > ADJACENT_WORDS + 4 or _GAP_STOP.search(gap) or _OVER.search(gap):
        return None
    return crew


def _team_near(sentence: Sentence, start: int, end: int) -> str | None:
    """Return a team named near a car or crew, in the same clause."""
    for team in sentence.teams:
        if start - RESULT_TEAM_NEAR_CHARS <= team.start <= end + RESULT_TEAM_NEAR_CHARS:
            low, high = sorted((start, team.start))
            if not (
                _GAP_STOP.search(sentence.text, low, high) or _OVER.search(sentence.text, low, high)
            ):
                return team.canonical
    return None


@dataclass(frozen=True, slots=True)
class Found:
    """A result with what merging needs: relative season (-1 'last year') and scope (class)."""

    result: Result
    when: int = 0
    scope: str = ""
    whose: str | None = None
    basis: str = ""
    """How it was read: the outcome pattern and the way to its actor ('12:before')."""


def _same_time(a: Found, b: Found) -> bool:
    x, y = a.result, b.result
    if x.kind == "title" and x.event and y.event and x.event != y.event:
        return False
    if x.season and y.season and x.season != y.season:
        return False
    if not (x.season and y.season) and a.when != b.when:
        return False
    if a.scope != b.scope and not (x.car and x.car == y.car):
        return False
    races = not is_championship(x.event) and not is_championship(y.event)
    return not (races and x.event and y.event and not _same_race(x.event, y.event))


def _fuller_event(one: str | None, other: str | None) -> str | None:
    """Return the first event named, or the fuller name when both name one race."""
    if one and other and _same_race(one, other):
        return max(one, other, key=len)
    return one or other


def _same_race(one: str, other: str) -> bool:
    """Tell whether two event names are one race named more or less fully."""
    return one.startswith(other) or other.startswith(one)


def _same_subject(a: Result, b: Result, car_drivers: dict[str, set[str]]) -> bool:
    disjoint = a.drivers and b.drivers and not set(a.drivers) & set(b.drivers)
    if a.kind == "title" and disjoint:
        return False
    if a.car and b.car:
        return a.car == b.car
    if set(a.drivers) & set(b.drivers):
        return True
    for one, other in ((a, b), (b, a)):
        if one.car and not other.car and set(other.drivers) & car_drivers.get(one.car, set()):
            return True
    bare_a = not (a.car or a.drivers)
    bare_b = not (b.car or b.drivers)
    if not (bare_a or bare_b):
        return False
    if a.team and b.team:
        return a.team == b.team
    if bare_a != bare_b and a.kind != "title":
        return True
    return a.paragraph == b.paragraph


def _compatible(a: Found, b: Found, car_drivers: dict[str, set[str]]) -> bool:
    x, y = a.result, b.result
    if (x.kind, x.position) != (y.kind, y.position):
        return False
    if x.kind == "title" and a.whose and b.whose and a.whose != b.whose:
        return False  # a drivers' title and the teams' title are two titles
    return _same_time(a, b) and _same_subject(x, y, car_drivers)


def merge_results(
    results: list[Found], car_drivers: dict[str, set[str]] | None = None
) -> list[Found]:
    """Merge results that state the same outcome twice (same kind, place, season and subject)."""
    car_drivers = car_drivers or {}
    merged: list[Found] = []
    for found in results:
        first = max(0, len(merged) - MAX_MERGE_LOOKBACK)
        for k in range(first, len(merged)):
            if _compatible(merged[k], found, car_drivers):
                merged[k] = replace(merged[k], result=_combine(merged[k].result, found.result))
                break
        else:
            merged.append(found)
    return merged


def _combine(a: Result, b: Result) -> Result:
    drivers = tuple(dict.fromkeys(a.drivers + b.drivers))
    return replace(
        a,
        car=a.car or b.car,
        drivers=drivers,
        team=a.team or b.team,
        event=_fuller_event(a.event, b.event),
        detail=a.detail or b.detail,
        season=a.season or b.season,
    )


def _holder_fits(found: Found) -> bool:
    """Tell a holder that can hold the title read: drivers hold no manufacturers' title."""
    scope = found.whose or ""
    return not (scope.startswith(("manufacturers", "constructors")) and found.result.drivers)


def _restated(table: Result, results: list[Result]) -> bool:
    """Tell a table's result that the prose already states (or states for someone else)."""
    for other in results:
        if other.kind != table.kind or other.position != table.position:
            continue
        if other.session != table.session or other.race_class not in {None, table.race_class}:
            continue
        return True
    return False

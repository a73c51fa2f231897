"""Find which drivers share which car: photo captions and crews named in prose."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import cache

from bot.extraction.document import Document, PersonRef, Sentence
from bot.extraction.result_words import result_words
from bot.extraction.text import Span
from bot.extraction.words import alternation, words
from bot.text import CLAUSE_FULL_STOP, is_abbreviation

MAX_LINK_WORDS = 14
MIN_SLASHED = 2
MAX_WORDS_BEFORE_COMMA = 3
MAX_PRE_CREW_GAP_WORDS = 10
FOCUS_LOOKBACK = 3
SHARING_CHARS = 160
MAX_SENTENCE_CHARS = 3000
MAX_CAR_GAP_CHARS = 120
"""The longest make, model and connector between a car number and the crew it introduces."""
JOINED_WINDOW = 40
"""Characters before a name searched for 'joins (the)' (the cue is short)."""

_AND_WORD = re.compile(r"\band\b|&|,")
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
_SLASH = re.compile(r"\A\s*/\s*\Z")
_SHARES = re.compile(
    r"\A(?:\s*,[^,;]{1,120},)?\s+(?:will\s+)?(?:[a-z][\w\-’']*\s+){0,4}?"
    r"(?:shares?|shared|sharing|drives?|drove|driving|co-drives?|co-drove|in|into|joins?|joined|"
    r"rejoins?|returns?\s+to|moves?\s+to|switch(?:es)?\s+to)\s+"
    r"(?:(?:the\s+)?(?:cockpit|wheel|seat)\s+of\s+)?"
    r"(?:the\s+|his\s+|her\s+|their\s+)?(?:[a-z][\w\-]*\s+)?(?:#\s?|No\.\s?)(\d{1,3})\b"
    r"(?:(?!\bwith\b)[^,.;:]){0,60}?\s+(?:with|alongside)\s+\Z"
)
_SHARED_CLAUSE = re.compile(
    r"\A\s+(?:[a-z][\w\-’']*\s+){1,4}?(?:the|his|her|their)\s+(?:[a-z][\w\-]*\s+)?"
    r"(?:#\s?|No\.\s?)(\d{1,3})\b[^,.;:]{0,60}?\s+(?:that|which)\s+(?:he|she|they)\s+"
    r"(?:(?:was|is|were|are|had\s+been|will\s+be)\s+)?"
    r"(?:sharing|shares|share|shared|co-driving|co-drives|co-drove)\s+with\s+\Z"
)
"""'A put the #59 Mustang that he was sharing with B': the car A and the crew after share."""
MAX_HANDOVER_CHARS = 220
"""The longest text between a driver and the teammate they hand the car to."""
_HANDOVER = re.compile(
    rf"\A(?:(?!{CLAUSE_FULL_STOP}|[;!?“”\"]).){{0,{MAX_HANDOVER_CHARS}}}?"
    r"\b(?:hand(?:s|ed|ing)?|pass(?:es|ed|ing)?)\s+(?:over\s+)?(?:the|his|her)\s+"
    r"(?:car|machine|wheel|seat|entry)\s+(?:over\s+)?to\s+(?:(?:his|her)\s+)?"
    r"(?:teammate|team-mate|co-driver)?\s*\Z",
    re.DOTALL,
)
"""'A ... in the No. 34 before handing the car over to teammate B': A and B drive one car."""
MAX_BARE_LIST_CHARS = 160
"""The longest list of names standing alone: '#6 (Estre, Vanthoor, Campbell)'."""
LIST_CAR_WINDOW = 80
"""Characters before a parenthesis searched for the car number its list of names belongs to."""
_BARE_LIST = re.compile(
    rf"\(([^()]{{1,{MAX_BARE_LIST_CHARS}}})\)|"
    rf"\bwith\s+([^.;:!?()]{{1,{MAX_BARE_LIST_CHARS}}}?)\s+(?:behind|at)\s+the\s+wheel\b"
)
_CAR_BEFORE_LIST = re.compile(
    r"(?:#\s?|No\.\s?)\d{1,3}\b(?:\s+[A-Z0-9][\w.\-’']*){0,4}(?:\s+(?:car|entry|machine))?\s*,?\s*\Z"
)
_LIST_REST = re.compile(
    r"\A(?:\s*(?:,|/|&|\band\b)\s*)*"
    r"(?:(?:one|two|a|another|a\s+third)\s+(?:more\s+|other\s+)?(?:drivers?\s+)?(?:yet\s+)?"
    r"to\s+be\s+(?:announced|confirmed|named|decided)\s*)?\Z"
)
"""What a list of names may hold besides them: glue, and a seat still to be announced."""
_FORMER_LATTER = re.compile(
    r"\s*,?\s*(?:in|driving|piloting|aboard|sharing|for)\s+the\s+(former|latter)\b"
)
"""'A, B and C in the former and D, E and F in the latter': the two cars named before."""
_BARE_GLUE = re.compile(r"\A\s*(?:,|/|,?\s*(?:and|&))\s*\Z")
_GLUE = re.compile(r"\A\s*(?:,|,?\s*(?:and|&)(?:\s+[a-z][\w\-]*){0,3})\s*\Z")
_APPOSITIVE = re.compile(r"\A\s*,[^,.;:!?()\"“”]{1,80},\s*and\s*\Z")
_LINK_BLOCK = re.compile(r"[.;:!?—–()\"“”#\d]|\A\s*['’]s?\b")
_LINK_WORD = re.compile(
    r"\b(?:join|joins|joined|joining|teammates?|alongside|partners?|partnered|paired|"
    r"co-drivers?|returnees?|(?<=won\s)(?:[\w\-]+\s+){0,3}?with|"
    r"line-?up\s+(?:that\s+)?(?:already\s+)?(?:includes|included|features|featuring|including)|"
    r"(?:shared|sharing|shares|drove|drives|driving|co-drove|raced|teamed|won)\s+"
    r"(?:[\w\-]+\s+){0,3}?with)\b"
)
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_COLLECTIVE = re.compile(
    r"\b(?:foursome|trio|quartet|duo|pair|pairing|crew|line-?up|drivers|teammates)\b",
    re.IGNORECASE,
)
_STOP_BETWEEN = re.compile(rf"[;:!?—–]|{CLAUSE_FULL_STOP}")
_SENTENCE_STOP = re.compile(rf"[;:!?]|{CLAUSE_FULL_STOP}")
_AND = re.compile(r"\A\s*(?:and|&)\s*\Z")
_PLACE_WORDS = frozenset({"at", "in", "near", "from", "to", "between", "including"})
"""Words before a list that make it one of places or things, not of surnames."""
_JOINS_TEAM = re.compile(
    r"\b(?:join|joins|joined|joining|rejoin|rejoins)\s+(?:the\s+)?"
    r"(?:[A-Z][\w&'’\-]*\s+){1,4}(?=(?:alongside|with)\b)"
)
_JOINED = re.compile(r"\b(?:join|joins|joined|joining|rejoin|rejoins)\s+(?:the\s+)?\Z")
_POSSESSIVE_PARTNER = re.compile(
    r"\A['’]s?\s+(?:long-?time\s+|regular\s+|new\s+)?co-drivers?\s+\Z",
    re.IGNORECASE,
)
_SHARING = re.compile(
    r",\s*(?:(?:sharing|who\s+shared|who\s+shares|having\s+shared)\b[^,;]{0,80}?\bwith|"
    r"(?:where|and)\s+(?:he|she)\s+(?:will\s+be|is|was|has\s+been)\s+"
    r"(?:joined|partnered|accompanied)\s+by)\s+\Z"
)
_JOINING_THEM = re.compile(
    r"\s+(?:(?:joining|will\s+join|joins)\s+(?:them|him|her)|"
    r"(?:completing|completes|rounding\s+out|rounds\s+out)\s+the\s+line-?up)\b"
)
_JOINING_OPENER = re.compile(r"\s*(?:Joining|Alongside|Partnering)\b")
_WILL_BE = re.compile(
    r"\b(?:will\s+be|is|are|was|were)\s+(?:(?:[\w\-]+\s+){0,3}?(?:driver|champion|racer|star))?\s*\Z",
    re.IGNORECASE,
)
_HARD_STOP = re.compile(rf"[;!?]|{CLAUSE_FULL_STOP}")
_TIGHT_CAR = re.compile(
    r"(?:\A|\b(?:in|aboard|driving|drove|drives|sharing|shared|shares|piloting|piloted|pilots|"
    r"steering|steered|taking\s+control\s+of|at\s+the\s+wheel\s+of|behind\s+the\s+wheel\s+of))\s+"
    r"(?:the|their|his|her)\s+(?:[a-z][\w\-]*\s+)?\Z|\A\s*\(\s*\Z"
)
"""'A and B ... in the No. 7', or the car in parentheses right after the crew ('A/B (#55 …)')."""
MAX_TIGHT_WORDS = 8
MIN_ONE_DRIVER_MENTIONS = 2
"""Mentions of one-driver series an article needs to be read as one of theirs."""
MAX_SOLO_WORDS = 16
"""Words at most between a one-driver series driver and the car they are said to be in."""
_OWNED = re.compile(r"['’]s?\s+(?:#\s?|No\.\s?)(\d{1,3})\b")
_OWNER_LINK = re.compile(
    r",?\s+(?:who\s+)?(?:brought|drove|drives|steered|guided|piloted|put|took\s+over|in)\s+"
    r"(?:the|his|her)\s+(?:#\s?|No\.\s?)(\d{1,3})\b"
)
_DRIVER_OF = re.compile(
    r",?\s+(?:the\s+)?(?:driver\s+of|with(?:\s+sister)?|aboard)\s+(?:the\s+|his\s+|her\s+)?"
    r"(?:[A-Z][\w&'’\-]*\s+){0,4}(?:\d{3}[A-Z]?\s+)?(?:#\s?|No\.\s?)(\d{1,3})\b"
)
_AND_TEAM = re.compile(
    r"\s+and\s+(?:the|his|her)\s+(?:#\s?|No\.\s?)(\d{1,3})\b(?:\s+[A-Z][\w&'’\-]*){0,5}\s+team\b"
)
"""'X and the No. 24 Hendrick Chevrolet team': in a one-driver series, X drives the 24."""
MAX_APPOSITION_CHARS = 160
_APPOSITION = re.compile(rf",[^,;:!?“”\"]{{1,{MAX_APPOSITION_CHARS}}},(?=\s+[a-z])")
"""'Dixon, bidding for a win that would tie him with A, was second in the No. 9': skipped."""
_OWNER_CODRIVERS = re.compile(r"\b(?:[Hh]is|[Hh]er)\s+(?:[a-z\-]+\s+)?co-drivers?\s+\Z")
_CODRIVER_OF = re.compile(r",\s*(?:his|her)\s+(?:[a-z\-]+\s+)?co-drivers?\b")
GROUP_SIZES = {"pair": 2, "duo": 2, "trio": 3, "quartet": 4, "foursome": 4}
_LIST_HEAD = re.compile(
    r"(?:[^.!?;]{0,30}[–—:]\s*|\s*(?:P\d{1,2}|\d{1,2}(?:st|nd|rd|th)?\.?)\s*[–—:\-.]?\s*|\s*)\Z"
)
_CAR_OF = re.compile(r"(?:\s+[A-Z0-9][\w.\-]*){0,5}\s+of\s+[A-Z]")
_CLAUSE_BREAK = re.compile(r",\s*(?:while|whereas|but)\b")
_RELATIVE = re.compile(
    r"\b(?:who|which|whose)\s+(?:\w+\s+){0,2}?"
    r"(?:teamed|teams|shares|shared|partnered|partners|drove|drives)\b",
    re.IGNORECASE,
)
"""A relative clause that ties a crew to the person before it ('who teamed up with A')."""
_GROUP_CAR = re.compile(
    r"\b(?:[Tt]heir|[Tt]he\s+(?:trio|pair|duo|quartet|foursome|crew|pairing)['’]s?)\s+"
    r"(?:[\w\-]+\s+)?(?:#\s?|No\.\s?)(\d{1,3})\b|\A\s*(?:The\s+)?(?:#\s?|No\.\s?)(\d{1,3})\b|"
    r"\A\s*The\s+(?:[A-Z][\w\-]+\s+)?(trio|pair|duo|quartet|foursome)\b"
    r"[^.;]{0,100}?\b(?:the|their)\s+(?:#\s?|No\.\s?)(\d{1,3})\b"
)


@dataclass(frozen=True, slots=True)
class _Patterns:
    """The line-up patterns built from the word lists of data/words.toml."""

    connector: re.Pattern[str]
    glue: re.Pattern[str]
    one_driver: re.Pattern[str]
    shared_car: re.Pattern[str]
    relative: re.Pattern[str]
    slash_role: re.Pattern[str]
    car_then_crew: re.Pattern[str]
    nationality: re.Pattern[str]
    rival: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    """Build the patterns made of word lists (once, on first use)."""
    lists = words()
    connector = alternation(lists.crew_connectors)
    roles = alternation(lists.roles)
    prefixes = alternation(tuple(lists.name_prefixes))
    return _Patterns(
        connector=re.compile(rf"\b(?:{connector})\b", re.IGNORECASE),
        glue=re.compile(
            r"\A\s*(?:,\s*|,?\s*(?:and|&|as\s+well\s+as)\s+)(?:the\s+(?:two\s+|three\s+)?)?"
            rf"(?i:{prefixes})\s*\Z"
        ),
        one_driver=re.compile(rf"\b(?:{alternation(lists.one_driver_series)})\b"),
        shared_car=re.compile(rf"\b(?:{alternation(lists.shared_car_series)})\b"),
        relative=re.compile(
            rf"\A\s*,\s*who\s+[^,;.!?“”\"]{{0,120}}?\b(?:{connector})\s+\Z", re.IGNORECASE
        ),
        slash_role=re.compile(rf"\A\s*/\s*(?:[\w\-]+\s+){{0,4}}(?:{roles})\s+\Z", re.IGNORECASE),
        car_then_crew=re.compile(
            r"(?:\s+(?:[A-Z0-9][\w.\-/’']{0,40}|w/\S{0,40}|&|[–—](?=\s+[A-Z0-9])|"
            r"of(?=\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3}\s+(?:driven|shared|crewed|piloted)\b)))*?"
            rf"(?:\s+(?:{alternation(lists.car_nouns)}))?"
            rf"\s*,?\s*(?<!\S)(?:{alternation(lists.car_connectors)})"
            rf"\s+(?:(?:[\w\-]+\s+){{0,3}}(?i:{roles})\s+)?\Z"
        ),
        rival=re.compile(
            rf"\b(?:{alternation(lists.rival_phrases)})\b(?!\s+the\s+wheel)", re.IGNORECASE
        ),
        nationality=re.compile(
            rf"\s*(?:\(\s*(?:{alternation(lists.countries)}|[A-Z]{{2,3}})\s*\)|"
            rf"from\s+(?:{alternation(lists.countries)})\b|"
            r"from\s+[A-ZÀ-Þ][a-zß-ÿ\-]+(?=\s*(?:,|\band\b|&|\.|\Z)))"
        ),
    )


@dataclass(slots=True)
class Crew:
    """People named together as one car's drivers, in one sentence."""

    sentence: int
    start: int
    end: int
    members: list[PersonRef]
    car: str | None = None
    surnames: bool = False
    """A list of surnames alone ('Conway, Kobayashi and Lopez'): only a car said to be theirs
    in so many words ('piloting the #7', 'in the latter') is given to it."""

    @property
    def names(self) -> list[str]:
        """Return the member names, in order and without repeats."""
        return list(dict.fromkeys(m.name or m.text for m in self.members))


def _linked(text: str, left: PersonRef, right: PersonRef, base: int) -> bool:
    """Tell whether two people in a sentence are named as one crew."""
    between = _plain_gap(text[left.end - base : right.start - base], left)
    if _SLASH.match(between) or (left.name and _POSSESSIVE_PARTNER.match(between)):
        return True
    if left.name is None:
        return right.name is None and _surname_glue(text, left, right, base, between)
    if right.name is None:
        return bool(_AND.match(between)) or _surname_glue(text, left, right, base, between)
    if _patterns().relative.match(between) or _patterns().slash_role.match(between):
        return True
    if _GLUE.match(between) or _APPOSITIVE.match(between) or _patterns().glue.match(between):
        return text[right.end - base : right.end - base + 1] not in {"'", "’"}
    words = _WORD.findall(_JOINS_TEAM.sub(" join ", between))
    if len(words) > MAX_LINK_WORDS or _LINK_BLOCK.search(between):
        return False
    if any(w[0].isupper() and not w.isupper() for w in words):
        return False
    links = list(_LINK_WORD.finditer(between)) + list(_patterns().connector.finditer(between))
    if not links:
        return False
    comma = between.find(",")
    last_comma = between.rfind(",")
    if comma < 0:
        return True
    short = len(_WORD.findall(between[:comma])) <= MAX_WORDS_BEFORE_COMMA
    return short and links[-1].start() > last_comma


def _surname_glue(text: str, left: PersonRef, right: PersonRef, base: int, between: str) -> bool:
    """Tell 'Conway, Kobayashi and Lopez' (one list) from two crews with slashes ('A/B and C/D')."""
    slashed = text[: left.start - base].rstrip().endswith("/") or text[
        right.end - base :
    ].lstrip().startswith("/")
    return not slashed and bool(_BARE_GLUE.match(between))


def _plain_gap(between: str, left: PersonRef) -> str:
    """Return the text between two people without what belongs to the first.

    The full stop of a name ending in an abbreviation ('Jack Kow Jr.') and a nationality tag
    ('A (Denmark), B', 'A from Finland and B') say nothing about a crew.
    """
    last = left.text.split()[-1] if left.text.split() else ""
    if between.startswith(".") and is_abbreviation(last):
        between = between[1:]
    tag = _patterns().nationality.match(between)
    return between[tag.end() :] if tag else between


def _bare_lists(sentence: Sentence) -> list[tuple[int, int]]:
    """Return where a sentence lists names and nothing else, surnames alone included.

    A list in parentheses right after a car ('#6 Porsche (Estre, Vanthoor, Campbell)') or
    'with A, B and C behind the wheel': every name in it is a driver of one crew.
    """
    spans: list[tuple[int, int]] = []
    people = sentence.people
    k = 0
    for match in _BARE_LIST.finditer(sentence.text):
        group = 1 if match.group(1) is not None else 2
        start, end = match.span(group)
        window = sentence.text[max(0, match.start() - LIST_CAR_WINDOW) : match.start()]
        if group == 1 and not _CAR_BEFORE_LIST.search(window):
            continue
        while k < len(people) and people[k].start - sentence.start < start:
            k += 1
        rest, at, count = [], start, 0
        while k < len(people) and people[k].end - sentence.start <= end:
            rest.append(sentence.text[at : people[k].start - sentence.start])
            at, count, k = people[k].end - sentence.start, count + 1, k + 1
        rest.append(sentence.text[at:end])
        if count >= MIN_SLASHED and _LIST_REST.match("".join(rest)):
            spans.append((start, end))
    return spans


def _listed_together(
    sentence: Sentence, lists: list[tuple[int, int]], left: PersonRef, right: PersonRef
) -> bool:
    """Tell whether two people follow each other in one list of names alone."""
    base = sentence.start
    inside = any(s <= left.start - base and right.end - base <= e for s, e in lists)
    between = sentence.text[left.end - base : right.start - base]
    return inside and bool(_BARE_GLUE.match(between))


def sentence_crews(index: int, sentence: Sentence) -> list[Crew]:
    """Group the people of a sentence into crews (a singleton is a crew of one)."""
    crews: list[Crew] = []
    base = sentence.start
    tag_end = -1
    lists = _bare_lists(sentence) if "(" in sentence.text or "wheel" in sentence.text else []
    for person in sentence.people:
        at = person.start - base
        if at < tag_end:
            continue
        tag = _patterns().nationality.match(sentence.text, person.end - base)
        tag_end = tag.end() if tag else -1
        if person.name is None and _JOINED.search(sentence.text, max(0, at - JOINED_WINDOW), at):
            continue
        last = crews[-1] if crews else None
        left = last.members[-1] if last else None
        if (last and left) and (
            _listed_together(sentence, lists, left, person)
            or _linked(sentence.text, left, person, base)
        ):
            last.members.append(person)
            last.end = person.end - base
            continue
        crews.append(Crew(index, person.start - base, person.end - base, [person]))
    kept = []
    for crew in crews:
        if any(m.name for m in crew.members):
            kept.append(crew)
        elif len(crew.members) >= MIN_SLASHED:
            structured = _slashed(sentence, crew) or _in_lists(sentence, crew, lists)
            if structured or _plausible_surnames(sentence, crew):
                crew.surnames = not structured
                kept.append(crew)
    return kept


def _plausible_surnames(sentence: Sentence, crew: Crew) -> bool:
    """Tell a list of surnames from one of makes or places ('at Daytona, Sebring and Spa')."""
    makes = result_words().makes
    if any(m.text in makes for m in crew.members):
        return False
    before = sentence.text[: crew.start].rstrip().rsplit(" ", 1)[-1].casefold()
    return before not in _PLACE_WORDS


def _slashed(sentence: Sentence, crew: Crew) -> bool:
    base = sentence.start
    pairs = zip(crew.members, crew.members[1:], strict=False)
    return all(_SLASH.match(sentence.text[a.end - base : b.start - base]) for a, b in pairs)


def _in_lists(sentence: Sentence, crew: Crew, lists: list[tuple[int, int]]) -> bool:
    base = sentence.start
    first, last = crew.members[0].start - base, crew.members[-1].end - base
    return any(s <= first and last <= e for s, e in lists)


def _join_sharers(sentence: Sentence, crews: list[Crew]) -> list[Crew]:
    """Join 'A shares the No. 7 with B and C' into one crew A, B, C."""
    joined: list[Crew] = []
    k = 0
    while k < len(crews):
        crew = crews[k]
        following = crews[k + 1] if k + 1 < len(crews) else None
        gap = sentence.text[crew.end : following.start] if following else ""
        tag = _patterns().nationality.match(gap)
        gap = gap[tag.end() :] if tag else gap
        one = following is not None and len(crew.members) == 1
        shares = (_SHARES.match(gap) or _SHARED_CLAUSE.match(gap)) if one else None
        if following and (shares or (one and _HANDOVER.match(gap))):
            following.car = shares.group(1) if shares else _only_car(sentence, crew, following)
            following.members[:0] = crew.members
            following.start = crew.start
            k += 1
            continue
        joined.append(crew)
        k += 1
    return _join_subject(sentence, joined)


def _only_car(sentence: Sentence, crew: Crew, following: Crew) -> str | None:
    """Return the one car named between two crews, or None for none or several."""
    cars = {c.text for c in sentence.cars if crew.end <= c.start < following.start}
    return cars.pop() if len(cars) == 1 else None


def _join_joiners(sentence: Sentence, crews: list[Crew]) -> list[Crew]:
    """Join 'A and B ..., with C joining them' and 'Joining A in the No. 6 will be C'."""
    if len(crews) >= 2 and _JOINING_OPENER.match(sentence.text):
        last = crews[-1]
        gap_start = max(crews[-2].end, last.start - SHARING_CHARS)
        if _WILL_BE.search(sentence.text, gap_start, last.start):
            crews[0].members.extend(last.members)
            crews = crews[:-1]
    joined: list[Crew] = []
    for crew in crews:
        previous = joined[-1] if joined else None
        if previous and len(previous.names) >= 2 and _JOINING_THEM.match(sentence.text, crew.end):
            previous.members.extend(crew.members)
            continue
        joined.append(crew)
    return joined


def _join_subject(sentence: Sentence, crews: list[Crew]) -> list[Crew]:
    """Join 'A won ... in the No. 7, sharing the car with B and C' into one crew A, B, C."""
    crews = _join_joiners(sentence, crews)
    if len(crews) < 2 or len(crews[0].members) != 1:
        return crews
    subject = crews[0]
    for crew in crews[1:]:
        gap = sentence.text[max(subject.end, crew.start - SHARING_CHARS) : crew.start]
        if not _SHARING.search(gap):
            continue
        cars = [c for c in sentence.cars if subject.end <= c.start < crew.start]
        crew.members[:0] = subject.members
        crew.start = subject.start
        crew.car = cars[0].text if len(cars) == 1 else crew.car
        return [c for c in crews if c is not subject]
    return crews


def assign_cars(document: Document) -> list[list[Crew]]:
    """Return each sentence's crews, with the car each crew of two or more drives.

    First the cars each sentence states for its own crews, then, for the crews still without
    one, the car of the sentences around (a car another crew there was given is not theirs)
    or the one car its drivers are tied to elsewhere; never a car one of them is tied to a
    different one.
    """
    if one_driver_cars(document):
        return _solo_drivers(document)
    all_crews = [_join_sharers(s, sentence_crews(i, s)) for i, s in enumerate(document.sentences)]
    owned = _owned_cars(document)
    pending: list[tuple[int, Crew]] = []
    for index, crews in enumerate(all_crews):
        sentence = document.sentences[index]
        _join_codriver_owner(document, index, crews)
        groups = [c for c in crews if len(c.names) >= 2]
        if not groups or len(sentence.text) > MAX_SENTENCE_CHARS:
            continue
        if _RESPECTIVELY.search(sentence.text):
            groups = _respectively(sentence, crews)
            if groups:
                continue
            groups = [c for c in crews if len(c.names) >= MIN_SLASHED]
        _bind_car_phrases(sentence, groups)
        _assign_in_sentence(sentence, groups)
        pending.extend((index, crew) for crew in groups if crew.car is None)
    for index, crew in pending:
        car = _former_or_latter(document, index, crew)
        if car is not None:
            crew.car = car
            continue
        if crew.surnames:
            continue
        car = _car_in_focus(document, all_crews, index, crew)
        if car is None:
            cars = {car for name in crew.names for car in owned.get(name, ())}
            car = cars.pop() if len(cars) == 1 else None
        tied = {car for name in crew.names for car in owned.get(name, ())}
        crew.car = car if car is not None and tied <= {car} else None
    return all_crews


def _former_or_latter(document: Document, index: int, crew: Crew) -> str | None:
    """Return the car 'in the former' or 'in the latter' after a crew points back to.

    The two cars are the last two named before the crew, in its sentence or the one before.
    """
    sentence = document.sentences[index]
    pointer = _FORMER_LATTER.match(sentence.text, crew.end)
    if pointer is None:
        return None
    cars = [c.text for c in sentence.cars if c.end <= crew.start]
    if len(cars) < MIN_SLASHED and index > 0:
        previous = document.sentences[index - 1]
        if previous.paragraph == sentence.paragraph:
            cars = [c.text for c in previous.cars] + cars
    cars = list(dict.fromkeys(cars))
    if len(cars) < MIN_SLASHED:
        return None
    return cars[-2] if pointer.group(1).casefold() == "former" else cars[-1]


def one_driver_cars(document: Document) -> bool:
    """Tell an article of a one-driver series (NASCAR, IndyCar) by the series it names."""
    one = sum(len(_patterns().one_driver.findall(text)) for text in document.masked)
    if one < MIN_ONE_DRIVER_MENTIONS:
        return False
    shared = sum(len(_patterns().shared_car.findall(text)) for text in document.masked)
    return one > shared


def _solo_drivers(document: Document) -> list[list[Crew]]:
    """Return each named driver as a crew of one, with the car the sentence puts them in.

    In a one-driver series teammates drive different cars, so no two people make a crew; a
    driver's car is one stated next to them ('X ... in the No. 43', 'X's No. 43'). Someone
    named in an aside about another driver ('X, tying A's record, was second in the No. 9')
    is given no car.
    """
    all_crews: list[list[Crew]] = []
    for index, sentence in enumerate(document.sentences):
        crews = []
        aside_end = -1
        for k, person in enumerate(sentence.people):
            if person.name is None:
                continue
            crew = Crew(index, person.start - sentence.start, person.end - sentence.start, [person])
            following = sentence.people[k + 1].start if k + 1 < len(sentence.people) else None
            if crew.start >= aside_end:
                crew.car = _car_right_before(sentence, crew) or _solo_car(sentence, crew, following)
                aside = _APPOSITION.match(sentence.text, crew.end)
                aside_end = aside.end() if aside else aside_end
            crews.append(crew)
        all_crews.append(crews)
    return all_crews


def _car_right_before(sentence: Sentence, crew: Crew) -> str | None:
    """Return the car whose number a driver's name follows at once ('#1 Tomoki Nojiri')."""
    after = sentence.text[crew.end : crew.end + 2].lstrip()
    if after and after[0] not in ",;.()":
        return None  # 'No. 15 United Rentals/Fifth Third Bank Honda': a sponsor, no driver
    for car in sentence.cars:
        if 0 <= crew.start - car.end <= 1 and not sentence.text[car.end : crew.start].strip():
            return car.text
    return None


def _solo_car(sentence: Sentence, crew: Crew, next_person: int | None) -> str | None:
    """Return the car stated right after one driver, before anyone else is named."""
    at = crew.end
    owned = (
        _OWNED.match(sentence.text, at)
        or _OWNER_LINK.match(sentence.text, at)
        or _DRIVER_OF.match(sentence.text, at)
        or _AND_TEAM.match(sentence.text, at)
    )
    if owned:
        return owned.group(1)
    aside = _APPOSITION.match(sentence.text, at)
    if aside and not any(at <= car.start < aside.end() for car in sentence.cars):
        at = aside.end()
        k = bisect.bisect_left(sentence.people, at + sentence.start, key=lambda p: p.start)
        next_person = sentence.people[k].start if k < len(sentence.people) else None
    after = next((car for car in sentence.cars if car.start >= at), None)
    if after is None or (next_person is not None and next_person - sentence.start < after.start):
        return None
    gap = sentence.text[at : after.start]
    if len(_WORD.findall(gap)) > MAX_SOLO_WORDS or _STOP_BETWEEN.search(gap):
        return None
    return after.text if _TIGHT_CAR.search(gap) else None


def _taken(all_crews: list[list[Crew]], index: int, crew: Crew) -> set[str]:
    """Return the cars given to other crews of a sentence."""
    return {
        other.car
        for other in all_crews[index]
        if other.car and other is not crew and len(other.names) >= MIN_SLASHED
    }


def _owned_cars(document: Document) -> dict[str, set[str]]:
    """Return the cars people are tied to in so many words ('X’s No. 7', 'X, driver of the #7')."""
    owned: dict[str, set[str]] = {}
    for sentence in document.sentences:
        for person in sentence.people:
            at = person.end - sentence.start
            match = (
                _OWNED.match(sentence.text, at)
                or _OWNER_LINK.match(sentence.text, at)
                or _DRIVER_OF.match(sentence.text, at)
            )
            if person.name and match:
                owned.setdefault(person.name, set()).add(match.group(1))
    return owned


def _join_codriver_owner(document: Document, index: int, crews: list[Crew]) -> None:
    """Join 'His co-drivers B and C' to the person the sentences before are about."""
    sentence = document.sentences[index]
    for crew in crews:
        before = _OWNER_CODRIVERS.search(sentence.text, max(0, crew.start - 60), crew.start)
        if not before and not _CODRIVER_OF.match(sentence.text, crew.end):
            continue
        for previous in document.sentences[max(0, index - FOCUS_LOOKBACK) : index][::-1]:
            named = [p for p in previous.people if p.name]
            if named:
                if named[0].name not in crew.names:
                    crew.members.insert(0, named[0])
                return


def _respectively(sentence: Sentence, crews: list[Crew]) -> list[Crew]:
    """Distribute '(A and B), and (C and D) ... the No. 7 and No. 8 respectively' in order.

    The people of the sentence's crews are cut into groups where a comma separates them; with
    as many groups as cars, each group gets the car in its place. Anything else: no decision.
    """
    groups: list[list[PersonRef]] = []
    for crew in crews:
        groups.append([crew.members[0]])
        for left, right in itertools.pairwise(crew.members):
            between = sentence.text[left.end - sentence.start : right.start - sentence.start]
            if "," in between or ";" in between:
                groups.append([right])
            else:
                groups[-1].append(right)
    cars = list(dict.fromkeys(car.text for car in sentence.cars))
    if len(groups) != len(cars) or len(groups) < MIN_SLASHED:
        return []
    index = crews[0].sentence
    split = [
        Crew(index, g[0].start - sentence.start, g[-1].end - sentence.start, g, car)
        for g, car in zip(groups, cars, strict=True)
    ]
    crews[:] = split
    return split


def _bind_car_phrases(sentence: Sentence, groups: list[Crew]) -> None:
    """Give a crew the car named just before it with a connector: '#37 Oreca 07 of A and B'."""
    for k, car in enumerate(sentence.cars):
        crew = next((c for c in groups if c.start >= car.end), None)
        if crew is None or crew.car is not None:
            continue
        following = sentence.cars[k + 1] if k + 1 < len(sentence.cars) else None
        if following is not None and following.start < crew.start:
            continue
        gap = sentence.text[car.end : crew.start]
        if len(gap) <= MAX_CAR_GAP_CHARS and _patterns().car_then_crew.match(gap):
            crew.car = car.text


def _assign_in_sentence(sentence: Sentence, groups: list[Crew]) -> None:
    cars = sentence.cars
    if not cars:
        return
    claimed: set[int] = set()
    for crew in groups:
        if crew.car is not None:
            claimed.update(k for k, car in enumerate(cars) if car.text == crew.car)
            continue
        tight = _tight_car(sentence, crew, groups)
        if tight is not None:
            crew.car = tight
            claimed.update(k for k, car in enumerate(cars) if car.text == crew.car)
    for crew in groups:
        if crew.car is not None or crew.surnames:
            continue
        before = [k for k, car in enumerate(cars) if car.end <= crew.start]
        gap = sentence.text[cars[before[-1]].end : crew.start] if before else ""
        leading = before and _LIST_HEAD.match(sentence.text[: cars[before[-1]].start])
        listed = leading and not _SENTENCE_STOP.search(gap)
        listed = listed or (before and _COLLECTIVE.search(gap) and not _HARD_STOP.search(gap))
        loose = before and not _STOP_BETWEEN.search(gap) and not _CLAUSE_BREAK.search(gap)
        if _rival_between(gap):
            continue
        if (listed or loose) and not leading and _coordinated(sentence, before, groups):
            continue
        if listed or loose:
            crew.car = cars[before[-1]].text
            claimed.add(before[-1])
    pre = [c for c in groups if c.car is None and not c.surnames and c.end <= cars[0].start]
    free = [k for k in range(len(cars)) if k not in claimed]
    if len(pre) <= len(free):
        for crew, k in zip(pre, free, strict=False):
            gap = sentence.text[crew.end : cars[k].start]
            tail = sentence.text[_last_end(groups, crew.end, cars[k].start) : cars[k].start]
            if not _SENTENCE_STOP.search(gap) and not _patterns().rival.search(tail):
                crew.car = cars[k].text
                claimed.add(k)
    for crew in groups:
        if crew.car is None and not crew.surnames:
            after = [
                car for k, car in enumerate(cars) if car.start >= crew.end and k not in claimed
            ]
            gap = sentence.text[crew.end : after[0].start] if after else ""
            close = len(_WORD.findall(gap)) <= MAX_PRE_CREW_GAP_WORDS
            rival = _patterns().rival.search(gap)
            if after and close and not _STOP_BETWEEN.search(gap) and not rival:
                crew.car = after[0].text


def _rival_between(gap: str) -> bool:
    """Tell a rival phrase between a car and a crew, unless a relative clause ties them again.

    In '#98 …, ahead of the South African who teamed up with A and B' the crew is the one of
    the person the clause names: the rival phrase does not part it from that car.
    """
    rival = _patterns().rival.search(gap)
    return rival is not None and not _RELATIVE.search(gap, rival.end())


def _rival_car(sentence: Sentence, car: Span) -> bool:
    """Tell a car a rival phrase names ('punted out of the lead while lapping the #82')."""
    people = [
        p.end - sentence.start for p in sentence.people if p.end - sentence.start <= car.start
    ]
    start = people[-1] if people else 0
    return _patterns().rival.search(sentence.text, start, car.start) is not None


def _last_end(groups: list[Crew], start: int, end: int) -> int:
    """Return where the last crew named between two places ends (else the first place).

    A rival named after that crew ('A ... ahead of B and C — their #6') is the other crew's.
    """
    return max([g.end for g in groups if start <= g.start and g.end <= end] + [start])


def _coordinated(sentence: Sentence, before: list[int], groups: list[Crew]) -> bool:
    """Tell whether the last two cars before a crew are named together ('#30 X and #991 Y')."""
    if len(before) < MIN_SLASHED:
        return False
    first, last = sentence.cars[before[-2]], sentence.cars[before[-1]]
    if any(first.end <= crew.start < last.start for crew in groups):
        return False
    between = sentence.text[first.end : last.start]
    return bool(_AND_WORD.search(between)) and not _STOP_BETWEEN.search(between)


def _tight_car(sentence: Sentence, crew: Crew, groups: list[Crew]) -> str | None:
    """Return the car a crew is said to be in, just after it ('A and B ... in the No. 7')."""
    after = next((car for car in sentence.cars if car.start >= crew.end), None)
    if after is None or any(crew.end <= other.start < after.start for other in groups):
        return None
    gap = sentence.text[crew.end : after.start]
    if len(_WORD.findall(gap)) > MAX_TIGHT_WORDS or _STOP_BETWEEN.search(gap):
        return None
    return after.text if _TIGHT_CAR.search(gap) else None


def _car_in_focus(
    document: Document, all_crews: list[list[Crew]], index: int, crew: Crew
) -> str | None:
    """Find the car a crew drives from the sentence just before or just after."""
    sentence = document.sentences[index]
    members = {m.name for m in crew.members if m.name}
    for other in (index - 1, index + 1):
        if not 0 <= other < len(document.sentences):
            continue
        neighbour = document.sentences[other]
        if abs(neighbour.paragraph - sentence.paragraph) > 1:
            continue
        taken = _taken(all_crews, other, crew)
        group_car = _GROUP_CAR.search(neighbour.text)
        owned = bool(neighbour.cars) and _CAR_OF.match(neighbour.text, neighbour.cars[0].end)
        if group_car and other == index + 1 and not sentence.cars and not owned:
            size = GROUP_SIZES.get(group_car.group(3) or "", len(crew.names))
            named_car = group_car.group(1) or group_car.group(2) or group_car.group(4)
            if size == len(crew.names) and named_car not in taken:
                return named_car
        cars = {c.text for c in neighbour.cars if not _rival_car(neighbour, c)} - taken
        if len(cars) != 1:
            continue
        named = {p.name for p in neighbour.people if p.name}
        same = neighbour.paragraph == sentence.paragraph
        collective = (same or other < index) and _COLLECTIVE.search(neighbour.text)
        if members & named or collective:
            return next(iter(cars))
        if same and other == index - 1 and not named:
            return next(iter(cars))
    for other in range(index - 2, max(-1, index - FOCUS_LOOKBACK - 1), -1):
        neighbour = document.sentences[other]
        if sentence.paragraph - neighbour.paragraph > 1:
            break
        cars = {c.text for c in neighbour.cars} - _taken(all_crews, other, crew)
        if len(cars) == 1 and members & {p.name for p in neighbour.people if p.name}:
            return next(iter(cars))
    if index:
        for earlier in all_crews[index - 1]:
            if earlier.car and members & {m.name for m in earlier.members if m.name}:
                return earlier.car
    return None

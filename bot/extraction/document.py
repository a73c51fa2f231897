"""Analyse an article once: quotes, narrative sentences, people, cars and teams in each."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from bot.extraction.aliases import Aliases, Found
from bot.extraction.classes import class_mentions
from bot.extraction.events import GENERIC_EVENT as _GENERIC_EVENT
from bot.extraction.literals import finditer
from bot.extraction.names import (
    LOCATION_PREPOSITIONS,
    NOT_NAME_WORDS,
    Mention,
    NameResolver,
    find_mentions,
    preceding_word,
)
from bot.extraction.result_words import result_words
from bot.extraction.text import Span, find_cars, split_sentences
from bot.text import DOUBLE_QUOTES, fold_name, spelling_rank

MAX_CAPTION_CHARS = 400
_CAR_DESCRIPTION = re.compile(r"(?:\s+(?:[A-Z0-9][\w.\-/’']{0,40}|w/\S{0,40}|&)){0,12}")
ORG_NAME = re.compile(
    r"\b(?:Équipe|Equipe|Écurie|Ecurie|Scuderia|Squadra)\s+[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?\b|"
    r"\bTeam\s+(?!(?:Manager|Principal|Owner|Director|Boss|Leader|Chief|Coordinator|"
    r"Members?|Championships?|Titles?|Orders|Awards?|Events?|Cup)\b)[A-Z][\w\-]+"
    r"(?:\s+[A-Z][\w\-]+)?\b|"
    r"\b(?:[A-Z][\w'’&.\-]*\s+){1,4}(?:Racing|Motorsports?|Autosport|Automotive|Competition|Engineering)\b"
    r"(?:\s+(?:by|w/)\s*(?:[A-Z][\w\-]*\s*){1,4})?"
)
_SINGLE_QUOTE = re.compile(r"(?:(?<=\s)|\A)‘([^‘]{1,2000}?[,.!?…])’(?=\s|\Z|[,;:])")
_STRAIGHT_INNER = r"(?:[^'\n]|'(?=[^\W\d_])|(?<=s)'(?=\s))"
"""Text inside straight single marks: apostrophes ('don't', 'the teams' cars') but no close."""
_LABELLED_STRAIGHT = re.compile(
    rf"(?<=:\s)'({_STRAIGHT_INNER}{{1,2000}}?[,.!?…])'(?=\s|\Z)|"
    rf"\A'({_STRAIGHT_INNER}{{1,3000}}[.!?…])'\s*\Z"
)
"""Speech in straight single marks after a label ('X: 'I don't know.'') or as a paragraph of
its own under one, apostrophes inside."""
_PRONOUN = re.compile(r"\b(?:he|she|they|He|She|They|His|Her|Their)\b")
CLOSING_QUOTES = "”»"
OPENING_QUOTES = "“«„‟"
LOW_OPENER = "„"
SENTENCE_ENDS = (".", "!", "?", "…")
LOW_CLOSERS = "“‟"
"""The marks that close a quote opened low („So“, German and Polish style)."""
_DOUBLE_QUOTE = re.compile(f"[{re.escape(DOUBLE_QUOTES)}]|’’|''")
"""A double quote mark, or two single closing marks written for one (’’ or '')."""
_MISSING_OPENER = re.compile(r"[A-Z][^“”\"«»]{20,}?[,.!?…]\s*[”»]")
_PHOTO_CREDIT = re.compile(r"\s*(?:photos?|images?|credit)s?\b[^:\n]{0,20}:", re.IGNORECASE)
_CREDIT = re.compile(r"photo|image|credit|©|/|\A\s*(?:car|entry)\s*\Z", re.IGNORECASE)
_CAPTION_MARK = re.compile(r":| [–—] ")
_SLASHED_CREW = re.compile(
    r"\s+((?:[A-ZÀ-Þ][a-zß-ÿ][^\W\d_]*(?:[-'’][A-ZÀ-Þ]?[^\W\d_]+)*\s*/\s*)+"
    r"[A-ZÀ-Þ][a-zß-ÿ][^\W\d_]*(?:[-'’][A-ZÀ-Þ]?[^\W\d_]+)*)"
)
"""Surnames joined by slashes after a car number: the car's crew."""
_SLASH_SPLIT = re.compile(r"[^\s/]+")
_NUMBERED_PERSON = re.compile(
    r"\s+([A-ZÀ-Þ][a-zß-ÿ][^\W\d_]*(?:\s+(?:van|von|de|der|den|da|di|du|dos|del|le|la))*"
    r"(?:\s+[A-ZÀ-Þ][a-zß-ÿ][^\W\d_]*(?:['’\-][A-ZÀ-Þ]?[^\W\d_]+)*){1,2})"
    r"(?=\s*(?:\([^()]{0,60}\))?\s*(?:,|;|\band\b|\.|\Z))"
)
"""A full name right after a car's number, ending where a list's item ends."""
MIN_NUMBERED_PEOPLE = 2
_SLASHED_MEMBER = re.compile(r"[^\s/](?:[^/]*[^\s/])?")
_NAME_WORD = r"[A-ZÀ-Þ][^\W\d_]*(?:['’\-][A-ZÀ-Þ]?[^\W\d_]+)*"
_SLASHED_NAMES = re.compile(
    rf"\s+((?:{_NAME_WORD}(?:\s+[A-Za-zÀ-ÿ][^\W\d_]*(?:['’\-][^\W\d_]+)*){{1,3}}\s*/\s*)+"
    rf"{_NAME_WORD}(?:\s+(?:van|von|de|der|den|da|di|du|dos|del|le|la)){{0,2}}\s+{_NAME_WORD})"
    r"(?=\s*(?:[–—\-,;:.()]|\Z)|\s+[a-z#])"
)
"""Full names joined by slashes after a car number ('#1 Jamie Whincup/Paul Dumbrell – …'),
the last one ending the description ('No. 15 United Rentals/Fifth Third Bank Honda' is none)."""
_LIST_GOES_ON = re.compile(
    r"\s*(?:,|\band\b|&|/)\s*[A-ZÀ-Þ][^\W\d_]+(?:\s+[a-z]{1,3}){0,2}\s+[A-ZÀ-Þ]"
)
MIN_CAPTION_NAME_WORDS = 2
MAX_QUOTE_LABEL_CHARS = 160
"""The longest speaker label before a quote with no opening mark, in characters."""
_SENTENCE_INSIDE = re.compile(r"[.!?…]\s+[A-Z]")
MIN_LIST_CHARS = 4
LIST_AHEAD = 40
"""Characters after a car's description where the rest of a list of people must start."""
"""Characters a car's description must span to hold a name with a list after it."""
_CREDIT_TAIL = re.compile(
    r"\s+(?:photos?|images?|credits?)(?:\s+by)?\s*:[^:]{0,60}\Z", re.IGNORECASE
)
_NEXT_CAPTION = re.compile(r"(?<=[,;] )(?:#\s?|No\.\s?)\d{1,3}\s+[^:]{1,80}:")
_CAPTION_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
_ANSWER_LABEL = re.compile(
    r"\A(?:\[[^\]\n]{0,80}\])?\s*((?:[A-Z][A-Z'’.\-]+\s+){1,3}[A-Z][A-Z'’.\-]+):\s+(?=\S)"
)
"""A transcript speaker label in capitals opening a paragraph (a bracketed tag may lead)."""
_ENDS_ANSWER = re.compile(r"\A\s*Q\s*[.:]|\?\s*\Z")
"""A question (from 'Q.' or ending in '?'): the answer before it is over."""
MIN_TRANSCRIPT_LABELS = 2
MAX_SPEECH_LABEL_CHARS = 100
"""The longest label line ('Name, Team, p2:') over a paragraph of speech without marks."""
MIN_SPEECH_WORDS = 8
_INLINE_LABEL = re.compile(r"\A\s*(?:[–—-]\s*)?([^\W\d_][^:\n]{2,60}):\s+(?=\S)")
"""A speaker's name (and details) opening a paragraph before a colon: 'Ann Berg: We had …'."""
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|we|We|my|My|our|Our|me|us)\b")
"""Labelled paragraphs an article needs to be read as a transcript."""
MAX_HEADING_CHARS = 80
"""The longest line read as a heading between transcript answers, in characters."""
_OWNED = re.compile(
    r"\b(?:[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Oo]ur|[Mm]y|[Yy]our)\s+(?:(?:two|three|four|\d+)\s+)?"
    r"(?:[A-ZÀ-Þ][\w'’\-]*\s+){0,3}\Z"
)
"""A possessive before a capitalised run ('his two Rolex Daytona Watches'): a thing, no person."""
OWNED_LOOKBACK = 60
"""Characters before a mention searched for the possessive that owns its run of capitals."""
_COMPETITION_NAME = re.compile(
    r"\b(?:[A-Z][\w'’.\-]*\s+){1,5}(?:Series|Championship|Cup|Trophy|Classic|Challenge)\b"
)


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quoted stretch of a paragraph: bounds including the marks, and the inner text."""

    paragraph: int
    start: int
    end: int
    text: str
    closed: bool
    speaker: str | None = None
    """The speaker a transcript label names ('ANN BERG: ...'), when the span is an answer."""


@dataclass(frozen=True, slots=True)
class PersonRef:
    """A person mentioned in narrative text, with the canonical name (None when unknown)."""

    paragraph: int
    start: int
    end: int
    text: str
    name: str | None


@dataclass(slots=True)
class Sentence:
    """One narrative sentence (quotes blanked out) and the people, cars and teams in it."""

    paragraph: int
    start: int
    end: int
    text: str
    people: list[PersonRef] = field(default_factory=list)
    cars: list[Span] = field(default_factory=list)
    teams: list[Found] = field(default_factory=list)
    pronouns: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Caption:
    """A photo caption naming a car, its entry and its drivers."""

    paragraph: int
    car: str
    header: str
    drivers: list[str]
    text: str = ""


class ArticlePeople:
    """The people of one article, resolved against the article first, then known people."""

    def __init__(self, known_people: Collection[str] = ()) -> None:
        self._known = NameResolver(known_people)
        self._article = NameResolver()

    def add(self, name: str) -> str:
        """Register a full name seen in the article and return its canonical form."""
        known = self._known.lookup(name)
        if known and fold_name(known) == fold_name(name):
            known = max(known, " ".join(name.split()), key=spelling_rank)
        return self._article.add(known or name)

    def lookup(self, name: str) -> str | None:
        """Return the canonical name for a mention (surnames prefer this article's people)."""
        return self._article.lookup(name) or self._known.lookup(name)

    def resolve(self, name: str) -> str:
        """Return the canonical name for a mention, or the mention itself."""
        return self.lookup(name) or " ".join(name.split())


@dataclass(slots=True)
class Document:
    """Everything extraction needs to know about an article's text."""

    paragraphs: list[str]
    masked: list[str]
    quotes: list[QuoteSpan]
    sentences: list[Sentence]
    captions: list[Caption]
    resolver: ArticlePeople
    aliases: Aliases


def quote_spans(paragraph: str, index: int) -> list[QuoteSpan]:
    """Pair the double quote marks of a paragraph by direction; an unclosed one runs to its end.

    A closing mark (” », or ’’ written for one) or a straight one closes the open quote; an
    opening mark (“ « „) seen after a finished sentence inside an open quote means the writer
    dropped a closing mark, so a new quote starts there.
    """
    marks = [
        (m.start(), m.end())
        for m in _DOUBLE_QUOTE.finditer(paragraph)
        if not _seconds_mark(paragraph, m.start())
    ]
    spans = []
    if marks and paragraph[marks[0][0]] in CLOSING_QUOTES and _MISSING_OPENER.match(paragraph):
        start = _label_end(paragraph, marks[0][0])
        inner = paragraph[start : marks[0][0]].strip()
        spans.append(QuoteSpan(index, start, marks[0][1], inner, closed=True))
        marks = marks[1:]
    open_at: tuple[int, int] | None = None
    for at, end in marks:
        mark = paragraph[at]
        if open_at is None:
            open_at = (at, end)
            continue
        start, inner_start = open_at
        low_opener = paragraph[start] == LOW_OPENER
        reopens = mark in OPENING_QUOTES and not (low_opener and mark in LOW_CLOSERS)
        inner = paragraph[inner_start:at]
        if reopens and inner.rstrip().endswith(SENTENCE_ENDS):
            spans.append(QuoteSpan(index, start, at, inner.strip(), True))
            open_at = (at, end)
            continue
        spans.append(QuoteSpan(index, start, end, inner.strip(), True))
        open_at = None
    if open_at is not None:
        inner = paragraph[open_at[1] :].strip()
        spans.append(QuoteSpan(index, open_at[0], len(paragraph), inner, closed=False))
    if "‘" in paragraph or ": '" in paragraph or paragraph.startswith("'"):
        spans = _with_single_quotes(spans, _single_quote_spans(paragraph, index))
    return spans


def _label_end(paragraph: str, end: int) -> int:
    """Return where a quote with no opening mark starts: after a speaker label ending in ':'.

    'Second — Ann Berg (No. 9 Orvik Motors):This was hard.”': the label names a person and
    holds no finished sentence.
    """
    colon = paragraph.find(":", 0, min(end, MAX_QUOTE_LABEL_CHARS))
    label = paragraph[:colon]
    if colon < 0 or _SENTENCE_INSIDE.search(label):
        return 0
    named = any(len(m.tokens) >= MIN_CAPTION_NAME_WORDS for m in find_mentions(label))
    return colon + 1 if named else 0


def _with_single_quotes(double: list[QuoteSpan], single: list[QuoteSpan]) -> list[QuoteSpan]:
    """Add the single-quoted speech that lies outside every double-quoted stretch, in order."""
    starts = [span.start for span in double]
    kept = []
    for span in single:
        at = bisect_right(starts, span.start)
        inside_before = at > 0 and double[at - 1].end > span.start
        overlaps_next = at < len(double) and double[at].start < span.end
        if not inside_before and not overlaps_next:
            kept.append(span)
    return sorted(double + kept, key=lambda q: q.start)


def _seconds_mark(paragraph: str, at: int) -> bool:
    """Tell a seconds mark between digits (a gap of 3"4) from a quotation mark."""
    return (
        paragraph[at] == '"'
        and paragraph[at - 1 : at].isdigit()
        and paragraph[at + 1 : at + 2].isdigit()
    )


def _single_quote_spans(paragraph: str, index: int) -> list[QuoteSpan]:
    """Read British-style speech in single marks (‘We won,’ said X, or X: 'We won.'), carefully."""
    spans = []
    for pattern in (_SINGLE_QUOTE, _LABELLED_STRAIGHT):
        for match in pattern.finditer(paragraph):
            inner = (match.group(1) or match.group(2)).strip()
            spans.append(QuoteSpan(index, match.start(), match.end(), inner, closed=True))
    return sorted(spans, key=lambda q: q.start)


def _mask(paragraph: str, spans: list[QuoteSpan]) -> str:
    chars = list(paragraph)
    for span in spans:
        chars[span.start : span.end] = " " * (span.end - span.start)
    return "".join(chars)


def car_descriptions(
    text: str, cars: list[Span], after: Mapping[int, re.Match[str]]
) -> list[tuple[int, int]]:
    """Return the regions naming a car after its number (#31 Team Make Model-X.R).

    People written right after the number (`after`, by the car's start: a slashed crew, '#26
    Farfus/Muller/Adorf Marc VDS BMW', or one of a numbered list, '#1 Tomoki Nojiri, …') are
    no part of the description.
    """
    regions = []
    for car in cars:
        named = after.get(car.start)
        if named is not None:
            rest = _CAR_DESCRIPTION.match(text, named.end())
            regions += [(car.start, named.start(1)), (named.end(), rest.end() if rest else 0)]
            continue
        match = _CAR_DESCRIPTION.match(text, car.end)
        end = match.end() if match else car.end
        regions.append((car.start, _crew_after_number(text, car.end, end)))
    return regions


def people_after_numbers(text: str, cars: list[Span]) -> dict[int, re.Match[str]]:
    """Return, by car start, the people written right after a car's number.

    A crew joined by slashes ('#26 Farfus/Muller/Adorf', '#1 Jamie Whincup/Paul Dumbrell –'),
    or the driver of an item of a list that puts each one after their number ('#1 Tomoki
    Nojiri, #15 Liam Lawson (TEAM MUGEN), #5 Tadasuke Makino': two such items at least, each
    a full name ending at a comma, 'and', a bracket or the sentence's end).
    """
    found: dict[int, re.Match[str]] = {}
    numbered: dict[int, re.Match[str]] = {}
    for car in cars:
        slashed = _SLASHED_CREW.match(text, car.end) or _SLASHED_NAMES.match(text, car.end)
        if slashed and _all_surnames(slashed.group(1)):
            found[car.start] = slashed
            continue
        named = _NUMBERED_PERSON.match(text, car.end)
        if named and _all_surnames(named.group(1)):
            numbered[car.start] = named
    if len(numbered) >= MIN_NUMBERED_PEOPLE:
        found.update(numbered)
    return found


def _named_after_numbers(after: Mapping[int, re.Match[str]]) -> list[Mention]:
    """Return the people written after car numbers, one mention each (a crew's, split)."""
    found = []
    for named in after.values():
        start = named.start(1)
        for name in _SLASHED_MEMBER.finditer(named.group(1)):
            found.append(Mention(start + name.start(), start + name.end(), name.group()))
    return found


def _all_surnames(slashed: str) -> bool:
    """Tell a crew of surnames from makes, classes or vocabulary joined by slashes (Pro/Am)."""
    if class_mentions(slashed):
        return False
    makes = result_words().makes
    return all(
        w.casefold() not in NOT_NAME_WORDS and w not in makes for w in _SLASH_SPLIT.findall(slashed)
    )


def _crew_after_number(text: str, start: int, end: int) -> int:
    """Return where a car's description ends: before a list of people ('in #8 A B, C D and …')."""
    if end - start < MIN_LIST_CHARS or not _LIST_GOES_ON.search(text, start, end + LIST_AHEAD):
        return end
    for mention in find_mentions(text[start:end]):
        at = start + mention.start
        if len(mention.tokens) >= MIN_CAPTION_NAME_WORDS and _LIST_GOES_ON.match(
            text, start + mention.end
        ):
            return at
    return end


def find_captions(paragraph: str, index: int) -> list[Caption]:
    """Read the photo captions of a paragraph: '#31 Team Car: A, B, C' (two may share a line)."""
    if len(paragraph) > MAX_CAPTION_CHARS or not _CAPTION_MARK.search(paragraph):
        return []
    credit = _CREDIT_TAIL.search(paragraph)
    text = paragraph[: credit.start()] if credit else paragraph
    cars = find_cars(text)
    starts = [
        c.start for c in cars if c.start == cars[0].start or _NEXT_CAPTION.match(text, c.start)
    ]
    if len(starts) > 1:
        ends = [*starts[1:], len(text)]
        both = [
            find_caption(text[a:b].rstrip(" ,;"), index) for a, b in zip(starts, ends, strict=True)
        ]
        if all(both):
            return [c for c in both if c is not None]
    caption = find_caption(text, index)
    return [caption] if caption else []


def find_caption(paragraph: str, index: int) -> Caption | None:
    """Read a photo caption: '#31 Team Car: Driver, Driver, Driver'."""
    if len(paragraph) > MAX_CAPTION_CHARS or not _CAPTION_MARK.search(paragraph):
        return None
    cars = find_cars(paragraph)
    if not cars or paragraph[cars[0].end : cars[0].end + 1] not in {":", " "}:
        return None
    prefix = paragraph[: cars[0].start]
    if prefix.strip() and not _CREDIT.search(prefix):
        return None
    tail_start = max(
        paragraph.rfind(":") + 1, paragraph.rfind(" – ") + 3, paragraph.rfind(" — ") + 3
    )
    if tail_start <= cars[0].end:
        return None
    drivers = []
    pieces = [p for p in _CAPTION_SPLIT.split(paragraph[tail_start:]) if p.strip()]
    for raw in pieces:
        piece = raw.strip()
        mentions = find_mentions(piece)
        if mentions and mentions[0].start == 0 and len(mentions[0].tokens) >= 2:
            drivers.append(mentions[0].text)
    if len(drivers) < 2 or len(drivers) < len(pieces) - 1:
        return None
    header = paragraph[cars[0].end : tail_start].strip(" :–—")
    return Caption(index, cars[0].text, header, drivers, paragraph.strip())


def analyse(
    paragraphs: list[str], aliases: Aliases, known_people: Collection[str] = ()
) -> Document:
    """Split an article into quotes and narrative sentences and find who and what is named."""
    quotes: list[QuoteSpan] = []
    masked: list[str] = []
    captions: list[Caption] = []
    by_paragraph = [quote_spans(paragraph, index) for index, paragraph in enumerate(paragraphs)]
    for answer in transcript_answers(paragraphs, by_paragraph) or labelled_speech(
        paragraphs, by_paragraph
    ):
        by_paragraph[answer.paragraph] = [answer]
    for index, paragraph in enumerate(paragraphs):
        spans = by_paragraph[index]
        quotes.extend(spans)
        masked.append(_mask(paragraph, spans))
        if not spans:
            captions.extend(find_captions(paragraph, index))
    resolver = ArticlePeople(known_people)
    for caption in captions:
        for driver in caption.drivers:
            resolver.add(driver)
    sentences: list[Sentence] = []
    pending: list[tuple[Sentence, list[Mention]]] = []
    caption_paragraphs = {c.paragraph for c in captions}
    for index, text in enumerate(masked):
        if index in caption_paragraphs or _PHOTO_CREDIT.match(text):
            continue
        for span in split_sentences(text):
            sentence, mentions = _scan_sentence(index, span, aliases)
            sentences.append(sentence)
            pending.append((sentence, mentions))
            for mention in mentions:
                if len(mention.tokens) >= 2:
                    resolver.add(mention.text)
    for sentence, mentions in pending:
        sentence.people = [_resolve(sentence, m, resolver) for m in mentions]
    return Document(paragraphs, masked, quotes, sentences, captions, resolver, aliases)


def labelled_speech(paragraphs: list[str], spans: list[list[QuoteSpan]]) -> list[QuoteSpan]:
    """Return speech printed without marks after a label naming its speaker.

    'Fabian Coulthard, Lockwood Racing, p2:' on a line of its own, then a paragraph of
    sentences with no quote marks: his words (only the first paragraph under the label is
    read). 'Ann Berg: We had a good car …' in one paragraph, in the first person: hers. A label
    of words alone ('Fast Facts:') names no one unless the words under it speak as 'I' or 'we'.
    """
    found = []
    for index, paragraph in enumerate(paragraphs):
        if spans[index]:
            continue
        inline = _INLINE_LABEL.match(paragraph)
        if inline:
            span = _labelled(inline.group(1), index, paragraph, inline.end())
        else:
            span = _under_label(paragraphs, spans, index)
        if span is not None:
            found.append(span)
    return found


def _under_label(
    paragraphs: list[str], spans: list[list[QuoteSpan]], index: int
) -> QuoteSpan | None:
    """Return the paragraph under a label line as its speaker's words, or None."""
    label = " ".join(paragraphs[index].split())
    if not label.endswith(":") or len(label) > MAX_SPEECH_LABEL_CHARS:
        return None
    following = index + 1
    while following < len(paragraphs) and not paragraphs[following].strip():
        following += 1
    if following >= len(paragraphs) or spans[following]:
        return None
    return _labelled(label, following, paragraphs[following], 0)


def _labelled(label: str, index: int, paragraph: str, at: int) -> QuoteSpan | None:
    """Return paragraph[at:] as the speech of the person a label names, or None."""
    speech = paragraph[at:].strip()
    speaker = _speech_label_person(label, first_person=_first_person(speech))
    if not speaker or not _reads_as_speech(speech):
        return None
    start = paragraph.index(speech, at)
    return QuoteSpan(index, start, start + len(speech), speech, True, speaker)


def _speech_label_person(label: str, *, first_person: bool) -> str | None:
    """Return the person a speech label opens with ('Ann Berg, Team, p2:', 'ANN BERG:').

    With no details after the name, only speech in the first person is taken as theirs.
    """
    text = label.rstrip(":").strip()
    mentions = find_mentions(text.title() if text.isupper() else text)
    if not mentions or mentions[0].start > 0 or len(mentions[0].tokens) < MIN_CAPTION_NAME_WORDS:
        return None
    if any(token in result_words().makes for token in mentions[0].tokens):
        return None  # 'Toyota Gazoo Racing: We …' is a team's statement
    rest = text[mentions[0].end :].lstrip()
    detailed = bool(rest) and rest[0] in ",(–—-"
    return mentions[0].text if (detailed or (first_person and not rest)) else None


def _reads_as_speech(text: str) -> bool:
    """Tell a paragraph of sentences (speech) from a heading, a list line or a table row."""
    return len(text.split()) >= MIN_SPEECH_WORDS and text.rstrip("”\"'’ ").endswith(SENTENCE_ENDS)


def _first_person(text: str) -> bool:
    """Tell speech ('I', 'we', 'my', 'our') from a writer's report."""
    return _FIRST_PERSON.search(text) is not None


def transcript_answers(paragraphs: list[str], spans: list[list[QuoteSpan]]) -> list[QuoteSpan]:
    """Return the answers of a press-conference transcript, printed without quote marks.

    A transcript labels at least two paragraphs with a speaker in capitals ('ANN BERG: Yeah,
    ...', 'THE MODERATOR: ...'). A label naming a person starts an answer; the paragraphs after
    it with no marks, label or question go on with it.
    """
    labelled = [
        (index, label)
        for index, paragraph in enumerate(paragraphs)
        if (label := _ANSWER_LABEL.match(paragraph))
        and all(span.end <= label.start(1) for span in spans[index])  # marks in a leading tag
    ]
    if len(labelled) < MIN_TRANSCRIPT_LABELS:
        return []
    starts = {index: label for index, label in labelled}
    answers: list[QuoteSpan] = []
    speaker: str | None = None
    for index, paragraph in enumerate(paragraphs):
        label = starts.get(index)
        if label is not None:
            speaker = _label_speaker(label.group(1))
            start = label.end()
        elif spans[index] or _ENDS_ANSWER.search(paragraph) or _is_heading(paragraph):
            speaker = None if paragraph.strip() else speaker
            continue
        else:
            start = 0
        if speaker:
            text = paragraph[start:].strip()
            answers.append(QuoteSpan(index, start, len(paragraph), text, True, speaker))
    return answers


def _is_heading(paragraph: str) -> bool:
    """Tell a short line with no closing mark (a heading, a blank) from a paragraph of text."""
    text = paragraph.strip()
    return len(text) <= MAX_HEADING_CHARS and not text.endswith(SENTENCE_ENDS)


def _label_speaker(label: str) -> str | None:
    """Return the person a transcript label in capitals names ('SCOTT DIXON'), if it is one."""
    name = label.title()
    mentions = find_mentions(name)
    whole = len(mentions) == 1 and mentions[0].text == name
    return name if whole and len(mentions[0].tokens) >= MIN_CAPTION_NAME_WORDS else None


def _scan_sentence(index: int, span: Span, aliases: Aliases) -> tuple[Sentence, list[Mention]]:
    text = span.text
    folded = text.casefold()
    cars = find_cars(text)
    teams = aliases.find_teams(text)
    orgs = [
        Found(m.start(), m.end(), m.group(), aliases.canonical_team(m.group()))
        for m in finditer(ORG_NAME, text, folded)
    ]
    teams = _merge_teams(teams, orgs)
    after = people_after_numbers(text, cars)
    blocked = car_descriptions(text, cars, after) + [(t.start, t.end) for t in teams]
    blocked += [(e.start, e.end) for e in aliases.find_events(text)]
    blocked += [(m.start(), m.end()) for m in finditer(_GENERIC_EVENT, text, folded)]
    blocked += [(m.start(), m.end()) for m in finditer(_COMPETITION_NAME, text, folded)]
    slashed = _named_after_numbers(after)
    blocked += [(m.start, m.end) for m in slashed]
    mentions = [
        m
        for m in find_mentions(text, blocked=blocked)
        if (preceding_word(text, m.start) not in LOCATION_PREPOSITIONS or len(m.tokens) < 2)
        and not _OWNED.search(text, max(0, m.start - OWNED_LOOKBACK), m.start)
    ]
    mentions = sorted(mentions + slashed, key=lambda m: m.start)
    pronouns = [m.start() for m in _PRONOUN.finditer(text)]
    sentence = Sentence(index, span.start, span.end, text, [], cars, teams, pronouns)
    return sentence, mentions


def _merge_teams(known: list[Found], orgs: list[Found]) -> list[Found]:
    merged = list(known)
    for org in orgs:
        if not any(k.start < org.end and org.start < k.end for k in known):
            merged.append(org)
    return sorted(merged, key=lambda f: f.start)


def _resolve(sentence: Sentence, mention: Mention, resolver: ArticlePeople) -> PersonRef:
    name = resolver.lookup(mention.text)
    if name is None and len(mention.tokens) >= 2:
        name = mention.text
    return PersonRef(
        sentence.paragraph,
        sentence.start + mention.start,
        sentence.start + mention.end,
        mention.text,
        name,
    )

"""Speaker labels: the lines naming who speaks (and in which car) above or before a quote.

'ANTONIO GARCIA, NO. 3 MOBIL 1 CORVETTE – GTLM RACE WINNER: “…”', 'Alessio Rovera, 296 GT3 #51
AF Corse: “…”', a heading line 'Frank Stippler / #16 Scherer Sport PHX Audi' over a quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extraction.document import Document
from bot.extraction.names import find_mentions
from bot.extraction.text import find_cars
from bot.text import fold_name

MAX_LABEL_CHARS = 160
"""The longest speaker label or heading line ('LMP2 winner: René Rast #31 WRT, Oreca 07')."""
MIN_LABEL_TOKENS = 2
UPPER_LABEL_SHARE = 0.6
"""A label with more upper-case letters than this share is recased to find names in it."""
MAX_PERSON_TO_CAR_CHARS = 40
"""The most text between a label's person and car ('Paul Di Resta, driver of the ... #22')."""
SENTENCE_END_MARKS = (".", "!", "?", "…", "”", '"', "»", "’")
MAX_HEADING_LOOKBACK = 6
"""Paragraphs walked back from a quote or a detail line to the heading that names its person."""
_QUESTION = re.compile(r"\A[^.!]{0,300}\?\Z")
_CREDIT = re.compile(r"\b(?:photos?|images?|credits?)\b|©", re.IGNORECASE)
_PLACE_BEFORE = re.compile(r"\b(?:at|in|near)\s+(?:the\s+)?\Z", re.IGNORECASE)
_UPPER_WORD = re.compile(r"\b[^\W\d_][^\W\d_'’\-]*(?:['’\-][^\W\d_]+)*\b")
_UPPER_NAME_LEAD = re.compile(
    r"\A\s*[^\W\d_a-z]{2,}(?:['’\-][^\W\d_a-z]+)*(?:\s+[^\W\d_a-z]{2,}(?:['’\-][^\W\d_a-z]+)*){1,3}"
    r"(?=\s*(?:\(|,|[–—]))"
)
"""A label opening with a name in capitals before its details: 'WILL ROSS (No. 12 ...) –'."""


@dataclass(frozen=True, slots=True)
class CarLabel:
    """A speaker label naming a person and the one car they drive."""

    paragraph: int
    car: str
    person: str
    text: str


def label_person(label: str, document: Document) -> str | None:
    """Return the person a speaker label names ('ANTONIO GARCIA, NO. 3 ... – WINNER:')."""
    found = _label_mention(recased(label.strip()), document)
    return found[0] if found else None


def upper_label_person(label: str, document: Document) -> str | None:
    """Return the person a label names in capitals at its start ('ED ROSS (Team) – 2nd:')."""
    lead = _UPPER_NAME_LEAD.match(label)
    return label_person(label, document) if lead else None


def recased(label: str) -> str:
    """Return a label in upper case with its words capitalised (names can be found in it).

    A label in mixed case has the name in capitals at its start recased alone.
    """
    letters = [ch for ch in label if ch.isalpha()]
    if sum(ch.isupper() for ch in letters) <= UPPER_LABEL_SHARE * len(letters):
        lead = _UPPER_NAME_LEAD.match(label)
        if lead is None:
            return label
        return _title_upper(lead.group()) + label[lead.end() :]
    return _title_upper(label)


def _title_upper(text: str) -> str:
    """Return a text with its words in capitals capitalised."""
    return _UPPER_WORD.sub(lambda m: m.group().title() if m.group().isupper() else m.group(), text)


def _label_mention(label: str, document: Document) -> tuple[str, int] | None:
    """Return the first person a label names, and where the mention ends."""
    if not label or len(label) > MAX_LABEL_CHARS:
        return None
    blocked = [(t.start, t.end) for t in document.aliases.find_teams(label)]
    for mention in find_mentions(label, blocked=blocked):
        if _PLACE_BEFORE.search(label, 0, mention.start):
            continue  # 'at the Velden Motor Speedway': a place
        if len(mention.tokens) >= MIN_LABEL_TOKENS or document.resolver.lookup(mention.text):
            return document.resolver.resolve(mention.text), mention.end
    return None


def heading_person(document: Document, paragraph: int) -> str | None:
    """Return the person the heading above a paragraph names (a speaker's or a driver's block).

    Walking back over quote paragraphs, interview questions and detail lines naming no one
    ('Finishing Position: 1st', '• Car: …', 'NO. 27 NAPA HONDA'), the first line that is not a
    sentence (short, no closing full stop) and names a person is the heading (past a detail
    line, only one that opens with the person); a paragraph of narrative ends the walk.
    """
    skipped = False
    for index in range(paragraph - 1, max(-1, paragraph - MAX_HEADING_LOOKBACK - 1), -1):
        masked = document.masked[index].strip()
        if not masked or _QUESTION.match(masked):
            continue
        if len(masked) > MAX_LABEL_CHARS or masked.endswith(SENTENCE_END_MARKS):
            return None
        label = masked.rstrip(":–—- ")
        name = None if is_credit(masked) else label_person(label, document)
        if name and (not skipped or fold_name(label).startswith(fold_name(name))):
            return name
        skipped = True
    return None


def is_credit(text: str) -> bool:
    """Tell a photo credit ('Photo: Ann Berg') from a label naming a speaker."""
    return _CREDIT.search(text) is not None


def is_heading(text: str) -> bool:
    """Tell a heading line (short, no closing full stop) from a sentence."""
    text = text.strip()
    return bool(text) and len(text) <= MAX_LABEL_CHARS and not text.endswith(SENTENCE_END_MARKS)


def car_labels(document: Document) -> list[CarLabel]:
    """Return the labels that name a person and one car: inline before a quote, or a heading."""
    first_quote: dict[int, int] = {}
    for span in document.quotes:
        first_quote.setdefault(span.paragraph, span.start)
    captions = {caption.paragraph for caption in document.captions}
    labels = []
    for index, paragraph in enumerate(document.paragraphs):
        text = _label_text(document, index, first_quote) if index not in captions else None
        if text is None or is_credit(text):
            continue
        text = recased(text)
        cars = find_cars(text)
        if len({car.text for car in cars}) != 1:
            continue
        found = _label_mention(text[: cars[0].start], document)
        if found and len(text[found[1] : cars[0].start]) <= MAX_PERSON_TO_CAR_CHARS:
            labels.append(CarLabel(index, cars[0].text, found[0], " ".join(paragraph.split())))
    return labels


def _label_text(document: Document, index: int, first_quote: dict[int, int]) -> str | None:
    """Return the label of a paragraph: the text before its first quote, or a heading line."""
    start = first_quote.get(index)
    if start is not None:
        before = document.paragraphs[index][:start].strip()
        return before if before.endswith(":") and len(before) <= MAX_LABEL_CHARS else None
    following = first_quote.get(index + 1)
    if following is None or document.masked[index + 1][:following].strip():
        return None
    text = document.paragraphs[index]
    return text if is_heading(text) else None

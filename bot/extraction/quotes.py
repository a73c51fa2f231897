"""Find direct quotations and attribute each to its speaker."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import cache

from bot.extraction.document import Document, PersonRef, QuoteSpan, Sentence
from bot.extraction.labels import heading_person, label_person, upper_label_person
from bot.extraction.names import find_mentions
from bot.extraction.text import split_sentences
from bot.extraction.words import alternation, words
from bot.facts import Quote
from bot.text import SENTENCE_END_MARKS

MIN_UNCUED_WORDS = 6
MIN_REPORTED_WORDS = 3
MAX_REPORTED_GAP = 8
"""Words at most between a reporting verb and the quoted phrase it reports."""
MAX_EVIDENCE_CHARS = 1000
SENTENCE_MARKS = (".", "!", "?", "…")
EVIDENCE_CONTEXT_CHARS = 300
"""Characters of narrative kept on each side of a quote in its evidence."""
ASIDE_NAME_CHARS = 80
MIN_LABEL_TOKENS = 2
MAX_WORDS_BEFORE_CUE = 7
AFTER_WINDOW = 200
MAX_LOOKBACK_PEOPLE = 12
SUBJECT_LOOKBACK = 3
SUBJECT_WINDOW = 400


@cache
def _cue() -> re.Pattern[str]:
    """Return the pattern of a speech verb (the list lives in data/words.toml)."""
    return re.compile(rf"\b(?:{alternation(words().cue_verbs)})\b", re.IGNORECASE)


@cache
def _cue_at_end() -> re.Pattern[str]:
    """Return the pattern of a speech verb ending a text ('X added:', 'said X,')."""
    return re.compile(rf"\b(?:{alternation(words().cue_verbs)})\s*[,:]?\s*\Z", re.IGNORECASE)


_WORD = re.compile(r"[\w'’\-]+")
_TOPIC_NOTE = re.compile(r"\A\s*[(\[][^()\[\]]{1,80}[)\]]\s*:\Z")
"""A note of the topic between one speaker's quotes ('(On the restart):'): not a speaker."""
_TOPIC_TAIL = re.compile(r"[(\[][^()\[\]]{1,80}[)\]]\s*:\s*\Z")
_PRONOUN = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
_DESCRIPTOR = re.compile(r"\bthe\s+(?:[\w’'\-]+\s+){0,2}?[\w’'\-]+")
_SENTENCE_STOP = re.compile(rf"[{re.escape(SENTENCE_END_MARKS)}](?:\s|\Z)")
"""Any end mark followed by a space: cue windows stop even after 'Dr.' (unlike the splitter)."""
_REPORTING = re.compile(r"\A[\s,]*(?:he|she|they)\s+[a-z]{3,}(?:ed|s)\b")
_ASIDE = re.compile(r",\s*(?:who|whose|which)\b[^,.;:!?“”\"]{1,160},\s*")
_ROLE_AFTER = re.compile(
    r"\s+(?:team\s+|sporting\s+|technical\s+|managing\s+)?(?:boss|principal|owner|co-owner|"
    r"president|director|manager|chief|chairman|founder|ceo|engineer|spokes(?:wo)?man|"
    r"spokesperson)\b",
    re.IGNORECASE,
)
_EVIDENCE_END = re.compile(r"[.!?…][\"”’»)]*(?=\s|\Z)")
_SUBJECT_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he)\s+(?:[a-z]+ly\s+)?\Z")
_NOT_VERB = frozenset({"and", "or", "of", "to", "in", "at", "for", "from", "with", "the", "a"})


@dataclass(frozen=True, slots=True)
class _Cue:
    """Where a cue was found and whom it names (a name, a pronoun, or nobody)."""

    speaker: str | None
    pronoun: bool
    explicit: bool = False
    weak: bool = False


class _Focus:
    """The people named in narrative text, in reading order, for pronoun resolution."""

    def __init__(self, document: Document) -> None:
        refs = [p for s in document.sentences for p in s.people if p.name]
        self._refs = sorted(refs, key=lambda r: (r.paragraph, r.start))
        self._keys = [(r.paragraph, r.start) for r in self._refs]
        self._sentences = document.sentences
        self._masked = document.masked
        self._first_text: dict[int, int] = {}
        self._sentence_keys = [(s.paragraph, s.start) for s in document.sentences]
        everyone = [p for s in document.sentences for p in s.people]
        self._all = sorted(everyone, key=lambda r: (r.paragraph, r.start))
        self._all_keys = [(r.paragraph, r.start) for r in self._all]

    def subject_before(self, paragraph: int, offset: int) -> str | None:
        """Return who a pronoun before a place most likely stands for.

        Looking back over the last few sentences: someone named with a speech verb
        ('Olsen says'), else the first person of the latest sentence naming anyone.
        """
        index = bisect_left(self._sentence_keys, (paragraph, offset)) - 1
        for sentence in self._sentences[max(0, index - SUBJECT_LOOKBACK + 1) : index + 1][::-1]:
            people = [
                p for p in sentence.people
                if p.name and (p.paragraph, p.start) < (paragraph, offset)
            ]  # fmt: skip
            for person in people:
                if _cue().match(sentence.text, person.end - sentence.start + 1):
                    return person.name
            if people:
                return people[0].name
        return self.before(paragraph, offset)

    def opens(self, paragraph: int, offset: int) -> bool:
        """Tell whether nothing but blanks and quotes comes before a place in a paragraph."""
        first = self._first_text.get(paragraph)
        if first is None:
            masked = self._masked[paragraph]
            first = self._first_text[paragraph] = len(masked) - len(masked.lstrip())
        return offset <= first

    def sentence_at(self, paragraph: int, offset: int) -> Sentence | None:
        """Return the narrative sentence of a paragraph that holds a place, if any."""
        index = bisect_left(self._sentence_keys, (paragraph, offset + 1)) - 1
        if index < 0 or self._sentences[index].paragraph != paragraph:
            return None
        sentence = self._sentences[index]
        return sentence if sentence.start <= offset < sentence.end else None

    def sentence_before(self, paragraph: int, offset: int) -> Sentence | None:
        """Return the narrative sentence that starts last before a place."""
        index = bisect_left(self._sentence_keys, (paragraph, offset)) - 1
        return self._sentences[index] if index >= 0 else None

    def anyone_within(self, paragraph: int, start: int, end: int) -> list[PersonRef]:
        """Return every capitalised name in a stretch, known or not (for explicit cues)."""
        lo = bisect_left(self._all_keys, (paragraph, start))
        hi = bisect_left(self._all_keys, (paragraph, end))
        return self._all[lo:hi]

    def before(self, paragraph: int, offset: int) -> str | None:
        """Return the last person named before a place in the article."""
        index = bisect_left(self._keys, (paragraph, offset))
        return self._refs[index - 1].name if index else None

    def last(self, paragraph: int, end: int, count: int) -> list[PersonRef]:
        """Return up to `count` people named in a paragraph before a place in it."""
        lo = bisect_left(self._keys, (paragraph, 0))
        hi = bisect_left(self._keys, (paragraph, end))
        return self._refs[max(lo, hi - count) : hi]

    def within(self, paragraph: int, start: int, end: int) -> list[PersonRef]:
        """Return the people named in one stretch of a paragraph."""
        lo = bisect_left(self._keys, (paragraph, start))
        hi = bisect_left(self._keys, (paragraph, end))
        return self._refs[lo:hi]


def extract_quotes(document: Document) -> list[Quote]:
    """Return the spoken quotations of an article with their speakers."""
    focus = _Focus(document)
    quotes: list[Quote] = []
    runs_on: list[bool] = []
    previous: tuple[QuoteSpan, str | None] | None = None
    by_paragraph: dict[int, list[QuoteSpan]] = {}
    for span in document.quotes:
        by_paragraph.setdefault(span.paragraph, []).append(span)
    for paragraph, spans in sorted(by_paragraph.items()):
        text = document.paragraphs[paragraph]
        for k, span in enumerate(spans):
            before_start = spans[k - 1].end if k else 0
            after_end = spans[k + 1].start if k + 1 < len(spans) else len(text)
            cue = _cue_of(document, span, before_start, after_end, focus)
            if cue is None and not _is_speech(span, text, before_start, previous):
                cue = _reporting_verb(document, span, before_start, focus)
                if cue is None:
                    continue
            if not span.text:
                continue
            speaker = _speaker(cue, span, previous, document, focus)
            evidence = _evidence(document, span, before_start, after_end)
            quotes.append(Quote(speaker, span.text, paragraph, evidence=evidence))
            opens = k == 0 and focus.opens(paragraph, span.start)
            runs_on.append(not span.closed and cue is None and opens)
            previous = (span, speaker)
    return _carry_back(quotes, runs_on)


def _cue_of(
    document: Document, span: QuoteSpan, before_start: int, after_end: int, focus: _Focus
) -> _Cue | None:
    """Return the cue of a quote: a transcript label, a speech verb next to it, a label before."""
    if span.speaker:
        return _Cue(document.resolver.resolve(span.speaker), pronoun=False)
    text = document.paragraphs[span.paragraph]
    after = _after_cue(text, span, after_end, focus)
    if after is not None and not after.weak:
        return after
    aside = _aside_speaker(text, span, document)
    if aside:
        return _Cue(aside, pronoun=False)
    before = _before_cue(text, span, before_start, focus, document)
    if before is not None and (before.speaker or before.pronoun or after is None):
        return before
    return after or _heading_label(document, span, focus)


def _carry_back(quotes: list[Quote], runs_on: list[bool]) -> list[Quote]:
    """Give a quote that runs on into the next paragraph the speaker named at its end."""
    for k in range(len(quotes) - 2, -1, -1):
        following = quotes[k + 1]
        if runs_on[k] and following.paragraph == quotes[k].paragraph + 1 and following.speaker:
            quotes[k] = replace(quotes[k], speaker=following.speaker)
    return quotes


def _is_speech(
    span: QuoteSpan, text: str, before_start: int, previous: tuple[QuoteSpan, str | None] | None
) -> bool:
    """Tell speech from scare quotes and titles: long, or a paragraph of its own."""
    words = len(_WORD.findall(span.text))
    if words >= MIN_UNCUED_WORDS:
        return True
    opens_paragraph = before_start == 0 and not text[: span.start].strip()
    before = text[before_start : span.start].rstrip()
    continues = previous is not None and previous[0].paragraph == span.paragraph
    return (
        opens_paragraph or before.endswith(":") or (continues and before.endswith((".", "!", "?")))
    )


def _speaker(
    cue: _Cue | None,
    span: QuoteSpan,
    previous: tuple[QuoteSpan, str | None] | None,
    document: Document,
    focus: _Focus,
) -> str | None:
    if cue is not None and cue.speaker:
        return cue.speaker
    if cue is not None and cue.pronoun:
        return focus.subject_before(span.paragraph, span.start)
    if cue is not None and cue.explicit:
        return None
    if previous is not None and previous[1] and _goes_on(document, previous, span, focus):
        return previous[1]
    introduced = _named_before(span, document, focus, same_paragraph=True)
    if introduced:
        return introduced
    lead = _lead_in_subject(span, document, focus) if cue is None else None
    if lead:
        return lead
    if previous is not None and previous[0].paragraph >= span.paragraph - 1 and cue is None:
        return previous[1]
    return _named_before(span, document, focus, same_paragraph=False) or _sole_person_before(
        span, document, focus
    )


def _goes_on(
    document: Document, previous: tuple[QuoteSpan, str | None], span: QuoteSpan, focus: _Focus
) -> bool:
    """Tell whether a quote goes on from the one before it in its paragraph.

    Between them at most one sentence, naming nobody but the previous speaker ('“A,” said X,
    the director of Y. “B”'): the attribution of the first, not a new subject.
    """
    before, speaker = previous
    if before.paragraph != span.paragraph:
        return False
    between = document.masked[span.paragraph][before.end : span.start]
    note = _TOPIC_TAIL.search(between)
    end = span.start - (len(between) - note.start()) if note else span.start
    between = between[: note.start()] if note else between
    if len(split_sentences(between)) > 1:
        return False
    names = [person.name for person in focus.within(span.paragraph, before.end, end)]
    return not names or names[0] == speaker


def _sole_person_before(span: QuoteSpan, document: Document, focus: _Focus) -> str | None:
    """Return the one person the narrative paragraph before a quote paragraph is about."""
    if span.paragraph == 0 or not focus.opens(span.paragraph, span.start):
        return None
    before = span.paragraph - 1
    if not document.masked[before].strip() or any(
        q.paragraph == before for q in _near(document, before)
    ):
        return None
    names = {p.name for p in focus.within(before, 0, len(document.paragraphs[before]))}
    return names.pop() if len(names) == 1 else None


def _near(document: Document, paragraph: int) -> list[QuoteSpan]:
    """Return the quotes of one paragraph."""
    lo = bisect_left(document.quotes, paragraph, key=lambda q: q.paragraph)
    hi = bisect_left(document.quotes, paragraph + 1, key=lambda q: q.paragraph)
    return document.quotes[lo:hi]


def _reporting_verb(
    document: Document, span: QuoteSpan, before_start: int, focus: _Focus
) -> _Cue | None:
    """Read reported speech with a short quoted phrase: 'X said the result was “very sad”'."""
    sentence = focus.sentence_before(span.paragraph, span.start)
    if sentence is None or sentence.paragraph != span.paragraph:
        return None
    if len(_WORD.findall(span.text)) < MIN_REPORTED_WORDS:
        return None  # a word or two in the writer's sentence: not a quote
    start = max(sentence.start, before_start)
    masked = document.masked[span.paragraph]
    verbs = list(_cue().finditer(masked, start, span.start))
    if not verbs or len(_WORD.findall(masked, verbs[-1].end(), span.start)) > MAX_REPORTED_GAP:
        return None
    verb = verbs[-1]
    people = [p for p in focus.within(span.paragraph, start, verb.start())]
    if people and not _WORD.search(masked, people[-1].end, verb.start()):
        return _Cue(people[-1].name, pronoun=False)
    if _SUBJECT_PRONOUN.search(masked, start, verb.start()):
        return _Cue(None, pronoun=True)
    return None


def _evidence(document: Document, span: QuoteSpan, before_start: int, after_end: int) -> str:
    """Return the sentence a quote sits in with its attribution (cut at a readable length).

    From the end of the sentence before the quote (not past the quote before it) to the end of
    the sentence that carries on after it (not into the next quote).
    """
    text = document.paragraphs[span.paragraph]
    low = max(before_start, span.start - EVIDENCE_CONTEXT_CHARS)
    ends = list(_EVIDENCE_END.finditer(text, low, span.start))
    start = ends[-1].end() if ends else (low if low == before_start else span.start)
    end = span.end
    if not span.text.endswith(SENTENCE_MARKS):
        stop = _EVIDENCE_END.search(
            text, span.end, min(after_end, span.end + EVIDENCE_CONTEXT_CHARS)
        )
        end = stop.end() if stop else span.end
    evidence = " ".join(text[start:end].split())
    return (
        evidence
        if len(evidence) <= MAX_EVIDENCE_CHARS
        else evidence[: MAX_EVIDENCE_CHARS - 1] + "…"
    )


def _named_before(
    span: QuoteSpan, document: Document, focus: _Focus, *, same_paragraph: bool
) -> str | None:
    """Return a speaker named just before an uncued quote: 'X said ...' in the previous text."""
    paragraphs = (span.paragraph,) if same_paragraph else (span.paragraph - 1,)
    for paragraph in paragraphs:
        if paragraph < 0:
            continue
        end = span.start if paragraph == span.paragraph else len(document.paragraphs[paragraph])
        text = document.masked[paragraph]
        for ref in reversed(focus.last(paragraph, end, MAX_LOOKBACK_PEOPLE)):
            if _cue().match(text, ref.end + 1) or _cue().match(text, ref.end):
                return ref.name
            aside = _ASIDE.match(text, ref.end)
            if aside and _cue().match(text, aside.end()):
                return ref.name
    if same_paragraph:
        return _sentence_subject(span, document, focus)
    return None


def _lead_in_subject(span: QuoteSpan, document: Document, focus: _Focus) -> str | None:
    """Return who the narrative just before a quote in its paragraph is about (paraphrase)."""
    sentence = focus.sentence_before(span.paragraph, span.start)
    if sentence is None or sentence.paragraph != span.paragraph:
        return None
    if focus.opens(span.paragraph, span.start):
        return None
    people = [p for p in sentence.people if p.name]
    if people:
        return people[0].name
    if sentence.pronouns:
        return focus.subject_before(span.paragraph, sentence.start + sentence.pronouns[0])
    return None


def _sentence_subject(span: QuoteSpan, document: Document, focus: _Focus) -> str | None:
    """Return the first person of the sentence a mid-sentence quote sits in."""
    masked = document.masked[span.paragraph]
    low = max(0, span.start - SUBJECT_WINDOW)
    start = max(masked.rfind(". ", low, span.start), masked.rfind("? ", low, span.start), low - 1)
    start += 1
    if not masked[start : span.start].strip():
        return None
    people = focus.within(span.paragraph, start, span.start)
    return people[0].name if people else None


def _after_cue(text: str, span: QuoteSpan, limit: int, focus: _Focus) -> _Cue | None:
    """Read a cue after a quote: '," said X', '," X told the press', '," he said'."""
    window_end = min(limit, span.end + AFTER_WINDOW)
    window = text[span.end : window_end]
    stop = _SENTENCE_STOP.search(window)
    if stop and not window[: stop.start()].strip(" ,;–—-"):
        return None
    if stop:
        window_end = span.end + stop.start()
        window = text[span.end : window_end]
    elif _introduces_next(span, window, window_end, limit, len(text)):
        return None
    verb = _cue().search(window)
    if not verb and span.text.endswith(",") and _REPORTING.match(window):
        return _Cue(None, pronoun=True)
    people = focus.within(span.paragraph, span.end, window_end)
    bare = len(people) == 1 and not _WORD.search(text, span.end, people[0].start)
    if not verb and bare and not _WORD.search(text, people[0].end, window_end):
        return _Cue(people[0].name, pronoun=False, weak=True)
    if not verb:
        return None
    verb_at = span.end + verb.start()
    before = [p for p in people if p.end <= verb_at]
    role_then_name = bool(before) and not text[before[-1].end : verb_at].strip()
    named_first = (
        bool(people)
        and not _WORD.search(text, span.end, people[0].start)
        and text[people[0].end : people[0].end + 1] == ","
    )  # '“…,” X, the long title of X, says.': the name opens the cue, its title follows
    if len(_WORD.findall(window[: verb.start()])) > MAX_WORDS_BEFORE_CUE and not role_then_name:
        return _Cue(people[0].name, pronoun=False) if named_first else None
    if before:
        return _Cue(before[-1].name, pronoun=False)
    if _PRONOUN.search(window[: verb.start()]):
        return _Cue(None, pronoun=True)
    after = [p for p in people if p.start >= verb_at]
    named = [p for p in after if not _ROLE_AFTER.match(text, p.end)] or after
    if named:
        return _Cue(named[0].name, pronoun=False)
    if _PRONOUN.search(window[verb.end() :]) or _DESCRIPTOR.search(window):
        return _Cue(None, pronoun=True)
    unknown = focus.anyone_within(span.paragraph, span.end, window_end)
    return _Cue(unknown[0].text, pronoun=False, explicit=True) if unknown else None


def _introduces_next(span: QuoteSpan, window: str, end: int, limit: int, length: int) -> bool:
    """Tell a cue that leads into the next quote from one for this finished one.

    '“… I’m over the moon.” Asked about it, he said “…”': the text after a quote that ends its
    sentence runs on into the next quote and ends with a speech verb: that verb is the next
    quote's.
    """
    finished = span.text.endswith(SENTENCE_MARKS)
    return finished and end == limit < length and bool(_cue_at_end().search(window.rstrip()))


def _before_cue(
    text: str, span: QuoteSpan, start: int, focus: _Focus, document: Document
) -> _Cue | None:
    """Read a cue before a quote: 'X added:', 'X, vice president of Y:', 'X said,'."""
    before = text[start : span.start].rstrip()
    if not before.endswith(":") and not _cue_at_end().search(before):
        return None
    if before.endswith(":"):
        last = _last_sentence(before)
        if _TOPIC_NOTE.match(last):
            return None
        upper = upper_label_person(last, document)
        if upper:
            return _Cue(upper, pronoun=False)
    sentence_start = start
    for stop in _SENTENCE_STOP.finditer(before):
        sentence_start = start + stop.end()
    people = focus.within(span.paragraph, sentence_start, span.start)
    if not people:
        clause = text[sentence_start : span.start]
        if _PRONOUN.search(clause):
            return _Cue(None, pronoun=True)
        labelled = label_person(_last_sentence(before), document) if before.endswith(":") else None
        if labelled:
            return _Cue(labelled, pronoun=False)
        unknown = focus.anyone_within(span.paragraph, sentence_start, span.start)
        return _Cue(unknown[-1].text if unknown else None, pronoun=False, explicit=True)
    people = [p for p in people if not _ROLE_AFTER.match(text, p.end)] or people
    for person in reversed(people):
        if _cue().match(text, person.end + 1) and text[person.end : person.end + 1].isspace():
            return _Cue(person.name, pronoun=False)
    for person in people:
        following = _WORD.search(text, person.end)
        gap = text[person.end : following.start()] if following else ""
        word = following.group() if following else ""
        if not gap.strip() and word.islower() and word not in _NOT_VERB:
            return _Cue(person.name, pronoun=False)
    return _Cue(people[0].name, pronoun=False)


def _aside_speaker(text: str, span: QuoteSpan, document: Document) -> str | None:
    """Return the speaker an aside inside a quote names ('... – explains X, who ... – ...')."""
    aside = _aside().search(text, span.start, span.end)
    if aside is None:
        return None
    window = text[aside.end() : min(span.end, aside.end() + ASIDE_NAME_CHARS)]
    mentions = find_mentions(window)
    if mentions and mentions[0].start == 0 and len(mentions[0].tokens) >= MIN_LABEL_TOKENS:
        return document.resolver.resolve(mentions[0].text)
    return None


@cache
def _aside() -> re.Pattern[str]:
    """Return the pattern of a speech verb opening an aside in a quote ('– explains X')."""
    return re.compile(rf"(?:[–—]|,)\s+(?:{alternation(words().cue_verbs)})\s+(?=[A-ZÀ-Þ])")


def _last_sentence(text: str) -> str:
    """Return the last sentence of a text (abbreviations such as 'No.' do not end one)."""
    sentences = split_sentences(text)
    return sentences[-1].text if sentences else ""


def _heading_label(document: Document, span: QuoteSpan, focus: _Focus) -> _Cue | None:
    """Return the speaker a heading line names for the quote paragraphs under it."""
    if not focus.opens(span.paragraph, span.start):
        return None
    name = heading_person(document, span.paragraph)
    return _Cue(name, pronoun=False) if name else None

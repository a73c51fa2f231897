"""Turn extracted facts into JSON records and score them against a gold file."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.articles import Article, ArticleError, find_article_files, read_article
from bot.extraction import DEFAULT_ALIASES_PATH, Aliases, extract, load_aliases
from bot.extraction.names import surname
from bot.facts import ArticleFacts
from bot.text import QUOTES_AS_ONE, fold, fold_name

log = logging.getLogger(__name__)

GENERIC_TEAM_WORDS = frozenset(
    {"racing", "team", "motorsport", "motorsports", "the", "by", "with", "w/", "of", "and", "&"}
)
ALWAYS_FIRST = frozenset({"pole", "win"})
EVENT_STOP_WORDS = frozenset(
    {"the", "of", "at", "and", "hours", "hour", "race", "grand", "prix", "round", "championship",
     "fia", "world", "series", "imsa", "weathertech", "sportscar", "qualifying", "title",
     "drivers", "drivers'", "class", "endurance", "24", "6", "8", "12", "4", "1000", "500"}
)  # fmt: skip
"""Words an event's name shares with many others: agreement on them alone says nothing."""
YEAR_DIGITS = 4


def car_number(value: object) -> str | None:
    """Return a car number as a string without '#' or 'No.' (leading zeros kept)."""
    if value is None:
        return None
    text = str(value).strip().lstrip("#").strip()
    if text.casefold().startswith("no."):
        text = text[3:].strip()
    return text or None


def extraction_record(article: Article, facts: ArticleFacts) -> dict[str, Any]:
    """Return the JSON record of one article's facts, in the gold file's shape."""
    return {
        "file": Path(article.source).name,
        "date": article.published.isoformat() if article.published else None,
        "title": article.title,
        "quotes": [
            {"speaker": q.speaker, "text": q.text, "evidence": q.evidence} for q in facts.quotes
        ],
        "lineups": [
            {
                "car": car_number(x.car),
                "team": x.team,
                "drivers": list(x.drivers),
                "evidence": x.evidence,
            }
            for x in facts.lineups
        ],
        "results": [
            {
                "kind": r.kind,
                "position": r.position,
                "car": car_number(r.car),
                "drivers": list(r.drivers),
                "team": r.team,
                "event": r.event,
                "detail": r.detail,
                "session": r.session,
                "class": r.race_class,
                "evidence": r.evidence,
            }
            for r in facts.results
        ],
    }


def _aliases(path: Path | None) -> Aliases:
    """Load the aliases file named, else the repository's, else none (a bad file raises)."""
    if path is not None and path.is_file():
        return load_aliases(path)
    if path is not None:
        log.warning("aliases file %s not found; using %s", path, DEFAULT_ALIASES_PATH)
    return load_aliases(DEFAULT_ALIASES_PATH) if DEFAULT_ALIASES_PATH.is_file() else Aliases()


def run_extract(paths: list[Path], *, out: TextIO, aliases_path: Path | None = None) -> int:
    """Print one JSON record per article; a bad file is reported and skipped (exit code 1)."""
    try:
        aliases = _aliases(aliases_path)
    except ValueError as exc:
        print(f"bad aliases file: {exc}", file=sys.stderr)
        return 1
    status = 0
    for path in find_article_files(paths):
        try:
            article = read_article(path)
        except ArticleError as exc:
            print(f"skipped {exc}", file=sys.stderr)
            status = 1
            continue
        record = extraction_record(article, extract(article, aliases=aliases))
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return status


@dataclass(slots=True)
class Score:
    """Counts for one kind of fact and the ratios computed from them."""

    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        """Return the share of predicted items that are right."""
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Return the share of gold items that were found."""
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        """Return the harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        """Add another score's counts to this one."""
        self.true_positives += other.true_positives
        self.predicted += other.predicted
        self.gold += other.gold


@dataclass(slots=True)
class Agreement:
    """How often a matched result's event (or session) agrees with the gold one's."""

    right: int = 0
    compared: int = 0
    unstated: int = 0
    """Matched results with no event of their own (not compared)."""

    @property
    def share(self) -> float:
        """Return the share of compared results that agree."""
        return self.right / self.compared if self.compared else 1.0


@dataclass
class EvalReport:
    """How extraction did on a gold set: quote recall, speaker accuracy, lineups, results."""

    articles: int = 0
    gold_quotes: int = 0
    found_quotes: int = 0
    right_speakers: int = 0
    lineups: Score = field(default_factory=Score)
    results: Score = field(default_factory=Score)
    events: Agreement = field(default_factory=Agreement)
    sessions: Agreement = field(default_factory=Agreement)
    misses: list[str] = field(default_factory=list)

    @property
    def quote_recall(self) -> float:
        """Return the share of gold quotes found."""
        return self.found_quotes / self.gold_quotes if self.gold_quotes else 1.0

    @property
    def speaker_accuracy(self) -> float:
        """Return the share of found quotes whose speaker is right."""
        return self.right_speakers / self.found_quotes if self.found_quotes else 1.0


def score_quotes(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> tuple[int, int]:
    """Return (found, right speaker) for one article's gold quotes."""
    texts = [(fold(p.get("text") or "", QUOTES_AS_ONE), p.get("speaker")) for p in predicted]
    found = right = 0
    for item in gold:
        start = fold(item.get("starts") or "", QUOTES_AS_ONE)
        match = next((speaker for text, speaker in texts if start in text), False)
        if match is False:
            continue
        found += 1
        if match and item.get("speaker") and surname(str(match)) == surname(item["speaker"]):
            right += 1
    return found, right


def _lineup_pairs(lineups: Iterable[dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (car_number(x.get("car")) or "", surname(driver))
        for x in lineups
        for driver in x.get("drivers") or []
    }


def score_lineups(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> Score:
    """Score (car, driver surname) pairs of one article."""
    gold_pairs, predicted_pairs = _lineup_pairs(gold), _lineup_pairs(predicted)
    return Score(len(gold_pairs & predicted_pairs), len(predicted_pairs), len(gold_pairs))


def _team_words(team: str | None, aliases: Aliases) -> set[str]:
    if not team:
        return set()
    names = {team, aliases.canonical_team(team)}
    return {w for name in names for w in fold_name(name).split()} - GENERIC_TEAM_WORDS


def _position(item: dict[str, Any]) -> int | None:
    return 1 if item.get("kind") in ALWAYS_FIRST else item.get("position")


def result_matcher(aliases: Aliases) -> Callable[[dict[str, Any], dict[str, Any]], bool]:
    """Return the rule deciding whether a predicted result states a gold one."""

    def matches(gold: dict[str, Any], predicted: dict[str, Any]) -> bool:
        if gold.get("kind") != predicted.get("kind") or _position(gold) != _position(predicted):
            return False
        gold_car, predicted_car = car_number(gold.get("car")), car_number(predicted.get("car"))
        if gold_car and gold_car == predicted_car:
            return True
        gold_names = {surname(d) for d in gold.get("drivers") or []}
        if gold_names & {surname(d) for d in predicted.get("drivers") or []}:
            return True
        if gold_car or gold_names:
            return False
        gold_words = _team_words(gold.get("team"), aliases)
        return bool(gold_words & _team_words(predicted.get("team"), aliases))

    return matches


def one_to_one(
    gold: list[dict[str, Any]],
    predicted: list[dict[str, Any]],
    matches: Callable[[dict[str, Any], dict[str, Any]], bool],
) -> int:
    """Return the size of the largest one-to-one matching of predicted to gold items."""
    return len(matched_pairs(gold, predicted, matches))


def matched_pairs(
    gold: list[dict[str, Any]],
    predicted: list[dict[str, Any]],
    matches: Callable[[dict[str, Any], dict[str, Any]], bool],
) -> list[tuple[int, int]]:
    """Return (gold index, predicted index) of a largest one-to-one matching."""
    edges = [[j for j, p in enumerate(predicted) if matches(g, p)] for g in gold]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def evaluate(gold_path: Path, articles_dir: Path, aliases_path: Path | None = None) -> EvalReport:
    """Extract every gold article from a folder and score the facts against the gold file."""
    aliases = _aliases(aliases_path)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    matches = result_matcher(aliases)
    report = EvalReport()
    for entry in gold.get("articles", []):
        path = articles_dir / entry["file"]
        try:
            article = read_article(path)
        except ArticleError as exc:
            report.misses.append(str(exc))
            continue
        record = extraction_record(article, extract(article, aliases=aliases))
        report.articles += 1
        found, right = score_quotes(entry.get("quotes", []), record["quotes"])
        report.gold_quotes += len(entry.get("quotes", []))
        report.found_quotes += found
        report.right_speakers += right
        report.lineups.add(score_lineups(entry.get("lineups", []), record["lineups"]))
        gold_results = entry.get("results", [])
        pairs = matched_pairs(gold_results, record["results"], matches)
        report.results.add(Score(len(pairs), len(record["results"]), len(gold_results)))
        for i, j in pairs:
            _agree_on_event(report.events, gold_results[i], record["results"][j])
            _agree_on_session(report.sessions, gold_results[i], record["results"][j])
    return report


def _event_words(event: str | None) -> set[str]:
    """Return the words that tell one event from another (no years, series or race words)."""
    words = set(fold_name(event or "").replace("(", " ").replace(")", " ").split())
    return {w for w in words if w not in EVENT_STOP_WORDS and not _is_year(w)}


def _is_year(word: str) -> bool:
    return len(word) == YEAR_DIGITS and word.isdigit()


def _agree_on_event(agreement: Agreement, gold: dict[str, Any], predicted: dict[str, Any]) -> None:
    """Count whether a matched result names the gold result's event (shares a telling word)."""
    wanted = _event_words(gold.get("event"))
    if not wanted:
        return
    if not predicted.get("event"):
        agreement.unstated += 1
        return
    agreement.compared += 1
    agreement.right += bool(wanted & _event_words(predicted["event"]))


def _agree_on_session(
    agreement: Agreement, gold: dict[str, Any], predicted: dict[str, Any]
) -> None:
    """Count whether a matched result's session is the gold one's (read from its event)."""
    if gold.get("kind") == "title":
        return
    event = fold_name(gold.get("event") or "")
    wanted = "race"
    if gold.get("kind") == "pole" or "qualifying" in event or "hyperpole" in event:
        wanted = "qualifying"
    elif "sprint" in event:
        wanted = "sprint"
    session = (predicted.get("session") or "race").casefold()
    agreement.compared += 1
    agreement.right += ("qualifying" if session == "hyperpole" else session) == wanted


def format_report(report: EvalReport) -> str:
    """Return the report as a small text table."""
    rows = [
        ("articles", f"{report.articles}"),
        ("quote recall", f"{report.quote_recall:.3f} ({report.found_quotes}/{report.gold_quotes})"),
        (
            "speaker accuracy",
            f"{report.speaker_accuracy:.3f} ({report.right_speakers}/{report.found_quotes})",
        ),
    ]
    for label, score in (("lineup drivers", report.lineups), ("results", report.results)):
        rows.append(
            (
                label,
                f"P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f} "
                f"({score.true_positives} right, {score.predicted} predicted, {score.gold} gold)",
            )
        )
    events, sessions = report.events, report.sessions
    rows.append(
        (
            "result events",
            f"{events.share:.3f} ({events.right}/{events.compared} agree; "
            f"{events.unstated} matched with none)",
        )
    )
    rows.append(("result sessions", f"{sessions.share:.3f} ({sessions.right}/{sessions.compared})"))
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    lines += [f"unreadable: {miss}" for miss in report.misses]
    return "\n".join(lines)


def run_eval(
    gold_path: Path, articles_dir: Path, *, out: TextIO, aliases_path: Path | None = None
) -> int:
    """Print the evaluation table for a gold file and its articles (1 when one is missing)."""
    try:
        report = evaluate(gold_path, articles_dir, aliases_path)
    except (OSError, ValueError, KeyError) as exc:
        print(f"cannot evaluate {gold_path.name}: {exc}", file=sys.stderr)
        return 1
    out.write(format_report(report) + "\n")
    return 1 if report.misses else 0

"""Minimum scores on the seed articles and the shared dev set (a regression fails CI)."""

from pathlib import Path

import pytest

from bot.extraction.evaluate import EvalReport, Score, evaluate

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
DEV = REPO.parent / "shared" / "corpus" / "dev"

MIN_QUOTE_RECALL = 0.95
MIN_SPEAKER_ACCURACY = 0.95
MIN_LINEUP_F1 = 0.95
MIN_RESULT_F1 = 0.85


def check(report: EvalReport) -> None:
    assert report.articles > 0
    assert not report.misses
    assert report.quote_recall >= MIN_QUOTE_RECALL
    assert report.speaker_accuracy >= MIN_SPEAKER_ACCURACY
    assert report.lineups.f1 >= MIN_LINEUP_F1
    assert report.results.f1 >= MIN_RESULT_F1


def test_seed_articles_meet_the_minimums():
    check(evaluate(SEEDS / "gold.json", SEEDS / "articles", SEEDS / "aliases.toml"))


def test_dev_articles_meet_the_minimums():
    if not (DEV / "gold.json").exists():
        pytest.skip(f"dev corpus not found at {DEV}; it lives outside the repository")
    check(evaluate(DEV / "gold.json", DEV / "articles", SEEDS / "aliases.toml"))


def test_held_out_style_corpus_meets_the_minimums():
    corpus = REPO / "tests" / "extraction" / "corpus"
    check(evaluate(corpus / "gold.json", corpus / "articles", SEEDS / "aliases.toml"))


MIN_REAL_RESULT_F1 = 0.85
MIN_REAL_RESULT_PRECISION = 0.92
DEV2 = REPO.parent / "shared" / "corpus" / "dev2"


def test_results_on_real_articles_meet_the_targets():
    """Results on dev + dev2 together (real articles, read in place): F1 and precision."""
    corpora = [DEV, DEV2]
    missing = [str(c) for c in corpora if not (c / "gold.json").exists()]
    if missing:
        pytest.skip(f"real corpora not found at {', '.join(missing)}; they live outside the repo")
    total = Score()
    for corpus in corpora:
        report = evaluate(corpus / "gold.json", corpus / "articles", SEEDS / "aliases.toml")
        assert report.articles > 0 and not report.misses
        total.add(report.results)
    assert total.precision >= MIN_REAL_RESULT_PRECISION, total
    assert total.f1 >= MIN_REAL_RESULT_F1, total

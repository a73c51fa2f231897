"""The JSON record, the extract command's output and the scoring rules."""

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from bot.extraction import Aliases
from bot.extraction.evaluate import (
    extraction_record,
    one_to_one,
    result_matcher,
    run_eval,
    run_extract,
    score_lineups,
    score_quotes,
)
from bot.facts import Article, ArticleFacts, Lineup, Quote, Result


def test_record_shape_and_car_numbers():
    article = Article(source="dir/a.txt", title="T", body="x", published=date(2024, 1, 2))
    facts = ArticleFacts(
        quotes=[Quote("Nora Falk", "Great day.", evidence="“Great day,” said Nora Falk.")],
        lineups=[Lineup("01", "Halvard Racing", ("Nora Falk",), evidence="Nora Falk, #01.")],
        results=[
            Result(
                "pole",
                1,
                "#07",
                ("Nora Falk",),
                None,
                "Rolex 24",
                "1:32.656",
                session="qualifying",
                race_class="GTP",
                evidence="Nora Falk took pole.",
            )
        ],
    )
    record = extraction_record(article, facts)
    assert record == {
        "file": "a.txt",
        "date": "2024-01-02",
        "title": "T",
        "quotes": [
            {
                "speaker": "Nora Falk", "text": "Great day.",
                "evidence": "“Great day,” said Nora Falk.",
            }
        ],
        "lineups": [
            {
                "car": "01", "team": "Halvard Racing", "drivers": ["Nora Falk"],
                "evidence": "Nora Falk, #01.",
            }
        ],
        "results": [
            {
                "kind": "pole", "position": 1, "car": "07", "drivers": ["Nora Falk"],
                "team": None, "event": "Rolex 24", "detail": "1:32.656",
                "session": "qualifying", "class": "GTP", "evidence": "Nora Falk took pole.",
            }
        ],
    }  # fmt: skip


def test_run_extract_prints_one_line_per_article_and_skips_bad_files(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("date 2024-05-01 “We won it all today, finally,” said Nora Falk.\n")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    out = io.StringIO()
    status = run_extract([good, bad], out=out)
    lines = out.getvalue().splitlines()
    assert status == 1
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["date"] == "2024-05-01"
    assert record["quotes"][0]["speaker"] == "Nora Falk"
    assert "bad.txt" in capsys.readouterr().err


def test_quote_scoring_normalises_and_compares_surnames():
    gold = [
        {"speaker": "Sébastien Marchal", "starts": "It’s been a long"},
        {"speaker": "Ivo Lund", "starts": "Not found anywhere"},
    ]
    predicted = [{"speaker": "Seb MARCHAL", "text": '"It\'s   been a LONG year"'}]
    assert score_quotes(gold, predicted) == (1, 1)


def test_lineup_scoring_uses_car_and_surname():
    gold = [{"car": "01", "drivers": ["Renzo van der Berg", "Ivo Lund"]}]
    predicted = [
        {"car": "01", "drivers": ["R. Van Der Berg"]},
        {"car": "1", "drivers": ["Ivo Lund"]},
    ]
    score = score_lineups(gold, predicted)
    assert (score.true_positives, score.predicted, score.gold) == (1, 2, 2)


def test_result_matching_rules():
    matches = result_matcher(Aliases(teams={"Halvard Racing": ("HRT",)}))
    gold_win = {"kind": "win", "position": 1, "car": "7", "drivers": ["Nora Falk"], "team": None}
    assert matches(gold_win, {"kind": "win", "position": None, "car": "7", "drivers": []})
    assert matches(gold_win, {"kind": "win", "position": 1, "car": None, "drivers": ["N. Falk"]})
    assert not matches(gold_win, {"kind": "finish", "position": 1, "car": "7", "drivers": []})
    gold_team = {
        "kind": "title",
        "position": 1,
        "car": None,
        "drivers": [],
        "team": "Halvard Racing",
    }
    assert matches(gold_team, {"kind": "title", "position": 1, "team": "HRT"})
    assert not matches(gold_team, {"kind": "title", "position": 1, "team": "Other Racing"})


def test_one_to_one_matching_counts_each_prediction_once():
    gold = [{"id": 1}, {"id": 2}]
    predicted = [{"id": 1}]
    assert one_to_one(gold, predicted, lambda g, p: True) == 1


def eval_table(tmp_path: Path, gold: dict[str, Any]) -> str:
    """Run `paddock eval` on a gold file of articles in `tmp_path`; return its table."""
    gold_path = tmp_path / "gold.json"
    gold_path.write_text(json.dumps(gold))
    out = io.StringIO()
    assert run_eval(gold_path, tmp_path, out=out) == 0
    return out.getvalue()


def test_run_eval_prints_a_table(tmp_path: Path):
    (tmp_path / "a.txt").write_text(
        "date 2024-05-01 Nora Falk won the race.\n“We won it all today, finally,” said Nora Falk."
    )
    gold = {
        "articles": [
            {
                "file": "a.txt",
                "quotes": [{"speaker": "Nora Falk", "starts": "We won it all"}],
                "lineups": [],
                "results": [{"kind": "win", "position": 1, "car": None, "drivers": ["Nora Falk"]}],
            }
        ]
    }
    table = eval_table(tmp_path, gold)
    assert "quote recall      1.000 (1/1)" in table
    assert "F1 1.000" in table


def test_run_extract_reports_a_bad_aliases_file(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("Nora Falk won.")
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[teams]\n"Halvard Racing" = 3\n')
    assert run_extract([article], out=io.StringIO(), aliases_path=aliases) == 1
    assert "Halvard Racing" in capsys.readouterr().err


def test_eval_says_how_often_a_matched_result_has_the_gold_event_and_session(tmp_path: Path):
    (tmp_path / "a.txt").write_text(
        "date 2024-05-01 Nora Falk won the 6 Hours of Velden. Ivo Lund finished second in the "
        "6 Hours of Brenner. Anna Berg took pole in qualifying."
    )
    results = [
        {"kind": "win", "position": 1, "drivers": ["Nora Falk"], "event": "2024 6 Hours of Velden"},
        {"kind": "finish", "position": 2, "drivers": ["Ivo Lund"], "event": "6 Hours of Velden"},
        {"kind": "pole", "position": 1, "drivers": ["Anna Berg"], "event": "Velden qualifying"},
    ]
    gold = {"articles": [{"file": "a.txt", "quotes": [], "lineups": [], "results": results}]}
    table = eval_table(tmp_path, gold)
    assert "result events     0.667 (2/3 agree; 0 matched with none)" in table
    assert "result sessions   1.000 (3/3)" in table

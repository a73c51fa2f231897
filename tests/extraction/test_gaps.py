"""A gap stated in its own sentence goes with the placed driver it names."""

from __future__ import annotations

from bot.articles import parse_article
from bot.extraction import extract

QUALIFYING = (
    " date 2025-03-14 Kessler storms to Sebring pole\n"
    "Mara Kessler took pole position for the No. 44 Halvard Racing entry with a 1:47.302.\n"
    "Tomas Ruud lined up the No. 9 Brightline Motorsports car in second place.\n"
    "Only 0.118s separated Ruud and Kessler at the end of the session.\n"
)


def results_of(text: str):
    return extract(parse_article(text.encode(), "q.txt")).results


def test_gap_sentence_gives_the_runner_up_its_margin():
    second = next(r for r in results_of(QUALIFYING) if r.position == 2)
    assert second.detail == "0.118"
    assert any(r.kind == "pole" and r.detail == "1:47.302" for r in results_of(QUALIFYING))


def test_a_lap_time_is_not_a_gap():
    text = QUALIFYING.replace(
        "Only 0.118s separated Ruud and Kessler", "Ruud was on 1:47.420, just off Kessler"
    )
    second = next(r for r in results_of(text) if r.position == 2)
    assert second.detail != "47.420"

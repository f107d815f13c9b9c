"""Tests for the offline evaluation on a tiny hand-made labelled fixture."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from matchmaker.ranking.evaluation import (
    evaluate_dir,
    format_report,
    main,
    ndcg_at_k,
    precision_at_k,
)

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny_eval"


def test_metric_functions_by_hand() -> None:
    grades = {"a": 3, "b": 1, "c": 2}
    ranked = ["b", "x", "a", "c"]
    dcg = 1 / math.log2(2) + 0 + 7 / math.log2(4) + 3 / math.log2(5)
    idcg = 7 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(ranked, grades) == pytest.approx(dcg / idcg)
    assert precision_at_k(ranked, grades) == pytest.approx(2 / 5)
    assert ndcg_at_k(ranked, {}) == 0.0


def test_evaluate_dir_on_tiny_fixture() -> None:
    results = evaluate_dir(TINY)
    # tp1: the only judged company (tc2, grade 2) is ranked second behind the solar installer.
    ndcg_tp1 = (3 / math.log2(3)) / 3
    # tp2: tc3 (grade 3) then tc4 (grade 1) is the ideal order.
    ndcg_tp2 = 1.0
    assert results["model"]["ndcg@10"] == pytest.approx((ndcg_tp1 + ndcg_tp2) / 2)
    # One company with grade >= 2 per priority, divided by k=5.
    assert results["model"]["p@5"] == pytest.approx(0.2)
    assert results["n_priorities"] == 2 and results["n_companies"] == 4
    assert 0.0 <= results["tfidf"]["ndcg@10"] <= 1.0


def test_report_has_exactly_two_lines() -> None:
    report = format_report(
        {"model": {"ndcg@10": 0.91234, "p@5": 0.9}, "tfidf": {"ndcg@10": 0.8, "p@5": 0.75}}
    )
    assert report == "model ndcg@10=0.912 p@5=0.900\ntfidf ndcg@10=0.800 p@5=0.750"


def test_cli_prints_two_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(TINY)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"model ndcg@10=\d\.\d{3} p@5=\d\.\d{3}", lines[0])
    assert re.fullmatch(r"tfidf ndcg@10=\d\.\d{3} p@5=\d\.\d{3}", lines[1])
    assert main([]) == 2

"""The pure side of learning from decisions: the time split, NDCG@10 over labels, the fit."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

import matchmaker
from matchmaker.ranking import PartnershipRanker, RankingError
from matchmaker.ranking.learning import (
    Label,
    Queries,
    blend,
    fit_weights,
    time_split,
    weight_grid,
    with_weights,
)

T0 = datetime(2026, 3, 1, 12, 0)


def _labels(n: int) -> list[Label]:
    return [Label(f"p{i % 3}", f"c{i}", i % 4, T0 + timedelta(hours=i)) for i in range(n)]


def test_the_split_holds_out_the_latest_decisions_and_fits_only_on_earlier_ones():
    labels = _labels(50)
    split = time_split(list(reversed(labels)), holdout=0.2)  # input order does not matter
    assert len(split.held_out) == 10 and len(split.train) == 40
    assert max(x.decided_at for x in split.train) < split.cutoff
    assert min(x.decided_at for x in split.held_out) == split.cutoff
    assert {x.profile_key for x in split.held_out} == {f"c{i}" for i in range(40, 50)}


def test_decisions_made_at_the_cutoff_time_are_all_held_out():
    labels = _labels(10)
    same = [Label("p9", f"d{i}", 1, labels[8].decided_at) for i in range(3)]
    split = time_split(labels + same, holdout=0.2)  # 13 * 0.2 -> the last 3, all at one time
    assert all(x.decided_at < split.cutoff for x in split.train)
    assert {x.profile_key for x in split.held_out} >= {"c8", "d0", "d1", "d2", "c9"}
    assert len(split.train) + len(split.held_out) == 13


@pytest.mark.parametrize("holdout", [0.0, 1.0, -0.1, 1.5])
def test_the_split_refuses_a_share_outside_zero_and_one(holdout):
    with pytest.raises(RankingError, match="between 0 and 1"):
        time_split(_labels(10), holdout)


def test_ndcg_counts_priorities_with_two_decisions_and_a_positive_one():
    labels = [
        Label("a", "x", 2, T0),
        Label("a", "y", 0, T0),
        Label("b", "z", 1, T0),  # one decision only: skipped
        Label("c", "u", 0, T0),
        Label("c", "v", 0, T0),  # no positive grade: skipped
    ]
    queries = Queries(labels)
    assert queries.n_queries == 1
    assert queries.ndcg(np.array([0.9, 0.1, 0.5, 0.5, 0.5])) == 1.0
    worse = queries.ndcg(np.array([0.1, 0.9, 0.5, 0.5, 0.5]))
    assert worse == pytest.approx(1 / np.log2(3))


def test_blend_reproduces_the_estimators_gated_total():
    comps = np.random.default_rng(0).random((50, 4))
    model = PartnershipRanker()
    w = [model.w_text, model.w_sector, model.w_type, model.w_geo]
    total = sum(w)
    weights = {"text": w[0] / total, "sector": w[1] / total, "type": w[2] / total}
    base = weights["text"] * comps[:, 0] + weights["sector"] * comps[:, 1]
    gate = np.clip((base / (1 - 2 * 0.15 / 1.3) - 0.25) / 0.15, 0, 1)
    expected = np.clip(
        base + gate * (weights["type"] * comps[:, 2] + w[3] / total * comps[:, 3]), 0, 1
    )
    assert blend(comps, w, 0.25, 0.15) == pytest.approx(expected)


def test_the_grid_keeps_a_topical_share_and_sums_to_one():
    grid = weight_grid()
    assert np.allclose(grid.sum(axis=1), 1.0)
    assert (grid[:, 0] + grid[:, 1] >= 0.2 - 1e-9).all()


def test_fit_finds_weights_that_order_the_decisions_and_a_model_that_uses_them():
    # Accepted pairs share the sector; declined ones only repeat words.
    fitted = PartnershipRanker()
    fitted.weights_ = {
        "text": 0.75 / 1.3,
        "sector": 0.25 / 1.3,
        "type": 0.15 / 1.3,
        "geo": 0.15 / 1.3,
    }
    labels, comps = [], []
    for q in range(6):
        for j, (grade, row) in enumerate([(1, [0.1, 1.0, 1.0, 1.0]), (0, [0.9, 0.0, 0.0, 1.0])]):
            labels.append(Label(f"p{q}", f"c{j}", grade, T0))
            comps.append(row)
    comps = np.array(comps)
    queries = Queries(labels)
    before = queries.ndcg(blend(comps, list(fitted.weights_.values()), 0.25, 0.15))
    weights, after = fit_weights(fitted, comps, labels)
    assert after == 1.0 > before
    assert weights["sector"] > fitted.weights_["sector"]
    new = with_weights(fitted, weights)
    assert new.weights_ == pytest.approx(weights) and new.w_sector == weights["sector"]
    assert fitted.weights_["text"] == pytest.approx(0.75 / 1.3)  # the current model is untouched


def test_on_the_dev_set_learning_recovers_what_a_text_only_model_misses(capsys):
    from matchmaker.ranking.learning_sim import main

    dev = Path(matchmaker.__file__).parent / "data" / "dev"
    assert main([str(dev), "1,0,0,0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "decisions=600 train=480 held_out=120"
    current, learned = (float(x.split("held-out=")[1].split()[0]) for x in lines[2:4])
    assert learned > current + 0.02


def test_the_simulation_says_why_it_cannot_run(capsys, tmp_path):
    from matchmaker.ranking.learning_sim import main

    assert main([str(tmp_path)]) == 1
    assert "cannot simulate on" in capsys.readouterr().err

"""Tests for blocked top-k matching and incremental scoring."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.ranking import PartnershipRanker, RankingError
from matchmaker.ranking.rerank import (
    RankingIndex,
    score_one_against_many,
    top_k_in_blocks,
    top_k_matches,
)
from matchmaker.ranking.synthetic import SyntheticData


@pytest.fixture(scope="module")
def data():
    gen = SyntheticData(seed=11, n_filler=500, text_words=25)
    return gen.priorities(30), gen.profiles(257)


@pytest.fixture(scope="module")
def model(data) -> PartnershipRanker:
    return PartnershipRanker(n_components=24).fit(*data)


def brute_force(model, priorities, profiles, top_k, min_score):
    total, _ = model.score_matrix(priorities, profiles)
    out = []
    for i, p in enumerate(priorities):
        order = np.lexsort((np.arange(len(profiles)), -total[i]))[:top_k]
        out += [(p.key, profiles[j].key) for j in order if total[i, j] >= min_score]
    return out, total


def test_pruning_bound_is_an_upper_bound(model, data) -> None:
    from matchmaker.ranking.products import text_floor

    total, comps = model.score_matrix(*data)
    text_part = model.weights_["text"] * comps["text"]
    base = text_part + model.weights_["sector"] * comps["sector"]
    # A pair at exactly a threshold's floor can reach it; anything lower cannot.
    for thr in (0.1, 0.3, 0.5, 0.7):
        floor = text_floor(model, np.full(1, thr, np.float32), np.zeros(1, np.float32))[0]
        assert (total[base < floor] < thr).all()
        floor_t = text_floor(model, np.full(1, thr, np.float32), np.ones(1, np.float32))[0]
        assert (total[text_part < floor_t] < thr).all()


@pytest.mark.parametrize(("chunk_size", "block_size", "n_jobs"), [(7, 50, 2), (2000, 10_000, 1)])
def test_top_k_equals_brute_force(model, data, chunk_size, block_size, n_jobs) -> None:
    expected, total = brute_force(model, *data, top_k=5, min_score=0.0)
    got = top_k_matches(
        model,
        *data,
        top_k=5,
        min_score=0.0,
        chunk_size=chunk_size,
        block_size=block_size,
        n_jobs=n_jobs,
    )
    assert [(m.priority_key, m.profile_key) for m in got] == expected
    keys = {c.key: j for j, c in enumerate(data[1])}
    _, comps = model.score_matrix(*data)
    for m in got:
        i, j = m.priority_key - data[0][0].key, keys[m.profile_key]
        assert m.score == pytest.approx(float(total[i, j]), abs=1e-6)
        assert list(m.components) == ["text", "sector", "type", "geo"]
        for name, value in m.components.items():
            assert value == pytest.approx(float(comps[name][i, j]), abs=1e-6)


@pytest.mark.parametrize("priorities_per_part", [5, 10, 30])
def test_chunks_of_priorities_over_encoded_blocks_give_exactly_the_whole(
    model, data, priorities_per_part
) -> None:
    """What the distributed re-rank relies on: each chunk job's rows are the whole run's rows,
    bit for bit (scores, components), over blocks encoded once. Chunk jobs hold a multiple of
    the product size (chunk_size) as distributed.chunk_priorities() makes them: a product of
    another shape may take another BLAS kernel and round the last float32 bit differently."""
    priorities, profiles = data
    whole = top_k_matches(model, *data, top_k=4, chunk_size=5, block_size=64, n_jobs=1)
    blocks = [(a, model.transform_profiles(profiles[a : a + 64])) for a in range(0, 257, 64)]
    keys = [p.key for p in profiles]
    parts = [
        top_k_in_blocks(
            model,
            priorities[a : a + priorities_per_part],
            blocks,
            keys,
            top_k=4,
            chunk_size=5,
            n_jobs=2,
        )
        for a in range(0, len(priorities), priorities_per_part)
    ]
    assert [m for part in parts for m in part] == whole


def test_progress_reports_profiles_scored_after_each_block(model, data) -> None:
    seen: list[int] = []
    top_k_matches(model, *data, top_k=3, block_size=100, n_jobs=1, progress=seen.append)
    assert seen == [100, 200, 257]


def test_min_score_filter(model, data) -> None:
    cut = 0.45
    expected, _ = brute_force(model, *data, top_k=10, min_score=cut)
    got = top_k_matches(model, *data, top_k=10, min_score=cut, block_size=64)
    assert [(m.priority_key, m.profile_key) for m in got] == expected
    assert all(m.score >= cut for m in got)
    assert top_k_matches(model, [], data[1]) == []
    with pytest.raises(RankingError):
        top_k_matches(model, *data, top_k=0)
    with pytest.raises(RankingError, match="n_jobs must be positive"):
        top_k_matches(model, *data, n_jobs=0)


def test_incremental_equals_full(model, data) -> None:
    priorities, profiles = data
    profile_index = RankingIndex(model, profiles, "profile")
    priority_index = RankingIndex(model, priorities, "priority")
    full = top_k_matches(model, priorities[:3], profiles, top_k=5, min_score=0.0)
    inc = score_one_against_many(model, priorities[0], profile_index, "priority", 5, 0.0)
    same = [m for m in full if m.priority_key == priorities[0].key]
    assert [m.profile_key for m in inc] == [m.profile_key for m in same]
    assert [m.score for m in inc] == pytest.approx([m.score for m in same], abs=1e-6)
    total, comps = model.score_matrix(priorities, profiles[:1])
    inc = score_one_against_many(
        model, profiles[0], priority_index, top_k=len(priorities), min_score=0.0
    )
    by_key = {m.priority_key: m for m in inc}
    for i, p in enumerate(priorities):
        assert by_key[p.key].score == pytest.approx(float(total[i, 0]), abs=1e-6)
        assert by_key[p.key].components["text"] == pytest.approx(
            float(comps["text"][i, 0]), abs=1e-6
        )
    with pytest.raises(RankingError):
        score_one_against_many(model, profiles[0], profile_index)
    plain = score_one_against_many(model, profiles[0], priorities, top_k=3, min_score=0.0)
    assert len(plain) == 3


def test_a_base_rounded_above_one_still_ranks() -> None:
    """Text-only weights and identical texts: w_text*cos may round above 1, the total is 1."""
    from matchmaker.ranking.inputs import PriorityInput, ProfileInput

    gen = SyntheticData(seed=0, n_filler=100, text_words=10)
    texts = [p.description for p in gen.priorities(40)]
    fit_on = [PriorityInput(9, "", t) for t in texts]
    checked = 0
    for text in texts:
        pri = [PriorityInput(0, "", text, (), ("investment",), (), "CA")]
        prof = [
            ProfileInput(j, "", text, "", (), ("investment",), "US", ("any",)) for j in range(4)
        ]
        model = PartnershipRanker(
            w_text=1.0, w_sector=0.0, w_type=0.0, w_geo=0.0, n_components=8
        ).fit(fit_on, prof)
        pt = model.scaled_text(model.transform_priorities(pri))
        if (pt @ model.transform_profiles(prof).text.T)[0, 0] <= 1:
            continue
        checked += 1
        for k in (1, 2, 3):
            assert len(top_k_matches(model, pri, prof, top_k=k, min_score=0.0, n_jobs=1)) == k
    assert checked, "no text rounded above 1: the case is not exercised"

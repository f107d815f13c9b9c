"""Tests for the full re-rank's parallel plumbing: forked block encoders and the thread stage."""

from __future__ import annotations

import threading

import numpy as np
import psutil
import pytest

from matchmaker.ranking import PartnershipRanker
from matchmaker.ranking.parallel import BlockEncoder, ahead
from matchmaker.ranking.synthetic import SyntheticData


@pytest.fixture(scope="module")
def data():
    gen = SyntheticData(seed=5, n_filler=300, text_words=20)
    return gen.priorities(10), gen.profiles(95)


@pytest.fixture(scope="module")
def model(data) -> PartnershipRanker:
    return PartnershipRanker(n_components=16).fit(*data)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_blocks_arrive_in_order_as_a_direct_transform(model, data, n_jobs) -> None:
    profiles = data[1]
    with BlockEncoder(model, profiles, block_size=20, n_jobs=n_jobs) as blocks:
        assert (blocks.pool is not None) == (n_jobs > 1)
        got = list(blocks)
    assert [start for start, _ in got] == [0, 20, 40, 60, 80]
    for start, cm in got:
        direct = model.transform_profiles(profiles[start:start + 20])
        assert cm.keys == direct.keys
        np.testing.assert_allclose(cm.text, direct.text, rtol=1e-6, atol=1e-7)


def test_one_block_is_encoded_in_process(model, data) -> None:
    with BlockEncoder(model, data[1], block_size=1000, n_jobs=2) as blocks:
        assert blocks.pool is None
        assert [len(cm) for _, cm in blocks] == [95]


def test_leaving_early_stops_the_workers(model, data) -> None:
    me = psutil.Process()
    before = {p.pid for p in me.children()}
    workers: set[int] = set()
    with (pytest.raises(RuntimeError, match="consumer failed"),  # noqa: PT012
          BlockEncoder(model, data[1], block_size=10, n_jobs=2) as blocks):
        workers = {p.pid for p in me.children()} - before
        assert len(workers) == 2
        for _ in blocks:
            raise RuntimeError("consumer failed")
    alive = {p.pid for p in me.children() if p.status() != psutil.STATUS_ZOMBIE}
    assert not workers & alive


def test_ahead_keeps_order_and_runs_in_worker_threads() -> None:
    seen: list[str] = []

    def work(i: int) -> int:
        seen.append(threading.current_thread().name)
        return i * i

    assert list(ahead(range(7), work, workers=2)) == [(i, i * i) for i in range(7)]
    assert seen and all(name.startswith("rerank") for name in seen)


def test_ahead_raises_the_workers_error() -> None:
    def work(i: int) -> int:
        if i == 3:
            raise ValueError("bad chunk")
        return i

    got = []
    with pytest.raises(ValueError, match="bad chunk"):
        for item, _ in ahead(range(6), work, workers=2):
            got.append(item)
    assert got == [0, 1, 2]

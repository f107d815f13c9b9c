"""Tests for the full re-rank's parallel plumbing: forked block encoders and the thread stage."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from matchmaker.ranking import PartnershipRanker
from matchmaker.ranking.parallel import BlockEncoder, ahead, can_fork
from matchmaker.ranking.synthetic import SyntheticData

ROOT = Path(__file__).resolve().parents[2]


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
    forkable = can_fork()  # the pool's own threads make it False once it runs
    with BlockEncoder(model, profiles, block_size=20, n_jobs=n_jobs) as blocks:
        assert (blocks.executor is not None) == (n_jobs > 1 and forkable)
        got = list(blocks)
    assert [start for start, _ in got] == [0, 20, 40, 60, 80]
    for start, cm in got:
        direct = model.transform_profiles(profiles[start : start + 20])
        assert cm.keys == direct.keys
        np.testing.assert_allclose(cm.text, direct.text, rtol=1e-6, atol=1e-7)


def test_one_block_is_encoded_in_process(model, data) -> None:
    with BlockEncoder(model, data[1], block_size=1000, n_jobs=2) as blocks:
        assert blocks.executor is None
        assert [len(cm) for _, cm in blocks] == [95]


def test_no_fork_while_another_thread_runs(model, data) -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_fork()
        with BlockEncoder(model, data[1], block_size=20, n_jobs=2) as blocks:
            assert blocks.executor is None
            assert len(list(blocks)) == 5
    finally:
        release.set()
        other.join()


FORKED = textwrap.dedent("""
    import psutil, pytest
    from matchmaker.ranking import PartnershipRanker
    from matchmaker.ranking.parallel import BlockEncoder, can_fork
    from matchmaker.ranking.rerank import top_k_matches
    from matchmaker.ranking.synthetic import SyntheticData

    gen = SyntheticData(seed=5, n_filler=300, text_words=20)
    priorities, profiles = gen.priorities(10), gen.profiles(95)
    model = PartnershipRanker(n_components=16).fit(priorities, profiles)
    assert can_fork()
    with BlockEncoder(model, profiles, block_size=20, n_jobs=2) as blocks:
        assert blocks.executor is not None
        assert [start for start, _ in blocks] == [0, 20, 40, 60, 80]
    with BlockEncoder(model, profiles, block_size=20, n_jobs=2, processes=False) as blocks:
        assert blocks.executor is None, "a caller in a web request forbids forking"
        assert [start for start, _ in blocks] == [0, 20, 40, 60, 80]
    forked = top_k_matches(model, priorities, profiles, top_k=4, block_size=20, n_jobs=2)
    alone = top_k_matches(model, priorities, profiles, top_k=4, block_size=20, n_jobs=1)
    assert [m[:2] for m in forked] == [m[:2] for m in alone]
    assert [m.score for m in forked] == pytest.approx([m.score for m in alone], abs=1e-6)

    me = psutil.Process()
    try:
        with BlockEncoder(model, profiles, block_size=10, n_jobs=2) as blocks:
            workers = {p.pid for p in me.children()}
            assert len(workers) == 2
            for _ in blocks:
                raise RuntimeError("consumer failed")
    except RuntimeError:
        pass
    alive = {p.pid for p in me.children() if p.status() != psutil.STATUS_ZOMBIE}
    assert not workers & alive, "leaving early must stop the workers"
    print("forked ok")
""")


def test_forked_workers_in_a_single_threaded_process() -> None:
    """Forking needs a process without other threads, so it runs in a fresh interpreter."""
    run = subprocess.run(
        [sys.executable, "-c", FORKED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "forked ok"


KILLED = textwrap.dedent("""
    import dataclasses, os, threading
    from concurrent.futures.process import BrokenProcessPool
    import psutil
    from matchmaker.ranking import PartnershipRanker
    from matchmaker.ranking.errors import EncodingWorkerLost, UnknownCode
    from matchmaker.ranking.parallel import BlockEncoder
    from matchmaker.ranking.synthetic import SyntheticData

    PARENT = os.getpid()

    class StuckInWorkers(PartnershipRanker):
        # A worker never finishes a block: only a prompt report of the killed one ends the run.
        def transform_profiles(self, profiles):
            if os.getpid() != PARENT:
                threading.Event().wait()
            return super().transform_profiles(profiles)

    gen = SyntheticData(seed=5, n_filler=300, text_words=20)
    priorities, profiles = gen.priorities(10), gen.profiles(95)
    model = StuckInWorkers(n_components=16).fit(priorities, profiles)
    me = psutil.Process()
    try:
        with BlockEncoder(model, profiles, block_size=20, n_jobs=2) as blocks:
            workers = me.children()
            assert len(workers) == 2
            workers[0].kill()
            next(iter(blocks))
        raise AssertionError("a killed worker must stop the run")
    except EncodingWorkerLost as exc:
        assert isinstance(exc.__cause__, BrokenProcessPool)
        assert "profiles from 0" in str(exc)
    alive = [p for p in workers if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not alive, "the other worker is stopped too"

    # A worker's own error (an unknown code in a later block) reaches the caller as it is.
    model = PartnershipRanker(n_components=16).fit(priorities, profiles)
    bad = profiles[:70] + [dataclasses.replace(profiles[70], partnership_types=("barter",))]
    try:
        with BlockEncoder(model, bad, block_size=20, n_jobs=2) as blocks:
            assert blocks.executor is not None
            list(blocks)
        raise AssertionError("an unknown code must raise")
    except UnknownCode as exc:
        assert "barter" in str(exc)
    print("killed ok")
""")


def test_a_killed_encoding_worker_stops_the_run_at_once() -> None:
    """A worker that never finishes holds the other block: the run ends only if the death of the
    killed one is reported at once (the timeout is the test's guard, not what it measures)."""
    run = subprocess.run(
        [sys.executable, "-c", KILLED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "killed ok"


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

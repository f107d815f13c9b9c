"""Benchmark the ranking package: bulk rerank, incremental scoring and naive vs vectorised."""

from __future__ import annotations

import argparse
import contextlib
import gc
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# Some machines export OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for other software. They override
# OpenBLAS's own CPU detection (CORETYPE=Prescott picks the old Katmai SGEMM kernel: ~3x slower
# than the detected Haswell one here), so the figures would measure the variables, not the code.
# OpenBLAS reads them once at load, hence a re-exec before numpy is imported; `make bench` then
# gives the same figures as a clean shell. Other processes keep the variables.
_BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(name in os.environ for name in _BLAS_OVERRIDES):
    _env = {k: v for k, v in os.environ.items() if k not in _BLAS_OVERRIDES}
    os.execve(sys.executable, [sys.executable, *sys.argv], _env)  # noqa: S606 (same argv)

import numpy as np  # noqa: E402
import psutil  # noqa: E402
from threadpoolctl import threadpool_info  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matchmaker.ranking import PartnershipRanker  # noqa: E402
from matchmaker.ranking.rerank import (  # noqa: E402
    RankingIndex,
    score_one_against_many,
    top_k_matches,
)
from matchmaker.ranking.synthetic import SyntheticData  # noqa: E402


def log(msg: str) -> None:
    """Write progress to stderr so stdout holds only the figures."""
    print(msg, file=sys.stderr, flush=True)


def _tree_memory(proc: psutil.Process, skip: int) -> int:
    """Return the resident memory of proc plus what its descendants but `skip` hold privately.

    The ranking forks encoding workers; their pages shared with the parent count once.
    """
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        if child.pid != skip:
            with contextlib.suppress(psutil.Error):  # it exited between listing and reading
                total += child.memory_full_info().uss
    return total


def _monitor(pid: int, conn: Connection) -> None:
    """Sample the memory of process pid and its workers until told to stop; send the peak."""
    proc, me = psutil.Process(pid), os.getpid()
    peak = 0
    conn.send("ready")
    while not conn.poll(0.02):
        with contextlib.suppress(psutil.Error):
            peak = max(peak, _tree_memory(proc, skip=me))
    conn.recv()
    conn.send(peak)


def measure(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run fn; return (result, seconds, peak MB above the level before the run).

    The peak counts this process's resident memory plus what its child processes hold
    privately. A separate process samples it: a sampling thread here would keep the ranking
    from forking its encoders (it forks only single-threaded processes).
    """
    gc.collect()
    base = psutil.Process().memory_info().rss
    here, there = mp.Pipe()
    # Forked while this process is single-threaded: the monitor needs no imports.
    monitor = mp.get_context("fork").Process(target=_monitor, args=(os.getpid(), there))
    monitor.start()
    here.recv()  # sampling has begun
    start = time.perf_counter()
    try:
        result = fn()
    finally:
        seconds = time.perf_counter() - start
        here.send("stop")
        peak = max(here.recv(), _tree_memory(psutil.Process(), skip=monitor.pid))
        monitor.join()
    return result, seconds, (peak - base) / 2**20


def log_blas() -> None:
    """Log which BLAS kernel and thread count run, so slow figures can be traced to them."""
    for pool in threadpool_info():
        log(
            f"blas: {pool.get('internal_api')} {pool.get('version')} "
            f"kernel={pool.get('architecture')} threads={pool.get('num_threads')}"
        )


def fitted_model(gen: SyntheticData) -> PartnershipRanker:
    """Fit once on a sample; fitting is a periodic offline job and is excluded from timings."""
    log("fitting model on 2,000 priorities + 20,000 profiles (excluded from timings)")
    return PartnershipRanker().fit(
        gen.priorities(2000, start=10**8), gen.profiles(20_000, start=10**8)
    )


def bench_rerank(
    model: PartnershipRanker, gen: SyntheticData, n_p: int, n_c: int, *, db: bool = False
) -> None:
    """Time top_k_matches including text transforms of both sides (data generation excluded);
    with db, then the same data's re-rank against a database, in one process and distributed."""
    log(f"generating P={n_p} C={n_c}")
    priorities, profiles = gen.priorities(n_p), gen.profiles(n_c)
    log("ranking")
    result, seconds, peak = measure(lambda: len(top_k_matches(model, priorities, profiles)))
    log(f"  {result} matches")
    print(f"rerank P={n_p} C={n_c} seconds={seconds:.1f} peak_mb={peak:.0f}", flush=True)
    if db:
        from bench_distributed import bench_db_rerank

        bench_db_rerank(model, priorities, profiles, workers=2)


def bench_incremental(
    model: PartnershipRanker, gen: SyntheticData, side: str, n_other: int, n_queries: int = 200
) -> None:
    """Time one-against-many scoring against a cached index of the other side."""
    log(f"building index of {n_other} for side={side}")
    if side == "profile":
        index = RankingIndex(model, gen.priorities(n_other), "priority")
        queries = gen.profiles(n_queries, start=10**9)
    else:
        index = RankingIndex(model, gen.profiles(n_other), "profile")
        queries = gen.priorities(n_queries, start=10**9)
    times = []
    for q in queries:
        start = time.perf_counter()
        score_one_against_many(model, q, index, side=side, top_k=20, min_score=0.2)
        times.append((time.perf_counter() - start) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    print(f"incremental side={side} other={n_other} p50_ms={p50:.2f} p95_ms={p95:.2f}", flush=True)


def bench_naive(model: PartnershipRanker, gen: SyntheticData, n_p: int, n_c: int) -> None:
    """Compare a Python loop of score_pair calls (every pair, no sampling) with score_matrix."""
    priorities, profiles = gen.priorities(n_p), gen.profiles(n_c)
    log(f"naive loop over {n_p * n_c} pairs")
    start = time.perf_counter()
    naive = np.array([[model.score_pair(p, c).total for c in profiles] for p in priorities])
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    vec, _ = model.score_matrix(priorities, profiles)
    vec_seconds = time.perf_counter() - start
    log(f"  max abs difference {np.abs(naive - vec).max():.2e}")
    print(
        f"naive P={n_p} C={n_c} seconds={seconds:.2f} vectorised_seconds={vec_seconds:.3f}",
        flush=True,
    )


def main() -> None:
    """Run the benchmark suite (small sizes with --small)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="small sizes, under a minute")
    parser.add_argument(
        "--rerank-only",
        action="store_true",
        help="only the P=10000 C=100000 re-rank: ranking alone, then against a database in one "
        "process and over 2 workers (bench_distributed.py)",
    )
    args = parser.parse_args()
    log_blas()
    gen = SyntheticData(seed=42)
    model = fitted_model(gen)
    if args.rerank_only:
        bench_rerank(model, gen, 10_000, 100_000, db=True)
        return
    if args.small:
        bench_rerank(model, gen, 1000, 10_000, db=True)
        bench_rerank(model, gen, 1000, 50_000)
        bench_incremental(model, gen, "profile", 10_000)
        bench_incremental(model, gen, "priority", 20_000)
        bench_naive(model, gen, 20, 200)
        return
    bench_rerank(model, gen, 10_000, 100_000, db=True)
    bench_rerank(model, gen, 10_000, 1_000_000)
    bench_incremental(model, gen, "profile", 10_000)
    bench_incremental(model, gen, "priority", 100_000)
    bench_naive(model, gen, 100, 1000)


if __name__ == "__main__":
    main()

"""The full re-rank's parallel plumbing: forked block encoders and a thread stage run ahead."""

from __future__ import annotations

import gc
import multiprocessing as mp
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.pool import AsyncResult, Pool
from types import TracebackType
from typing import TypeVar

from .errors import RankingError
from .estimator import PartnershipRanker, SideMatrix
from .inputs import ProfileInput

_T = TypeVar("_T")
BLOCK_TIMEOUT = 600  # seconds one block may take to encode before the run gives up
_R = TypeVar("_R")

# The model of this encoding worker, set by the pool's initializer (under fork: not pickled).
_WORKER_MODEL: PartnershipRanker | None = None


def _set_model(model: PartnershipRanker) -> None:
    """Pool initializer: keep the model for this worker (replacement workers get it too)."""
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _encode_block(profiles: Sequence[ProfileInput]) -> SideMatrix:
    """Transform one block of profiles, in a forked worker process."""
    assert _WORKER_MODEL is not None, "only called in a worker started by BlockEncoder"
    return _WORKER_MODEL.transform_profiles(profiles)


def can_fork() -> bool:
    """Return True when forking is safe: fork exists and no other Python thread is running.

    A thread may hold a lock at the moment of the fork that the child then waits on forever, so
    a process with threads (a threaded web server running an import's re-rank inline, a test
    session) encodes in-process instead. Commands and RQ jobs run single-threaded.
    """
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


class BlockEncoder:
    """Transformed profile blocks (offset, features) in order, encoded ahead of the caller.

    Tokenising is pure Python, so inputs of two or more blocks are encoded in n_jobs forked
    processes (where can_fork() allows) that start on entering the context, while the caller
    transforms the priorities. A fork shares the imported libraries and the model, where a
    spawned worker spends seconds importing scikit-learn. Each block's profiles are sent
    pickled: were workers to read the parent's objects, reference counting would copy every
    page they touch into each worker. At most n_jobs + 1 blocks wait for the caller, which
    bounds memory. Leaving the context stops the workers, however the caller stops.
    """

    def __init__(self, model: PartnershipRanker, profiles: Sequence[ProfileInput],
                 block_size: int, n_jobs: int) -> None:
        self.model, self.profiles, self.size, self.n_jobs = model, profiles, block_size, n_jobs
        self.starts = range(0, len(profiles), block_size)
        self.ahead = n_jobs + 1
        self.pool: Pool | None = None
        self.pending: deque[tuple[int, AsyncResult | None]] = deque()

    def __enter__(self) -> BlockEncoder:
        if self.n_jobs > 1 and len(self.starts) > 1 and can_fork():
            # Frozen objects are skipped by the workers' garbage collector, whose bookkeeping
            # writes would otherwise copy the parent's pages into each worker.
            gc.freeze()
            try:
                self.pool = mp.get_context("fork").Pool(
                    self.n_jobs, initializer=_set_model, initargs=(self.model,))
            finally:
                gc.unfreeze()
        try:
            self.pending.extend(self._submit(a) for a in self.starts[:self.ahead])
        except BaseException:
            self._stop()
            raise
        return self

    def _submit(self, a: int) -> tuple[int, AsyncResult | None]:
        """Queue the block at offset a (encoded on demand without a pool)."""
        if self.pool is None:
            return a, None
        return a, self.pool.apply_async(_encode_block, (self.profiles[a:a + self.size],))

    def __iter__(self) -> Iterator[tuple[int, SideMatrix]]:
        """Yield (offset, transformed block) for every block, in order."""
        queued = iter(self.starts[self.ahead:])
        while self.pending:
            start, res = self.pending[0]  # stays pending (waited for on exit) until returned
            if res is None:
                block = self.model.transform_profiles(self.profiles[start:start + self.size])
            else:
                try:
                    block = res.get(timeout=BLOCK_TIMEOUT)
                except mp.TimeoutError:
                    # A pool never learns that a worker died with its task (killed for memory).
                    raise RankingError(
                        f"encoding the profiles from {start} took over {BLOCK_TIMEOUT} s; "
                        "was an encoding worker killed?") from None
            self.pending.popleft()
            nxt = next(queued, None)
            if nxt is not None:
                self.pending.append(self._submit(nxt))
            yield start, block

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop()

    def _stop(self) -> None:
        """Stop the workers once nothing is in flight."""
        if self.pool is None:
            return
        # A pool's terminate() can hang while its task thread is still sending a block to a
        # worker it has just killed; once the queued blocks are done, nothing is in flight.
        for _, res in self.pending:
            if res is not None:
                res.wait(timeout=BLOCK_TIMEOUT)
        self.pool.terminate()
        self.pool.join()
        self.pool = None


def ahead(items: Iterable[_T], fn: Callable[[_T], _R], workers: int) -> Iterator[tuple[_T, _R]]:
    """Yield (item, fn(item)) in order while worker threads compute fn of the next items.

    fn must release the GIL (BLAS and numpy's loops do), so the caller's work on one item
    overlaps the workers'. Items are drawn in the caller's thread; at most workers + 1 results
    are alive at once. Close the generator (contextlib.closing) to stop early.
    """
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rerank") as pool:
        pending: deque[tuple[_T, Future[_R]]] = deque()
        try:
            for item in items:
                pending.append((item, pool.submit(fn, item)))
                if len(pending) > workers:
                    head, fut = pending.popleft()
                    yield head, fut.result()
            while pending:
                head, fut = pending.popleft()
                yield head, fut.result()
        finally:
            for _, fut in pending:
                fut.cancel()

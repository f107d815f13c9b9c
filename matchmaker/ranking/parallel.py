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

# The model forked encoding workers use: set just before the fork, so it is never pickled.
_FORKED_MODEL: PartnershipRanker | None = None


def _encode_block(profiles: Sequence[ProfileInput]) -> SideMatrix:
    """Transform one block of profiles, in a forked worker process."""
    assert _FORKED_MODEL is not None, "only called in a worker forked by BlockEncoder"
    return _FORKED_MODEL.transform_profiles(profiles)


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
    processes (where can_fork() allows) that start at once, while the caller transforms the
    priorities. A fork shares the
    imported libraries and the model, where a spawned worker spends seconds importing
    scikit-learn. Each block's profiles are sent pickled: were workers to read the parent's
    objects, reference counting would copy every page they touch into each worker. At most
    n_jobs + 1 blocks wait for the caller, which bounds memory. Use it as a context manager:
    leaving it stops the workers, however the caller stops.
    """

    def __init__(self, model: PartnershipRanker, profiles: Sequence[ProfileInput],
                 block_size: int, n_jobs: int) -> None:
        self.model, self.profiles, self.size = model, profiles, block_size
        self.starts = range(0, len(profiles), block_size)
        self.pool: Pool | None = None
        if n_jobs > 1 and len(self.starts) > 1 and can_fork():
            self.pool = self._fork(model, n_jobs)
        self.ahead = n_jobs + 1
        self.pending = deque(self._submit(a) for a in self.starts[:self.ahead])

    @staticmethod
    def _fork(model: PartnershipRanker, n_jobs: int) -> Pool:
        """Start the workers; they inherit the model through the fork."""
        global _FORKED_MODEL
        _FORKED_MODEL = model
        # Frozen objects are skipped by the workers' garbage collector, whose bookkeeping
        # writes would otherwise copy the parent's pages into each worker.
        gc.freeze()
        try:
            return mp.get_context("fork").Pool(n_jobs)
        finally:
            gc.unfreeze()
            _FORKED_MODEL = None

    def _submit(self, a: int) -> tuple[int, AsyncResult | None]:
        """Queue the block at offset a (encoded on demand without a pool)."""
        if self.pool is None:
            return a, None
        return a, self.pool.apply_async(_encode_block, (self.profiles[a:a + self.size],))

    def __iter__(self) -> Iterator[tuple[int, SideMatrix]]:
        """Yield (offset, transformed block) for every block, in order."""
        queued = self.starts[self.ahead:]
        for a in range(len(self.starts)):
            start, res = self.pending.popleft()
            if a < len(queued):
                self.pending.append(self._submit(queued[a]))
            if res is None:
                yield start, self.model.transform_profiles(self.profiles[start:start + self.size])
                continue
            try:
                yield start, res.get(timeout=BLOCK_TIMEOUT)
            except mp.TimeoutError:
                # A pool never learns that a worker died with its task (killed for memory, say).
                raise RankingError(f"encoding the profiles from {start} took over "
                                   f"{BLOCK_TIMEOUT} s; was an encoding worker killed?") from None

    def __enter__(self) -> BlockEncoder:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.pool is None:
            return
        # A pool's terminate() can hang while its task thread is still sending a block to a
        # worker it has just killed; once the queued blocks are done, nothing is in flight.
        for _, res in self.pending:
            if res is not None:
                res.wait(timeout=BLOCK_TIMEOUT)
        self.pool.terminate()
        self.pool.join()


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

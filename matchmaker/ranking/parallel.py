"""The full re-rank's parallel plumbing: forked block encoders, a thread stage run ahead."""

from __future__ import annotations

import gc
import multiprocessing as mp
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import TypeVar

from .errors import EncodingWorkerLost
from .estimator import PartnershipRanker, SideMatrix
from .inputs import ProfileInput

_T = TypeVar("_T")
_R = TypeVar("_R")

# The model of this encoding worker, set by the executor's initializer (under fork: not pickled).
_WORKER_MODEL: PartnershipRanker | None = None


def _set_model(model: PartnershipRanker) -> None:
    """Executor initializer: keep the model for this worker."""
    global _WORKER_MODEL
    _WORKER_MODEL = model


def _encode_block(profiles: Sequence[ProfileInput]) -> SideMatrix:
    """Transform one block of profiles, in a forked worker process."""
    assert _WORKER_MODEL is not None, "only called in a worker started by BlockEncoder"
    return _WORKER_MODEL.transform_profiles(profiles)


def can_fork() -> bool:
    """Return True when forking is safe: fork exists and no other Python thread is running.

    A thread may hold a lock at the moment of the fork that the child then waits on forever, so
    a process with threads (a threaded server, a test session) encodes in-process instead.
    Commands and RQ jobs run single-threaded; a web request never forks (processes=False).
    """
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


class BlockEncoder:
    """Transformed profile blocks (offset, features) in order, encoded ahead of the caller.

    Tokenising is pure Python, so inputs of two or more blocks are encoded in n_jobs forked
    processes (when the caller allows processes and can_fork() does) that start on entering the
    context, while the caller transforms the priorities. A fork shares the imported libraries and
    the model, where a spawned worker spends seconds importing scikit-learn. Each block's profiles
    are sent pickled: were workers to read the parent's objects, reference counting would copy
    every page they touch into each worker. At most n_jobs + 1 blocks wait for the caller, which
    bounds memory. A worker that dies breaks the executor, which fails the waiting blocks at once
    (EncodingWorkerLost). Leaving the context stops the workers, however the caller stops.
    """

    def __init__(
        self,
        model: PartnershipRanker,
        profiles: Sequence[ProfileInput],
        block_size: int,
        n_jobs: int,
        *,
        processes: bool = True,
    ) -> None:
        self.model, self.profiles, self.block_size = model, profiles, block_size
        self.n_jobs, self.processes = n_jobs, processes
        self.starts = range(0, len(profiles), block_size)
        self.ahead = n_jobs + 1
        self.executor: ProcessPoolExecutor | None = None
        self.pending: deque[tuple[int, Future[SideMatrix] | None]] = deque()

    def __enter__(self) -> BlockEncoder:
        fork = self.processes and self.n_jobs > 1 and len(self.starts) > 1 and can_fork()
        if fork:
            self.executor = ProcessPoolExecutor(
                self.n_jobs,
                mp_context=mp.get_context("fork"),
                initializer=_set_model,
                initargs=(self.model,),
            )
            # The executor forks its workers on the first submit. Frozen objects are skipped by
            # the workers' garbage collector, whose bookkeeping writes would otherwise copy the
            # parent's pages into each worker.
            gc.freeze()
        try:
            self.pending.extend(self._submit(a) for a in self.starts[: self.ahead])
        except BaseException:
            self._stop()
            raise
        finally:
            if fork:
                gc.unfreeze()
        return self

    def _submit(self, start: int) -> tuple[int, Future[SideMatrix] | None]:
        """Queue the block at offset start (encoded on demand without an executor)."""
        if self.executor is None:
            return start, None
        try:
            return start, self.executor.submit(
                _encode_block, self.profiles[start : start + self.block_size]
            )
        except BrokenProcessPool as exc:
            raise EncodingWorkerLost(self._lost(start)) from exc

    def _lost(self, start: int) -> str:
        """Return the message of a lost encoding worker."""
        return (
            f"an encoding worker died while the profiles from {start} were being encoded "
            "(killed for memory?); the re-rank stopped"
        )

    def __iter__(self) -> Iterator[tuple[int, SideMatrix]]:
        """Yield (offset, transformed block) for every block, in order."""
        queued = iter(self.starts[self.ahead :])
        while self.pending:
            start, future = self.pending[0]  # stays pending (cancelled on exit) until returned
            if future is None:
                block = self.model.transform_profiles(
                    self.profiles[start : start + self.block_size]
                )
            else:
                try:
                    block = future.result()
                except BrokenProcessPool as exc:
                    raise EncodingWorkerLost(self._lost(start)) from exc
            self.pending.popleft()
            nxt = next(queued, None)
            if nxt is not None:
                self.pending.append(self._submit(nxt))
            yield start, block

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        """Stop the workers: blocks not started are cancelled, the ones being encoded finish."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
        self.pending.clear()


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

"""The full re-rank spread over RQ workers: a coordinating job, one job per chunk of priorities.

start_run()   records a run (refused while another is in progress) and queues the coordinator
coordinate()  the coordinating job: writes the shared artefact (artefacts.py), splits the open
              priorities into chunks (rerank_chunk rows) and queues one job per chunk
run_chunk()   a chunk job, on any worker: ranks its priorities against the artefact and upserts
              their suggestions in one transaction, with the chunk marked done in the same one
finish        after the last chunk: the suggestions of priorities no longer open are expired, once

Every priority's top-k depends on that priority alone, and a chunk job ranks with the very
functions of the single-process re-rank (top_k_in_blocks, apply_matches) on the same encoded
blocks, so the result equals rerank_all's exactly. Chunk boundaries fall on multiples of
RANK_CHUNK_SIZE, so even the matrix products are the same. A failed chunk is queued again on its
own, up to RERANK_CHUNK_ATTEMPTS tries; then the run has failed.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import asdict

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from matchmaker.jobs import enqueue, in_web_process
from matchmaker.orm import (
    IN_PROGRESS,
    InterestProfile,
    Priority,
    RerankChunk,
    RerankRun,
    RerankStatus,
    Suggestion,
    SuggestionStatus,
    utcnow,
)
from matchmaker.ranking.rerank import top_k_in_blocks
from matchmaker.services.errors import Conflict
from matchmaker.services.matching import features
from matchmaker.services.matching.artefacts import ensure_artefact, load_artefact
from matchmaker.services.matching.model_store import ensure_model
from matchmaker.services.matching.ranking import existing_suggestions, rank_settings, rerank_all
from matchmaker.services.matching.upsert import RankResult, apply_matches, expire_open

log = logging.getLogger(__name__)

_LOAD_BATCH = 5000  # ids per IN (...) when loading rows by id


class RerankInProgress(Conflict):
    """A distributed re-rank is already in progress."""


def in_progress(session: Session) -> RerankRun | None:
    return session.scalar(select(RerankRun).where(RerankRun.status.in_(IN_PROGRESS)))


def start_run(session: Session) -> RerankRun:
    """Record a run and queue its coordinator; refused while another run is in progress."""
    current = in_progress(session)
    if current is None:
        run = RerankRun()
        session.add(run)
        try:
            session.flush()  # `active` is unique: of two commands racing, one insert fails
        except IntegrityError:
            session.rollback()
            current = in_progress(session)
        else:
            enqueue("rerank_coordinate", run.id)
            session.commit()
            return run
    when = current.created_at.strftime("%Y-%m-%d %H:%M UTC") if current else "just now"
    raise RerankInProgress(
        f"a distributed re-rank is already in progress (run {current.id if current else '?'}, "
        f"started {when}); wait for it to end"
    )


def chunk_priorities() -> int:
    """Priorities per chunk job: a multiple of RANK_CHUNK_SIZE (see the module docstring)."""
    per_product = int(current_app.config["RANK_CHUNK_SIZE"])
    wanted = int(current_app.config["RERANK_CHUNK_PRIORITIES"])
    return max(1, round(wanted / per_product)) * per_product


def coordinate(session: Session, run_id: int) -> None:
    """The coordinating job: artefact, chunks, chunk jobs. A failure fails the run."""
    run = session.get(RerankRun, run_id)
    # Ran already (a job may run twice), unless its worker died before the chunks were queued.
    if run is None or run.status not in (RerankStatus.PENDING, RerankStatus.RUNNING):
        return
    if run.chunks_total:
        return
    run.status, run.started_at = RerankStatus.RUNNING, utcnow()
    session.commit()
    try:
        _split(session, run)
    except Exception as exc:  # noqa: BLE001 - recorded on the run, which the command reports
        session.rollback()
        log.exception("re-rank run %s: the coordinator failed", run_id)
        _end(session, run, RerankStatus.FAILED, error=f"{type(exc).__name__}: {exc}")


def _split(session: Session, run: RerankRun) -> None:
    priorities = features.open_priorities(session)
    profiles = features.active_profiles(session)
    if not priorities or not profiles:  # nothing to spread: expire what is open, in one go
        _end(session, run, RerankStatus.DONE, result=rerank_all(session))
        return
    name, model = ensure_model(session)
    version, path = ensure_artefact(
        name,
        model,
        [features.profile_input(p) for p in profiles],
        block_size=int(current_app.config["RANK_BLOCK_SIZE"]),
        processes=not in_web_process(),
    )
    ids = [p.id for p in priorities]
    size = chunk_priorities()
    for number, start in enumerate(range(0, len(ids), size)):
        run.chunks.append(RerankChunk(number=number, priority_ids=ids[start : start + size]))
        enqueue("rerank_chunk", run.id, number)
    run.model_version, run.data_version, run.artefact = name, version, str(path)
    run.chunks_total = len(run.chunks)
    session.commit()  # the chunk jobs are handed over now


def run_chunk(session: Session, run_id: int, number: int) -> None:
    """A chunk job. Its failure is recorded on the chunk and retried alone (no exception)."""
    chunk = session.scalar(
        select(RerankChunk).where(RerankChunk.run_id == run_id, RerankChunk.number == number)
    )
    if chunk is None or chunk.status in (RerankStatus.DONE, RerankStatus.FAILED):
        return
    run = chunk.run
    if run.status != RerankStatus.RUNNING:
        return  # the run failed meanwhile: its other chunks stop
    chunk.status, chunk.started_at, chunk.finished_at = RerankStatus.RUNNING, utcnow(), None
    chunk.attempts += 1
    chunk.worker = f"{socket.gethostname()}:{os.getpid()}"[:200]
    session.commit()
    try:
        _rank_chunk(session, run, chunk)
    except Exception as exc:  # noqa: BLE001 - recorded on the chunk; retried or failing the run
        session.rollback()
        log.exception("re-rank run %s: chunk %s failed (try %s)", run_id, number, chunk.attempts)
        _chunk_failed(session, run, chunk, f"{type(exc).__name__}: {exc}")
        return
    _finish_if_last(session, run_id)


def _rank_chunk(session: Session, run: RerankRun, chunk: RerankChunk) -> None:
    """Rank the chunk's priorities and upsert them, marking the chunk done in that transaction."""
    started = time.perf_counter()
    artefact = load_artefact(run.artefact)
    # Priorities closed since the split are left out: their suggestions expire below.
    priorities = list(
        session.scalars(
            features.open_priorities_query().where(Priority.id.in_(chunk.priority_ids))
        ).unique()
    )
    top_k, min_score, per_product = rank_settings()
    matches = top_k_in_blocks(
        artefact.model,
        [features.priority_input(p) for p in priorities],
        artefact.blocks,
        artefact.profile_keys,
        top_k=top_k,
        min_score=min_score,
        chunk_size=per_product,
    )
    ranked = time.perf_counter()
    profiles = _rankable_profiles(session, {m.profile_key for m in matches})
    matches = [m for m in matches if m.profile_key in profiles]  # withdrawn since the split
    _, existing = existing_suggestions(session, Suggestion.priority_id.in_(chunk.priority_ids))
    result = apply_matches(
        session,
        artefact.model_version,
        artefact.model,
        matches,
        existing,
        {p.id: p for p in priorities},
        profiles,
    )
    session.flush()  # the writes are timed with the rows sent
    chunk.status, chunk.finished_at = RerankStatus.DONE, utcnow()
    chunk.result, chunk.error = asdict(result), ""
    chunk.rank_seconds = round(ranked - started, 3)
    chunk.write_seconds = round(time.perf_counter() - ranked, 3)
    session.commit()


def _rankable_profiles(session: Session, ids: set) -> dict[int, InterestProfile]:
    found: dict[int, InterestProfile] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _LOAD_BATCH):
        batch = ordered[start : start + _LOAD_BATCH]
        rows = session.scalars(
            select(InterestProfile)
            .where(InterestProfile.id.in_(batch))
            .options(joinedload(InterestProfile.company))
        ).unique()
        found.update((p.id, p) for p in rows if features.is_rankable_profile(p))
    return found


def _chunk_failed(session: Session, run: RerankRun, chunk: RerankChunk, error: str) -> None:
    session.refresh(chunk)
    chunk.error, chunk.finished_at = error[:4000], utcnow()
    if chunk.attempts < int(current_app.config["RERANK_CHUNK_ATTEMPTS"]):
        chunk.status = RerankStatus.PENDING
        enqueue("rerank_chunk", run.id, chunk.number)  # this chunk again, on any worker
        session.commit()
        return
    chunk.status = RerankStatus.FAILED
    session.commit()
    _end(session, run, RerankStatus.FAILED, error=f"chunk {chunk.number} failed: {error}")


def _finish_if_last(session: Session, run_id: int) -> None:
    """After the last chunk, once: expire the suggestions no chunk ranked; end the run."""
    unfinished = exists().where(
        RerankChunk.run_id == run_id, RerankChunk.status != RerankStatus.DONE
    )
    # Of chunks finishing together, the one whose update finds every chunk done wins the row.
    claimed = session.execute(
        update(RerankRun)
        .where(RerankRun.id == run_id, RerankRun.status == RerankStatus.RUNNING, ~unfinished)
        .values(status=RerankStatus.FINISHING)
    ).rowcount
    session.commit()
    if not claimed:
        return
    run = session.get(RerankRun, run_id)
    session.refresh(run)
    try:
        ranked = {pid for chunk in run.chunks for pid in chunk.priority_ids}
        # rerank_all expires every open suggestion it did not rank: here, those of priorities
        # that were not open at the split (the chunks expired their own priorities' leftovers).
        open_rows = session.execute(
            select(Suggestion.id, Suggestion.priority_id).where(
                Suggestion.status == SuggestionStatus.SUGGESTED,
                Suggestion.company_initiated.is_(False),
                Suggestion.updated_at <= run.started_at,
            )
        )
        ids = sorted(row_id for row_id, priority_id in open_rows if priority_id not in ranked)
        rows = [
            row
            for a in range(0, len(ids), _LOAD_BATCH)
            for row in session.scalars(
                select(Suggestion).where(Suggestion.id.in_(ids[a : a + _LOAD_BATCH]))
            )
        ]
        result = sum((RankResult(**c.result) for c in run.chunks), RankResult())
        result += expire_open(session, rows, "no longer among the best matches")
        for row in rows:
            row.updated_at = utcnow()
        _end(session, run, RerankStatus.DONE, result=result)
    except Exception as exc:  # noqa: BLE001 - recorded on the run, which the command reports
        session.rollback()
        log.exception("re-rank run %s: the final expiry failed", run_id)
        _end(session, session.get(RerankRun, run_id), RerankStatus.FAILED, error=str(exc))


def _end(
    session: Session,
    run: RerankRun,
    status: RerankStatus,
    *,
    result: RankResult | None = None,
    error: str = "",
) -> None:
    """Record the end of a run in the caller's transaction and commit it; frees the slot."""
    run.status, run.active, run.finished_at = status, None, utcnow()
    if result is not None:
        run.result = asdict(result)
    if error:
        run.error = error[:4000]
    session.commit()

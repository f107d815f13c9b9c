"""Ranking commands: train, rank, evaluate."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from functools import partial
from importlib import resources
from pathlib import Path

import click
from flask.cli import with_appcontext

from matchmaker.extensions import db
from matchmaker.ranking import RankingError

DEV_SET = resources.files("matchmaker.data").joinpath("dev")


class _StageBars:
    """A progress bar per stage of a long run, on stderr; notes print between bars."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.bar = None

    def note(self, message: str) -> None:
        self._close()
        click.echo(f"  {message}", err=True)

    def step(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self._close()
            self.stage = stage
            self.bar = click.progressbar(
                length=max(total, 1), label=f"  {stage}", file=sys.stderr, show_pos=True
            )
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def _close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        self.stage, self.bar = None, None

    def __enter__(self) -> _StageBars:
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()


@click.command("train")
@click.option("--name", help="Model name (default: ranker-<UTC timestamp>).")
@click.option(
    "--eval-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Labelled set whose scores go on the card (default: the bundled dev set).",
)
@click.option(
    "--from-decisions",
    is_flag=True,
    help="Refit the current model's score weights on staff decisions; keep the result only if "
    "it ranks the later, held-out decisions better by NDCG@10.",
)
@click.option(
    "--holdout",
    type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
    default=0.2,
    show_default=True,
    help="With --from-decisions: share of the latest decisions held out for the comparison.",
)
@click.option(
    "--min-labels",
    type=click.IntRange(2),
    default=30,
    show_default=True,
    help="With --from-decisions: refuse with fewer labelled decisions than this.",
)
@with_appcontext
def train_command(
    name: str | None,
    eval_dir: str | None,
    from_decisions: bool,
    holdout: float,
    min_labels: int,
) -> None:
    """Fit the ranking model on the database and write models/<name>.joblib with its card."""
    from matchmaker.ranking.evaluation import evaluate_dir
    from matchmaker.services.matching.model_store import models_dir, train_model

    ctx = click.get_current_context()
    given = [
        f"--{p.replace('_', '-')}"
        for p in ("holdout", "min_labels")
        if ctx.get_parameter_source(p) != click.core.ParameterSource.DEFAULT
    ]
    if given and not from_decisions:
        raise click.UsageError(f"{', '.join(given)} applies to --from-decisions only")
    if from_decisions:
        if eval_dir:
            raise click.UsageError("--eval-dir applies to training on the database only")
        _train_from_decisions(name, holdout, min_labels)
        return
    click.echo("evaluating the configuration on the labelled set ...", err=True)
    try:
        scores = evaluate_dir(eval_dir or str(DEV_SET))
        click.echo("fitting on the database ...", err=True)
        saved = train_model(db.session, name, evaluation=scores)
    except (RankingError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"saved {models_dir() / saved}.joblib and its card {saved}.json")


def _train_from_decisions(name: str | None, holdout: float, min_labels: int) -> None:
    """Print both held-out scores and what was kept; a refusal exits 1 having changed nothing."""
    from flask import current_app

    from matchmaker.services.errors import ServiceError
    from matchmaker.services.matching.learning import train_from_decisions
    from matchmaker.services.matching.model_store import models_dir

    note = partial(click.echo, err=True)
    try:
        out = train_from_decisions(
            db.session, holdout=holdout, min_labels=min_labels, name=name, note=note
        )
    except (ServiceError, RankingError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    where = f"on {out.held_out} held-out decisions ({out.held_out_priorities} priorities)"
    click.echo(f"current {out.current_model} ndcg@10={out.current_ndcg:.3f} {where}")
    click.echo(f"new     weights fitted on {out.train} earlier ndcg@10={out.new_ndcg:.3f}")
    if out.kept:
        click.echo(f"kept: saved {models_dir() / out.model}.joblib; its card records this run")
        pinned = current_app.config.get("MODEL_NAME")
        if pinned:
            click.echo(
                f"  MATCHMAKER_MODEL_NAME pins {pinned}: unset it to rank with the new model"
            )
    else:
        click.echo(
            f"not kept: the new weights do not beat {out.current_model}, which stays in use "
            "unchanged; its card records this run"
        )


@click.command("rank")
@click.option("--background", is_flag=True, help="Queue the re-rank as a background job.")
@click.option(
    "--distributed",
    is_flag=True,
    help="Spread the re-rank over the RQ workers (`flask worker`, on any machine sharing the "
    "database, Redis and RERANK_ARTEFACT_DIR) in chunks, and follow it to its end.",
)
@with_appcontext
def rank_command(background: bool, distributed: bool) -> None:
    """Re-rank all open priorities against all active profiles."""
    from matchmaker.jobs import enqueue
    from matchmaker.services.matching.ranking import Progress, rerank_all

    if distributed:
        _rank_distributed()
        return
    if background:
        enqueue("rerank_everything")
        db.session.commit()
        click.echo("re-rank queued")
        return
    bars = _StageBars()
    try:
        with bars:
            result = rerank_all(db.session, progress=Progress(note=bars.note, step=bars.step))
    except (RankingError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"created {result.created}, updated {result.updated}, revived {result.revived}, "
        f"expired {result.expired}, unchanged {result.unchanged}"
    )


def _rank_distributed() -> None:
    """Start a distributed run, show its chunks done until it ends; exit 1 if it failed."""
    from flask import current_app

    from matchmaker.orm import RerankRun, RerankStatus
    from matchmaker.services.matching import distributed

    workers = bool(current_app.config.get("REDIS_URL"))
    if not workers:
        click.echo("  no Redis configured: the chunk jobs run here, one after another", err=True)
    try:
        run_id = distributed.start_run(db.session).id
    except distributed.RerankInProgress as exc:
        raise click.ClickException(str(exc)) from exc
    if workers:
        click.echo(f"  re-rank run {run_id} queued for the workers (`flask worker`)", err=True)
    pause = float(current_app.config["RERANK_POLL_SECONDS"])
    with _StageBars() as bars:
        while True:
            run = db.session.get(RerankRun, run_id)
            done = sum(c.status == RerankStatus.DONE for c in run.chunks)
            status, total, error, result = run.status, run.chunks_total, run.error, run.result
            db.session.rollback()  # a short read: SQLite's writers must not wait on this loop
            if total:
                bars.step("chunks", done, total)
            if status in (RerankStatus.DONE, RerankStatus.FAILED):
                break
            time.sleep(pause)
    click.echo(f"  re-rank run {run_id}: {done}/{total} chunks done", err=True)
    if status == RerankStatus.FAILED:
        raise click.ClickException(f"re-rank run {run_id} failed: {error}")
    click.echo(
        f"created {result.get('created', 0)}, updated {result.get('updated', 0)}, "
        f"revived {result.get('revived', 0)}, expired {result.get('expired', 0)}, "
        f"unchanged {result.get('unchanged', 0)}"
    )


@click.command("evaluate")
@click.argument("directory", type=click.Path(file_okay=False))
def evaluate_command(directory: str) -> None:
    """Print NDCG@10 and P@5 of the model and a TF-IDF baseline on a labelled set."""
    from matchmaker.ranking.evaluation import evaluate_dir, format_report

    missing = [
        f
        for f in ("priorities.json", "companies.json", "qrels.json")
        if not (Path(directory) / f).is_file()
    ]
    if missing:
        raise click.ClickException(f"{directory} lacks {', '.join(missing)}")
    try:
        click.echo(format_report(evaluate_dir(directory)))
    except (RankingError, ValueError, KeyError) as exc:
        raise click.ClickException(f"cannot evaluate {directory}: {exc}") from exc


@click.command("export-labels")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), help="First day of decisions (YYYY-MM-DD, UTC)."
)
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), help="Day after the last one (YYYY-MM-DD)."
)
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
@with_appcontext
def export_labels_command(
    directory: str, since: datetime | None, until: datetime | None, force: bool
) -> None:
    """Write decided suggestions as a labelled folder that `evaluate DIR` reads."""
    from matchmaker.services.errors import ServiceError
    from matchmaker.services.matching.label_export import export_labels

    if since and until and since >= until:
        raise click.BadParameter("must be after --since", param_hint="--until")
    since, until = (d.replace(tzinfo=UTC) if d else None for d in (since, until))  # days in UTC
    try:
        result = export_labels(
            db.session,
            directory,
            since=since,
            until=until,
            force=force,
            note=partial(click.echo, err=True),
        )
    except (ServiceError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    grades = ", ".join(f"{n} {name}" for name, n in result.grades.items())
    click.echo(
        f"wrote {result.labels} labels ({grades}) on {result.priorities} priorities and "
        f"{result.companies} companies to {directory}"
    )

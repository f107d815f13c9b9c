"""Train on decisions: refit the current model's score weights on earlier decisions and keep
the result only if it ranks the later, held-out decisions better (NDCG@10)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from matchmaker.ranking import COMPONENTS, ModelNotFound
from matchmaker.ranking.learning import (
    Queries,
    label_components,
    time_split,
    with_weights,
)
from matchmaker.ranking.learning import (
    fit_weights as fit_grid,
)
from matchmaker.ranking.persistence import append_card_record, read_card, save_model
from matchmaker.services.errors import DomainError
from matchmaker.services.matching.features import priority_input, profile_input
from matchmaker.services.matching.labels import decisions, grade_counts, labelled_rows
from matchmaker.services.matching.model_store import current_model, models_dir

MIN_LABELS = 30
CARD_KEY = "from_decisions"  # the list of outcomes on a model's card, newest last


class NotEnoughDecisions(DomainError):
    """Too few labels (or none on either side of the split) to fit and judge a model."""


@dataclass
class Outcome:
    """What a run did: on which decisions, both scores, and whether the new model was kept."""

    current_model: str
    current_ndcg: float
    new_ndcg: float
    kept: bool
    model: str | None
    labels: int
    train: int
    held_out: int
    held_out_priorities: int
    first_decision: str
    cutoff: str
    last_decision: str
    holdout: float
    grades: dict[str, int]
    current_weights: dict[str, float]
    new_weights: dict[str, float]
    train_ndcg: float
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def record(self) -> dict:
        """The outcome as it goes on the model card."""
        return asdict(self)


def train_from_decisions(
    session: Session,
    *,
    holdout: float = 0.2,
    min_labels: int = MIN_LABELS,
    name: str | None = None,
    note: Callable[[str], None] = lambda _message: None,
) -> Outcome:
    """Fit weights on the earlier decisions; keep the new model only if it beats the current
    one on the later ones. A refusal (too few labels, no model) changes nothing."""
    if not 0.0 < holdout < 1.0:
        raise NotEnoughDecisions("the held-out share must be between 0 and 1 (e.g. 0.2)")
    note("reading decisions ...")
    found = decisions(session)
    labels = [d.label for d in found]
    if len(labels) < min_labels:
        raise NotEnoughDecisions(
            f"only {len(labels)} decided suggestions are labels (at least {min_labels} needed): "
            "nothing changed"
        )
    split = time_split(labels, holdout)
    train_q, held_q = Queries(split.train), Queries(split.held_out)
    if train_q.n_queries == 0 or held_q.n_queries == 0:
        side = "earlier" if train_q.n_queries == 0 else "held-out later"
        raise NotEnoughDecisions(
            f"no priority among the {side} decisions has two decided companies and one accepted: "
            "nothing changed"
        )
    try:
        current_name, model = current_model()
    except ModelNotFound as exc:
        raise NotEnoughDecisions(f"{exc}; nothing changed") from exc
    if name == current_name:
        raise NotEnoughDecisions(f"{name} is the current model: choose another name")
    note(
        f"{len(labels)} labels: fitting on {len(split.train)} decided before "
        f"{split.cutoff:%Y-%m-%d %H:%M}, judging on {len(split.held_out)} decided since"
    )
    priorities, profiles = labelled_rows(session, found)
    p_inputs = {k: priority_input(v) for k, v in priorities.items()}
    c_inputs = {k: profile_input(v) for k, v in profiles.items()}
    _, train_comps = label_components(model, split.train, p_inputs, c_inputs)
    weights, train_ndcg = fit_grid(model, train_comps, split.train)
    note(f"fitted weights {_shown(weights)} (NDCG@10 {train_ndcg:.3f} on the earlier decisions)")
    new = with_weights(model, weights)
    before, _ = label_components(model, split.held_out, p_inputs, c_inputs)
    after, _ = label_components(new, split.held_out, p_inputs, c_inputs)
    outcome = Outcome(
        current_model=current_name,
        current_ndcg=held_q.ndcg(before),
        new_ndcg=held_q.ndcg(after),
        kept=False,
        model=None,
        labels=len(labels),
        train=len(split.train),
        held_out=len(split.held_out),
        held_out_priorities=held_q.n_queries,
        first_decision=split.train[0].decided_at.isoformat(),
        cutoff=split.cutoff.isoformat(),
        last_decision=split.held_out[-1].decided_at.isoformat(),
        holdout=holdout,
        grades=grade_counts(labels),
        current_weights={c: float(model.weights_[c]) for c in COMPONENTS},
        new_weights=weights,
        train_ndcg=train_ndcg,
    )
    if outcome.new_ndcg > outcome.current_ndcg + 1e-9:
        outcome.kept = True
        outcome.model = name or "ranker-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-d"
        history = _history(current_name)
        extra = {
            "source": "decisions",
            "base_model": current_name,
            CARD_KEY: [*history, outcome.record()],
        }
        save_model(new, models_dir(), outcome.model, extra)
    else:
        append_card_record(models_dir(), current_name, CARD_KEY, outcome.record())
    return outcome


def _history(name: str) -> list:
    earlier = read_card(models_dir(), name).get(CARD_KEY)
    return earlier if isinstance(earlier, list) else []


def _shown(weights: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in weights.items())

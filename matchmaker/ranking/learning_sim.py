"""A synthetic decision set from a labelled folder, to show what learning from decisions gains.

Each priority's office reviews the current model's top 20 companies and decides them as the
folder's grades say (grade 3: agreement signed, 2: introduction accepted, 1: accepted, 0:
declined as not a fit), one priority per day in a shuffled order. The weights are fitted on the
earlier 80 % of decisions exactly as `train --from-decisions` does, and both models are scored
by NDCG@10 on the later 20 %, and on the whole folder for reference.

    python -m matchmaker.ranking.learning_sim matchmaker/data/dev [TEXT,SECTOR,TYPE,GEO]

The optional weights start from another current model, e.g. `1,0,0,0` (text similarity only).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np

from .errors import RankingError
from .estimator import PartnershipRanker
from .evaluation import load_labelled_dir, rank_metrics
from .learning import Label, Queries, fit_weights, label_components, time_split, with_weights

REVIEWED = 20  # suggestions an office sees per priority (RANK_TOP_K)


def simulate(
    path: str, holdout: float = 0.2, seed: int = 0, start: Sequence[float] | None = None
) -> dict[str, float]:
    """Return NDCG@10 of the current and the learned weights, held-out and on the folder;
    `start` gives the current model other weights (text, sector, type, geo) than the defaults."""
    priorities, companies, qrels = load_labelled_dir(path)
    params = dict(zip(("w_text", "w_sector", "w_type", "w_geo"), start or (), strict=False))
    model = PartnershipRanker(**params).fit(priorities, companies)
    scores, _ = model.score_matrix(priorities, companies)
    order = np.random.default_rng(seed).permutation(len(priorities))
    start = datetime(2026, 1, 1, 9, 0)
    labels = []
    for day, i in enumerate(order):
        p = priorities[i]
        top = np.argsort(-scores[i], kind="stable")[:REVIEWED]
        for n, j in enumerate(top):
            grade = qrels.get(str(p.key), {}).get(str(companies[j].key), 0)
            at = start + timedelta(days=day, minutes=n)
            labels.append(Label(p.key, companies[j].key, grade, at))
    split = time_split(labels, holdout)
    by_p = {p.key: p for p in priorities}
    by_c = {c.key: c for c in companies}
    _, comps = label_components(model, split.train, by_p, by_c)
    weights, _ = fit_weights(model, comps, split.train)
    learned = with_weights(model, weights)
    held = Queries(split.held_out)
    before, _ = label_components(model, split.held_out, by_p, by_c)
    after, _ = label_components(learned, split.held_out, by_p, by_c)
    full_after, _ = learned.score_matrix(priorities, companies)
    return {
        "labels": len(labels),
        "train": len(split.train),
        "held_out": len(split.held_out),
        "current_held_out": held.ndcg(before),
        "learned_held_out": held.ndcg(after),
        "current_folder": rank_metrics(scores, priorities, companies, qrels)["ndcg@10"],
        "learned_folder": rank_metrics(full_after, priorities, companies, qrels)["ndcg@10"],
        **{f"w_{k}": v for k, v in weights.items()},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures for a labelled folder."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (1, 2):
        print(
            "usage: python -m matchmaker.ranking.learning_sim DIR [TEXT,SECTOR,TYPE,GEO]",
            file=sys.stderr,
        )
        return 2
    try:
        start = [float(x) for x in args[1].split(",")] if len(args) == 2 else None
        r = simulate(args[0], start=start)
    except (RankingError, ValueError, OSError) as exc:
        print(f"cannot simulate on {args[0]}: {exc}", file=sys.stderr)
        return 1
    print(f"decisions={r['labels']} train={r['train']} held_out={r['held_out']}")
    print(
        f"learned weights text={r['w_text']:.2f} sector={r['w_sector']:.2f} "
        f"type={r['w_type']:.2f} geo={r['w_geo']:.2f}"
    )
    print(f"current ndcg@10 held-out={r['current_held_out']:.3f} folder={r['current_folder']:.3f}")
    print(f"learned ndcg@10 held-out={r['learned_held_out']:.3f} folder={r['learned_folder']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

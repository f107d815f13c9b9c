"""Offline evaluation (NDCG@10, precision@5) of the ranker against a plain TF-IDF baseline."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .estimator import PartnershipRanker
from .features import profile_text
from .inputs import PriorityInput, ProfileInput, from_dev_company, from_dev_priority

Qrels = Mapping[str, Mapping[str, int]]


def load_labelled_dir(path: str | Path) -> tuple[list[PriorityInput], list[ProfileInput], Qrels]:
    """Load priorities, companies (labels stripped) and qrels from a labelled folder."""
    root = Path(path)

    def read(name: str) -> Any:
        return json.loads((root / name).read_text(encoding="utf-8"))

    priorities = [from_dev_priority(r) for r in read("priorities.json")]
    companies = [from_dev_company(r) for r in read("companies.json")]
    qrels = {
        str(p): {str(c): int(g) for c, g in row.items()} for p, row in read("qrels.json").items()
    }
    return priorities, companies, qrels


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Return NDCG@k with gains 2^grade - 1; the ideal uses all judged companies."""
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    gains = np.array([2.0 ** grades.get(c, 0) - 1 for c in ranked[:k]])
    ideal = np.sort(np.array([2.0**g - 1 for g in grades.values()]))[::-1][:k]
    idcg = float((ideal * discounts[: len(ideal)]).sum())
    return float((gains * discounts[: len(gains)]).sum()) / idcg if idcg > 0 else 0.0


def precision_at_k(
    ranked: Sequence[str], grades: Mapping[str, int], k: int = 5, threshold: int = 2
) -> float:
    """Return the share of the top k with grade >= threshold."""
    return sum(grades.get(c, 0) >= threshold for c in ranked[:k]) / k


def rank_metrics(
    scores: np.ndarray,
    priorities: Sequence[PriorityInput],
    companies: Sequence[ProfileInput],
    qrels: Qrels,
) -> dict[str, float]:
    """Rank companies per priority (ties by company id) and average the metrics."""
    ids = np.array([str(c.key) for c in companies])
    tie_order = np.argsort(ids, kind="stable")
    ndcg, prec = [], []
    for i, p in enumerate(priorities):
        row = np.asarray(scores[i], dtype=float)[tie_order]
        ranked = ids[tie_order][np.argsort(-row, kind="stable")]
        grades = qrels.get(str(p.key), {})
        ndcg.append(ndcg_at_k(list(ranked), grades))
        prec.append(precision_at_k(list(ranked), grades))
    return {"ndcg@10": float(np.mean(ndcg)), "p@5": float(np.mean(prec))}


def tfidf_baseline_scores(
    priorities: Sequence[PriorityInput], companies: Sequence[ProfileInput]
) -> np.ndarray:
    """Return plain TF-IDF cosines (sublinear tf) between priority and company texts."""
    p_texts = [f"{p.title}\n{p.description}" for p in priorities]
    c_texts = [profile_text(c) for c in companies]
    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(p_texts + c_texts)
    a, b = normalize(vec.transform(p_texts)), normalize(vec.transform(c_texts))
    return (a @ b.T).toarray()


def evaluate_dir(path: str | Path, model: PartnershipRanker | None = None) -> dict[str, Any]:
    """Fit the model on the folder's texts and score it and the TF-IDF baseline."""
    priorities, companies, qrels = load_labelled_dir(path)
    model = model if model is not None else PartnershipRanker()
    model.fit(priorities, companies)
    scores, _ = model.score_matrix(priorities, companies)
    return {
        "model": rank_metrics(scores, priorities, companies, qrels),
        "tfidf": rank_metrics(
            tfidf_baseline_scores(priorities, companies), priorities, companies, qrels
        ),
        "n_priorities": len(priorities),
        "n_companies": len(companies),
    }


def format_report(results: Mapping[str, Any]) -> str:
    """Return exactly two lines: model and tfidf metrics."""
    return "\n".join(
        f"{name} ndcg@10={results[name]['ndcg@10']:.3f} p@5={results[name]['p@5']:.3f}"
        for name in ("model", "tfidf")
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the two-line report for a labelled folder."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m matchmaker.ranking.evaluation DIR", file=sys.stderr)
        return 2
    print(format_report(evaluate_dir(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

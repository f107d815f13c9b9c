"""The ranking commands: train, rank, evaluate."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.orm import Suggestion
from matchmaker.ranking import ModelFileRefused
from matchmaker.services.matching import model_store
from tests import factories as f

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "tiny_eval"


def _market():
    priority = f.PriorityFactory(description="Pilot fan engagement apps in our stadium district.")
    f.ProfileFactory(interests="A stadium to pilot our fan engagement app.")
    return priority


def test_train_writes_the_model_and_its_card(app, runner):
    _market()
    result = runner.invoke(args=["train", "--name", "test-model", "--eval-dir", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    models = Path(app.config["MODELS_DIR"])
    card = json.loads((models / "test-model.json").read_text())
    assert (models / "test-model.joblib").is_file()
    assert card["data"] == {"priorities": 1, "profiles": 1}
    assert {"sklearn", "numpy", "scipy", "joblib"} <= set(card["libraries"])
    assert set(card["evaluation"]["model"]) >= {"ndcg@10", "p@5"}
    assert model_store.current_model()[0] == "test-model"


def test_the_app_refuses_a_model_file_without_its_card(app):
    models = Path(app.config["MODELS_DIR"])
    models.mkdir(parents=True)
    (models / "planted.joblib").write_bytes(b"not a model")
    try:
        model_store.current_model()
    except ModelFileRefused as exc:
        assert "no model card" in str(exc)
    else:
        raise AssertionError("a model without its card was loaded")


def test_rank_command_prints_progress_and_counts_and_is_idempotent(app, runner):
    _market()
    first = runner.invoke(args=["rank"])
    assert first.exit_code == 0, first.output
    assert "ranking 1 open priorities against 1 active profiles" in first.output
    assert "created 1," in first.output
    assert "scoring" in first.output and "writing" in first.output  # the stages' progress bars
    second = runner.invoke(args=["rank"])
    assert "created 0, updated 0, revived 0, expired 0, unchanged 1" in second.output
    assert db.session.scalar(select(func.count(Suggestion.id))) == 1


def test_evaluate_prints_exactly_two_lines(runner):
    result = runner.invoke(args=["evaluate", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("model ndcg@10=") and " p@5=" in lines[0]
    assert lines[1].startswith("tfidf ndcg@10=")


def test_evaluate_refuses_a_folder_without_the_labelled_files(runner, tmp_path):
    result = runner.invoke(args=["evaluate", str(tmp_path)])
    assert result.exit_code == 1
    assert "lacks priorities.json, companies.json, qrels.json" in result.output

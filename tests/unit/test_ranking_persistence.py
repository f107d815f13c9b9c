"""Tests for saving and loading models with model cards."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matchmaker.ranking import ModelFileRefused, ModelNotFound, PartnershipRanker, RankingError
from matchmaker.ranking.persistence import load_model, save_model
from matchmaker.ranking.synthetic import SyntheticData


@pytest.fixture(scope="module")
def data():
    gen = SyntheticData(seed=3, n_filler=300, text_words=20)
    return gen.priorities(20), gen.profiles(60)


@pytest.fixture(scope="module")
def model(data) -> PartnershipRanker:
    return PartnershipRanker(n_components=16).fit(*data)


def test_round_trip(tmp_path: Path, model: PartnershipRanker, data) -> None:
    joblib_path, card_path = save_model(model, tmp_path, "ranker-1", {"evaluation": {"x": 1}})
    assert joblib_path == (tmp_path / "ranker-1.joblib").resolve()
    card = json.loads(card_path.read_text())
    assert card["name"] == "ranker-1" and card["evaluation"] == {"x": 1}
    assert card["data"] == {"priorities": 20, "profiles": 60}
    assert {"python", "sklearn", "numpy", "scipy", "joblib"} <= set(card["libraries"])
    assert card["trained_at"].endswith("+00:00")
    loaded = load_model(tmp_path, "ranker-1")
    a, _ = model.score_matrix(*data)
    b, _ = loaded.score_matrix(*data)
    np.testing.assert_allclose(a, b)
    assert load_model(tmp_path).get_params() == model.get_params()


def test_newest_and_not_found(tmp_path: Path, model: PartnershipRanker) -> None:
    with pytest.raises(ModelNotFound):
        load_model(tmp_path)
    with pytest.raises(ModelNotFound):
        load_model(tmp_path / "missing")
    save_model(model, tmp_path, "a", {})
    with pytest.raises(ModelNotFound):
        load_model(tmp_path, "b")
    assert issubclass(ModelNotFound, RankingError)


def test_refuses_file_without_card(tmp_path: Path, model: PartnershipRanker) -> None:
    _, card = save_model(model, tmp_path, "nocard", {})
    card.unlink()
    with pytest.raises(ModelFileRefused, match="card"):
        load_model(tmp_path, "nocard")


def test_refuses_other_sklearn_version(tmp_path: Path, model: PartnershipRanker) -> None:
    _, card_path = save_model(model, tmp_path, "old", {})
    card = json.loads(card_path.read_text())
    card["libraries"]["sklearn"] = "0.0.1"
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelFileRefused, match="sklearn"):
        load_model(tmp_path, "old")
    assert issubclass(ModelFileRefused, RankingError)


@pytest.mark.parametrize("name", ["../evil", "sub/model", "..", "/etc/passwd", "a\\b", ""])
def test_refuses_names_escaping_the_folder(
    tmp_path: Path, model: PartnershipRanker, name: str
) -> None:
    with pytest.raises(ModelFileRefused):
        load_model(tmp_path, name)
    with pytest.raises(ModelFileRefused):
        save_model(model, tmp_path, name, {})


def test_refuses_symlink_escaping_the_folder(tmp_path: Path, model: PartnershipRanker) -> None:
    outside = tmp_path / "outside"
    models = tmp_path / "models"
    save_model(model, outside, "m", {})
    models.mkdir()
    (models / "m.joblib").symlink_to(outside / "m.joblib")
    (models / "m.json").symlink_to(outside / "m.json")
    with pytest.raises(ModelFileRefused, match="outside"):
        load_model(models, "m")

"""Which fitted ranking model the app uses: the configured or newest file under models/."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from matchmaker.ranking import ModelNotFound, PartnershipRanker
from matchmaker.ranking.persistence import load_model, read_card, save_model
from matchmaker.services.matching.features import (
    active_profiles,
    open_priorities,
    priority_input,
    profile_input,
)

_CACHE_KEY = "matchmaker.ranking_model"


def models_dir() -> Path:
    return Path(current_app.config["MODELS_DIR"])


def _chosen(root: Path) -> Path:
    name = current_app.config.get("MODEL_NAME")
    if name:
        return root / f"{name}.joblib"
    files = sorted(root.glob("*.joblib"), key=lambda p: (p.stat().st_mtime, p.name))
    if not files:
        raise ModelNotFound(f"no ranking model in {root}: run `flask --app matchmaker train`")
    return files[-1]


def current_model() -> tuple[str, PartnershipRanker]:
    """The model in use and its name; re-read when a newer file appears (never stale)."""
    root = models_dir()
    path = _chosen(root) if root.is_dir() else None
    if path is None:
        raise ModelNotFound(f"no ranking model in {root}: run `flask --app matchmaker train`")
    stamp = (path.name, path.stat().st_mtime if path.exists() else 0)
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached and cached[0] == stamp:
        return cached[1], cached[2]
    model = load_model(root, path.stem)
    current_app.extensions[_CACHE_KEY] = (stamp, path.stem, model)
    return path.stem, model


def train_model(session: Session, name: str | None = None, evaluation: dict | None = None) -> str:
    """Fit the ranker on the current database's open priorities and active profiles; save it."""
    priorities = [priority_input(p) for p in open_priorities(session)]
    profiles = [profile_input(p) for p in active_profiles(session)]
    model = PartnershipRanker().fit(priorities, profiles)
    name = name or "ranker-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    extra = {"source": "database", "evaluation": evaluation or {}}
    save_model(model, models_dir(), name, extra)
    return name


def ensure_model(session: Session) -> tuple[str, PartnershipRanker]:
    """The current model; on a fresh installation, fit the first one from the database."""
    try:
        return current_model()
    except ModelNotFound:
        train_model(session)
        return current_model()


def model_card(name: str) -> dict:
    return read_card(models_dir(), name)

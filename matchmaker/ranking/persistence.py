"""Save and load fitted rankers with a JSON model card, refusing unsafe or mismatched files."""

from __future__ import annotations

import json
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy
import sklearn
from sklearn.utils.validation import check_is_fitted

from .errors import ModelFileRefused, ModelNotFound, RankingError
from .estimator import PartnershipRanker

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# Pickles are only portable across identical versions of these libraries.
CHECKED_LIBRARIES = ("sklearn", "numpy", "scipy", "joblib")


def library_versions() -> dict[str, str]:
    """Return the versions of python and the libraries a pickle depends on."""
    return {
        "python": platform.python_version(),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }


def _check_name(name: str) -> str:
    """Refuse names with path separators, parent references or odd characters."""
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise ModelFileRefused(f"refusing model name {name!r}: use letters, digits, '.', '_', '-'")
    return name


def _inside(models_dir: Path, path: Path) -> Path:
    """Return the resolved path, refusing anything that escapes models_dir (e.g. via symlinks)."""
    root = models_dir.resolve()
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise ModelFileRefused(f"refusing {path}: outside the models folder")
    return resolved


def save_model(
    model: PartnershipRanker,
    models_dir: str | Path,
    name: str,
    card_extra: dict[str, Any] | None = None,
) -> tuple[Path, Path]:
    """Write models/<name>.joblib and its card models/<name>.json; return both paths."""
    check_is_fitted(model, "weights_")
    root = Path(models_dir)
    root.mkdir(parents=True, exist_ok=True)
    _check_name(name)
    model_path = _inside(root, root / f"{name}.joblib")
    card_path = _inside(root, root / f"{name}.json")
    card: dict[str, Any] = {
        "name": name,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {"priorities": model.n_fit_priorities_, "profiles": model.n_fit_profiles_},
        "parameters": {
            k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()
        },
        "libraries": library_versions(),
    }
    card.update(card_extra or {})
    joblib.dump(model, model_path, compress=3)
    # The card is written last: a model without a card is refused, so a crash mid-save is safe.
    card_path.write_text(json.dumps(card, indent=2, sort_keys=True, default=str), encoding="utf-8")
    return model_path, card_path


def read_card(models_dir: str | Path, name: str) -> dict[str, Any]:
    """Return a model's card, refusing a missing or unreadable card."""
    root = Path(models_dir)
    card_path = _inside(root, root / f"{_check_name(name)}.json")
    if not card_path.is_file():
        raise ModelFileRefused(f"refusing model {name!r}: no model card {card_path.name}")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileRefused(f"refusing model {name!r}: unreadable card ({exc})") from exc
    if not isinstance(card, dict):
        raise ModelFileRefused(f"refusing model {name!r}: card is not a JSON object")
    return card


def append_card_record(
    models_dir: str | Path, name: str, key: str, record: dict[str, Any]
) -> dict[str, Any]:
    """Append a record to the list `key` of a model's card (written whole, then renamed)."""
    root = Path(models_dir)
    card = read_card(root, name)
    history = card.get(key)
    card[key] = [*(history if isinstance(history, list) else []), record]
    card_path = _inside(root, root / f"{_check_name(name)}.json")
    partial = card_path.with_suffix(".json.partial")
    partial.write_text(json.dumps(card, indent=2, sort_keys=True, default=str), encoding="utf-8")
    partial.replace(card_path)
    return card


def _newest_name(root: Path) -> str:
    """Return the name of the most recently modified .joblib file in root."""
    files = [p for p in root.glob("*.joblib") if p.is_file() and _NAME.match(p.stem)]
    if not files:
        raise ModelNotFound(f"no model in {root}")
    return max(files, key=lambda p: (p.stat().st_mtime, p.name)).stem


def load_model(models_dir: str | Path, name: str | None = None) -> PartnershipRanker:
    """Load the named (or newest) model from models_dir after checking its card."""
    root = Path(models_dir)
    if not root.is_dir():
        raise ModelNotFound(f"models folder {root} does not exist")
    name = _newest_name(root) if name is None else _check_name(name)
    model_path = _inside(root, root / f"{name}.joblib")
    if not model_path.is_file():
        raise ModelNotFound(f"no model named {name!r} in {root}")
    card = read_card(root, name)
    saved = card.get("libraries") or {}
    installed = library_versions()
    diffs = [
        f"{lib} {saved.get(lib)!s} != installed {installed[lib]}"
        for lib in CHECKED_LIBRARIES
        if saved.get(lib) != installed[lib]
    ]
    if diffs:
        raise ModelFileRefused(f"refusing model {name!r}: " + "; ".join(diffs))
    # joblib.load unpickles: only files we wrote ourselves, inside models_dir, reach this line.
    model = joblib.load(model_path)  # noqa: S301
    if not isinstance(model, PartnershipRanker):
        raise RankingError(f"{model_path.name} does not hold a PartnershipRanker")
    return model

"""The distributed re-rank's shared artefact: the model and the encoded profile matrix, on disk.

The coordinator writes it once per run to RERANK_ARTEFACT_DIR (a directory every worker machine
mounts: NFS, a shared volume) as `<model>-<data version>.joblib`; each chunk job loads it instead
of reading and encoding 10^5 profiles again. The data version is a hash of the profiles' ranking
inputs, so an artefact is reused while neither the model nor any active profile changed, and a
worker can never rank with a stale one. A file rather than a database row: at 10^5 profiles it
holds about 100 MB, which workers read at disk speed without PostgreSQL carrying blobs that size.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import joblib
from flask import current_app

from matchmaker.ranking import PartnershipRanker, ProfileInput
from matchmaker.ranking.estimator import SideMatrix
from matchmaker.ranking.parallel import BlockEncoder

FORMAT = 1  # bump when the stored layout changes: old files then no longer match a version


@dataclass(frozen=True)
class Artefact:
    """What a chunk job needs: the model and every active profile, encoded in blocks."""

    model_version: str
    data_version: str
    model: PartnershipRanker
    profile_keys: tuple
    blocks: tuple[tuple[int, SideMatrix], ...]  # (offset, features), as top_k_matches has them


def artefact_dir() -> Path:
    return Path(current_app.config["RERANK_ARTEFACT_DIR"])


def data_version(profiles: list[ProfileInput], block_size: int) -> str:
    """A hash of exactly what the encoded matrix is made of (the inputs, in order)."""
    digest = hashlib.sha256(f"format={FORMAT} block_size={block_size}\n".encode())
    for profile in profiles:
        digest.update(repr(profile).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:32]


def ensure_artefact(
    model_version: str,
    model: PartnershipRanker,
    profiles: list[ProfileInput],
    *,
    block_size: int,
    processes: bool,
) -> tuple[str, Path]:
    """The data version and the artefact's path, encoding and writing it unless it exists.

    Written to a temporary name and renamed, so a worker never reads half a file; older
    artefacts are removed (one run at a time, and the next run writes its own)."""
    version = data_version(profiles, block_size)
    root = artefact_dir()
    path = root / f"{model_version}-{version}.joblib"
    if path.is_file():
        return version, path
    root.mkdir(parents=True, exist_ok=True)
    with BlockEncoder(model, profiles, block_size, n_jobs=2, processes=processes) as encoder:
        blocks = tuple(encoder)
    artefact = Artefact(model_version, version, model, tuple(p.key for p in profiles), blocks)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    joblib.dump(artefact, partial)
    os.replace(partial, path)
    for old in root.glob("*.joblib"):
        if old != path:
            old.unlink(missing_ok=True)
    return version, path


_LOADED: dict[str, tuple[tuple[int, float], Artefact]] = {}


def load_artefact(path: str | Path) -> Artefact:
    """The artefact at path, kept in memory while the file is unchanged: a worker running
    several chunks of a run reads it once."""
    path = Path(path)
    stat = path.stat()
    stamp = (stat.st_size, stat.st_mtime)
    cached = _LOADED.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    artefact = joblib.load(path)
    if not isinstance(artefact, Artefact):
        raise TypeError(f"{path} is not a re-rank artefact")
    _LOADED.clear()  # one run's artefact at a time: the previous one's memory goes
    _LOADED[str(path)] = (stamp, artefact)
    return artefact

"""Export decisions as a labelled folder (priorities.json, companies.json, qrels.json) that
`flask --app matchmaker evaluate DIR` reads, in the format of the bundled development set."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from matchmaker.ranking.learning import Label
from matchmaker.services.errors import DomainError
from matchmaker.services.matching.features import priority_input, profile_input
from matchmaker.services.matching.labels import decisions, grade_counts, labelled_rows

FILES = ("priorities.json", "companies.json", "qrels.json")


def priority_id(key: int) -> str:
    return f"p{key}"


def company_id(key: int) -> str:
    """A company row of the folder is one interest profile (a company may have several)."""
    return f"c{key}"


@dataclass(frozen=True)
class ExportResult:
    priorities: int
    companies: int
    labels: int
    grades: dict[str, int]


def _write(path: Path, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")


def export_labels(
    session: Session,
    directory: str | Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    force: bool = False,
    note: Callable[[str], None] = lambda _message: None,
) -> ExportResult:
    """Write the decisions of [since, until) as a labelled folder; refuse a non-empty one."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise DomainError(f"{root} is a file, not a folder")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise DomainError(f"{root} is not empty: choose an empty folder or pass --force")
    note("reading decisions ...")
    found = decisions(session, since, until)
    if not found:
        raise DomainError("no decided suggestion is a label in this period: nothing written")
    priorities, profiles = labelled_rows(session, found)
    note(f"{len(found)} labels on {len(priorities)} priorities and {len(profiles)} companies")
    qrels: dict[str, dict[str, int]] = {}
    for d in sorted(found, key=lambda d: (d.priority_id, d.profile_id)):
        qrels.setdefault(priority_id(d.priority_id), {})[company_id(d.profile_id)] = d.label.grade
    p_rows = [_priority_row(priorities[k]) for k in sorted(priorities)]
    c_rows = [_company_row(profiles[k]) for k in sorted(profiles)]
    root.mkdir(parents=True, exist_ok=True)
    for name, data in zip(FILES, (p_rows, c_rows, qrels), strict=True):
        note(f"writing {name}")
        _write(root / name, data)
    labels: list[Label] = [d.label for d in found]
    return ExportResult(len(p_rows), len(c_rows), len(found), grade_counts(labels))


def _priority_row(priority) -> dict:
    """The ranker's view of a priority, with the dev set's field names."""
    one = priority_input(priority)
    return {
        "id": priority_id(priority.id),
        "city": priority.office.city.name,
        "state": one.state,
        "office": priority.office.name,
        "title": one.title,
        "description": one.description,
        "naics_sectors": list(one.naics_sectors),
        "partnership_types": list(one.partnership_types),
        "target_countries": list(one.target_countries),
    }


def _company_row(profile) -> dict:
    """The ranker's view of an interest profile, with the dev set's field names."""
    one = profile_input(profile)
    return {
        "id": company_id(profile.id),
        "name": one.company_name,
        "hq_country": one.hq_country,
        "size": one.size,
        "website": profile.company.website or "",
        "naics_sectors": list(one.naics_sectors),
        "description": one.company_description,
        "interests": one.interests,
        "partnership_types": list(one.partnership_types),
        "regions_of_interest": list(one.regions_of_interest),
    }

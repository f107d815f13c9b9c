"""Bulk company import: upload, a preview with row-level errors, an all-or-nothing import that
changes nothing when the same file comes again."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from matchmaker.jobs import enqueue
from matchmaker.orm import (
    Company,
    CompanyStatus,
    ImportBatch,
    ImportStatus,
    InterestProfile,
    ProfileStatus,
    User,
    utcnow,
)
from matchmaker.services.companies.csv_import.columns import read_csv
from matchmaker.services.companies.csv_import.rows import RowData, check_row
from matchmaker.services.errors import Conflict, InvalidTransition, NotFound
from matchmaker.text import one_line

CREATE, UPDATE, UNCHANGED, SKIP, ERROR = "create", "update", "unchanged", "skip", "error"
RANK_ONE_BY_ONE = 20  # more imported profiles than this: one full re-rank instead
# A batch the page previewed, or an API import waiting for (or being run by) its job.
NOT_YET_IMPORTED = (ImportStatus.PREVIEWED, ImportStatus.QUEUED, ImportStatus.RUNNING)
PROFILE_FIELDS = ("title", "partnership_types", "naics_sectors", "states", "interests")


@dataclass
class RowResult:
    number: int
    name: str
    action: str = CREATE
    errors: list[str] = field(default_factory=list)
    note: str = ""
    company_id: int | None = None
    data: RowData | None = None


@dataclass
class ImportCounts:
    """Rows by action. Attributes, not a dict, and none named like a dict method: a template
    reading `counts.update` from a dict gets the dict's update method, not the number."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0


_COUNT_OF = {
    CREATE: "new",
    UPDATE: "updated",
    UNCHANGED: "unchanged",
    SKIP: "skipped",
    ERROR: "failed",
}


@dataclass
class Preview:
    rows: list[RowResult]

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def counts(self) -> ImportCounts:
        counts = ImportCounts()
        for row in self.rows:
            name = _COUNT_OF[ERROR if row.errors else row.action]
            setattr(counts, name, getattr(counts, name) + 1)
        return counts


def new_batch(user: User, filename: str, data: bytes) -> ImportBatch:
    """An uploaded CSV as a batch, not yet saved; a file that cannot be read raises CsvFileError."""
    rows = read_csv(data)
    return ImportBatch(
        uploaded_by_id=user.id,
        filename=one_line(filename)[:255],
        content=data.decode("utf-8-sig"),
        sha256=hashlib.sha256(data).hexdigest(),
        row_count=len(rows),
    )


def upload_import(session: Session, user: User, filename: str, data: bytes) -> ImportBatch:
    """Keep an uploaded CSV for its preview; a file that cannot be read raises CsvFileError."""
    batch = new_batch(user, filename, data)
    session.add(batch)
    session.commit()
    return batch


def earlier_import(session: Session, batch: ImportBatch) -> ImportBatch | None:
    """The last earlier import of the very same file, if any."""
    return session.scalar(
        select(ImportBatch)
        .where(
            ImportBatch.sha256 == batch.sha256,
            ImportBatch.id != batch.id,
            ImportBatch.status == ImportStatus.IMPORTED,
        )
        .order_by(ImportBatch.id.desc())
        .limit(1)
    )


def preview_import(session: Session, batch: ImportBatch) -> Preview:
    """What importing the batch would do now, row by row, for the user who uploaded it."""
    uploader = session.get(User, batch.uploaded_by_id)
    return _plan(session, batch.content.encode("utf-8"), uploader)


def _plan(session: Session, data: bytes, uploader: User) -> Preview:
    results = []
    first_by_key: dict[tuple[str, str], int] = {}
    for row in read_csv(data):
        result = RowResult(row.number, row.values.get("name", ""))
        result.data, result.errors = check_row(row.values)
        domain = result.data.domain if result.data else None
        keys = (("external id", row.values.get("external_id")), ("website domain", domain))
        for kind, key in keys:
            if key and (kind, key.lower()) in first_by_key:
                result.errors.append(
                    f"Duplicate in file: same {kind} as row {first_by_key[kind, key.lower()]}."
                )
            elif key:
                first_by_key[kind, key.lower()] = row.number
        results.append(result)
    _match_database(session, results, uploader)
    return Preview(results)


def _not_yours(uploader: User, owner_office_id: int | None) -> str | None:
    """Why the uploader's import may not change a company, or None when it may: an office's
    import changes only the companies that office's imports created; an admin's, any."""
    if uploader.is_admin or owner_office_id == uploader.office_id:
        return None
    if owner_office_id is None:
        return "exists, imported by an admin: unchanged"
    return "exists, owned by another office: unchanged"


def _match_database(session: Session, results: list[RowResult], uploader: User) -> None:
    """Find each valid row's company (by external id, else website domain) and decide the action."""
    known = session.execute(
        select(
            Company.id,
            Company.external_id,
            Company.website_domain,
            Company.status,
            Company.name,
            Company.created_by_office_id,
        ).where(Company.status != CompanyStatus.UNCONFIRMED)
    ).all()
    by_ext = {k.external_id: k for k in known if k.external_id}
    by_domain = {k.website_domain: k for k in known if k.website_domain}
    self_managed = set(session.scalars(select(User.company_id).where(User.company_id.is_not(None))))
    matched: dict[int, RowResult] = {}
    for result in results:
        if result.errors or result.data is None:
            continue
        data = result.data
        by_id, by_site = by_ext.get(data.external_id or ""), by_domain.get(data.domain)
        if by_id and by_site and by_id.id != by_site.id:
            result.errors.append(
                f"Duplicate in database: the website domain belongs to "
                f"{by_site.name} (#{by_site.id}), the external id to another."
            )
            continue
        if not by_id and by_site and by_site.external_id and data.external_id:
            result.errors.append(
                f"Duplicate in database: {by_site.name} (#{by_site.id}) has this "
                f"website domain under external id {by_site.external_id}."
            )
            continue
        found = by_id or by_site
        if found is None:
            continue  # a new company
        result.company_id = found.id
        if found.id in matched:
            result.errors.append(
                f"Duplicate in file: row {matched[found.id].number} is also "
                f"{found.name} (#{found.id})."
            )
            continue
        if found.status in (CompanyStatus.DELETED, CompanyStatus.MERGED):
            result.action, result.note = SKIP, f"company #{found.id} is {found.status.value}"
        elif found.id in self_managed:
            result.action, result.note = SKIP, "registered by the company itself, which keeps it"
        elif reason := _not_yours(uploader, found.created_by_office_id):
            result.action, result.note = SKIP, reason
        else:
            matched[found.id] = result
    ids = list(matched)
    for start in range(0, len(ids), 500):
        for company in session.scalars(
            select(Company)
            .where(Company.id.in_(ids[start : start + 500]))
            .options(selectinload(Company.profiles))
        ):
            result = matched[company.id]
            result.action = UPDATE if _changes(company, result.data) else UNCHANGED


def _changes(company: Company, data: RowData) -> bool:
    if any(getattr(company, k) != v for k, v in data.company.items()):
        return True
    if data.profile is None:
        return False
    profile = company.profiles[0] if company.profiles else None
    return profile is None or any(getattr(profile, k) != data.profile[k] for k in PROFILE_FIELDS)


def _apply(
    session: Session, company: Company | None, data: RowData, now, office_id: int | None
) -> InterestProfile | None:
    if company is None:
        company = Company(
            status=CompanyStatus.ACTIVE, confirmed_at=now, created_by_office_id=office_id
        )
        session.add(company)
    for key, value in data.company.items():
        setattr(company, key, value)
    if data.profile is None:
        return None
    profile = company.profiles[0] if company.profiles else None
    if profile is None:
        profile = InterestProfile(status=ProfileStatus.ACTIVE)
        company.profiles.append(profile)
    for key in PROFILE_FIELDS:
        setattr(profile, key, data.profile[key])
    profile.updated_at = profile.material_change_at = now
    profile.reminder_sent_at = None
    return profile


def run_import(session: Session, batch_id: int, user: User) -> ImportBatch:
    """Import every row of a previewed batch in one transaction, or none when any row is wrong."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.uploaded_by_id != user.id:
        raise NotFound("No such import.")
    # Claim the batch first, in the import's own transaction: of two runs at once, the second
    # waits on the row and then matches nothing. A failed import rolls the claim back with it.
    claimed = session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status.in_(NOT_YET_IMPORTED))
        .values(status=ImportStatus.IMPORTED)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        raise InvalidTransition("This file was already imported.")
    preview = preview_import(session, batch)
    if preview.errors:
        session.rollback()
        raise InvalidTransition(f"{len(preview.errors)} row(s) have errors; nothing was imported.")
    now = utcnow()
    touched = [r for r in preview.rows if r.action in (CREATE, UPDATE)]
    existing = {
        c.id: c
        for c in session.scalars(
            select(Company)
            .where(Company.id.in_([r.company_id for r in touched if r.company_id]))
            .options(selectinload(Company.profiles))
        )
    }
    profiles = [
        _apply(session, existing.get(r.company_id), r.data, now, user.office_id) for r in touched
    ]
    counts = preview.counts
    batch.status, batch.imported_at = ImportStatus.IMPORTED, now
    batch.created_count, batch.updated_count = counts.new, counts.updated
    batch.unchanged_count = counts.unchanged + counts.skipped
    try:
        session.flush()
        ids = [p.id for p in profiles if p is not None]
        if ids:
            enqueue("rank_imported", ids)
        session.commit()
    except IntegrityError as exc:  # someone imported the same companies at the same moment
        session.rollback()
        raise Conflict("Another import changed these companies meanwhile; preview again.") from exc
    return batch


def rank_imported(session: Session, profile_ids: list[int]) -> int:
    """Rank the profiles an import created or changed: one by one when few, else a full re-rank
    (chunked matrix products beat thousands of one-profile passes)."""
    from matchmaker.services.matching import ranking

    if len(profile_ids) > RANK_ONE_BY_ONE:
        return ranking.rerank_all(session).written
    return sum(ranking.rank_profile_now(session, pid).written for pid in profile_ids)

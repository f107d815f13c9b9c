"""Routing: which office works a suggestion (admin rules, else the priority's office), and the
sensitive-partnership flag. Rule and policy changes re-route only suggestions nobody acted on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from matchmaker import codes
from matchmaker.orm import (
    Company,
    InterestProfile,
    Office,
    Priority,
    ReviewEvent,
    RoutingRule,
    SensitiveCountry,
    Suggestion,
    SuggestionStatus,
    utcnow,
)
from matchmaker.services.review import notifications

_CACHE = "routing.cache"  # rules and policy, read once per transaction (see notifications hooks)


@dataclass(frozen=True)
class Facts:
    """What rules look at: the company's and profile's sectors, country, types; the city."""

    sectors: tuple[str, ...]
    country: str
    types: tuple[str, ...]
    city_id: int | None


def matches(rule: RoutingRule, facts: Facts) -> bool:
    """True when every condition the rule sets holds (an empty condition holds always)."""
    if rule.naics_prefix and not any(c.startswith(rule.naics_prefix) for c in facts.sectors):
        return False
    if rule.hq_country and rule.hq_country != facts.country:
        return False
    if rule.partnership_type and rule.partnership_type not in facts.types:
        return False
    return not (rule.city_id and rule.city_id != facts.city_id)


def choose(
    rules: list[RoutingRule], facts: Facts, default_office_id: int
) -> tuple[int, int | None]:
    """(office id, rule id) of the first matching rule, else (the priority's office, None)."""
    for rule in rules:
        if matches(rule, facts):
            return rule.target_office_id, rule.id
    return default_office_id, None


def _cached(
    session: Session, today: date | None = None
) -> tuple[list[RoutingRule], dict[str, SensitiveCountry]]:
    """The rules in order and the policy entries in force on `today` (a UTC date)."""
    cache = session.info.get(_CACHE)
    if cache is None:
        today = today or utcnow().date()
        rules = list(
            session.scalars(select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id))
        )
        policy = {
            p.country: p
            for p in session.scalars(
                select(SensitiveCountry).where(SensitiveCountry.effective_from <= today)
            )
        }
        cache = session.info[_CACHE] = (rules, policy)
    return cache


def _facts(company: Company, profile: InterestProfile, city_id: int | None) -> Facts:
    return Facts(
        sectors=(*company.naics_sectors, *profile.naics_sectors),
        country=company.hq_country,
        types=tuple(profile.partnership_types),
        city_id=city_id,
    )


def route_new(session: Session, row: Suggestion) -> None:
    """Route a suggestion being created: office, rule, flag; newly routed staff get told."""
    with session.no_autoflush:  # the caller decides when the new row is written
        priority = row.priority or session.get(Priority, row.priority_id)
        profile = row.profile or session.get(InterestProfile, row.profile_id)
        company = row.company or session.get(Company, row.company_id or profile.company_id)
        rules, policy = _cached(session)
        city_id = session.get(Office, priority.office_id).city_id
    office_id, rule_id = choose(rules, _facts(company, profile, city_id), priority.office_id)
    row.routed_office_id, row.routing_rule_id, row.routed_at = office_id, rule_id, utcnow()
    entry = policy.get(company.hq_country)
    if entry is not None:
        row.flagged, row.flag_rationale = True, ""
        status = SuggestionStatus.SUGGESTED.value
        session.add(
            ReviewEvent(
                suggestion=row, from_status=status, to_status=status, reason=_flag_reason(entry)
            )
        )
    notifications.note_routed(session, row)


def _flag_reason(entry: SensitiveCountry) -> str:
    return (
        f"flagged for admin review: {codes.country_name(entry.country)} is on the sensitivity "
        f"list since {entry.effective_from.isoformat()}"
        + (f" ({entry.note})" if entry.note else "")
    )


def untouched():
    """Suggestions still waiting that no person has acted on (only system events)."""
    acted = exists().where(
        ReviewEvent.suggestion_id == Suggestion.id, ReviewEvent.actor_id.is_not(None)
    )
    return (Suggestion.status == SuggestionStatus.SUGGESTED) & ~acted


def reroute_untouched(session: Session, batch: int = 1000, today: date | None = None) -> int:
    """Apply the current rules and the policy in force on `today` (default: the UTC date) to
    untouched suggestions; returns how many changed. Run on every rule or policy change and
    daily, so a policy entry dated in the future takes effect on its date."""
    session.info.pop(_CACHE, None)
    rules, policy = _cached(session, today)
    session.info.pop(_CACHE, None)  # a given day's policy must not serve later routing
    query = (
        select(
            Suggestion.id,
            Suggestion.version,
            Suggestion.routed_office_id,
            Suggestion.routing_rule_id,
            Suggestion.flagged,
            Priority.office_id,
            Office.city_id,
            Company,
            InterestProfile,
        )
        .join(Priority, Priority.id == Suggestion.priority_id)
        .join(Office, Office.id == Priority.office_id)
        .join(Company, Company.id == Suggestion.company_id)
        .join(InterestProfile, InterestProfile.id == Suggestion.profile_id)
        .where(untouched(), Suggestion.flag_rationale == "")
        .order_by(Suggestion.id)
    )
    changes = []
    for sid, version, routed, rule_id, flagged, own, city_id, company, profile in session.execute(
        query
    ):
        office_id, new_rule = choose(rules, _facts(company, profile, city_id), own)
        flag = company.hq_country in policy
        if (office_id, new_rule, flag) != (routed, rule_id, flagged):
            # The office hears of it (and its age counts) from when it can act on it.
            arrives = not flag and (office_id != routed or flagged)
            changes.append((sid, version, office_id, new_rule, flag, office_id != routed, arrives))
    now = utcnow()
    for start in range(0, len(changes), batch):
        for sid, version, office_id, rule_id, flag, moved, arrives in changes[
            start : start + batch
        ]:
            values = {
                "routed_office_id": office_id,
                "routing_rule_id": rule_id,
                "flagged": flag,
                "version": version + 1,
                "updated_at": now,
            }
            if moved or arrives:
                values["routed_at"] = now
            done = session.execute(
                update(Suggestion)
                .where(Suggestion.id == sid, Suggestion.version == version)
                .values(**values)
            ).rowcount
            if done:  # someone acting meanwhile wins; their suggestion is no longer untouched
                if arrives:
                    notifications.note_routed(session, sid)
                session.add(
                    ReviewEvent(
                        suggestion_id=sid,
                        at=now,
                        from_status="suggested",
                        to_status="suggested",
                        reason=_reroute_reason(flag, moved),
                    )
                )
        session.commit()
    return len(changes)


def _reroute_reason(flag: bool, moved: bool) -> str:
    parts = (["re-routed after a routing rule change"] if moved else []) + (
        ["flagged for admin review by the sensitivity policy"] if flag else []
    )
    return "; ".join(parts) or "flag lifted: the country left the sensitivity list"

"""Routing rules and the sensitivity policy, edited by admins; each change re-routes the
suggestions nobody has acted on yet (services/routing.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from matchmaker import codes, vocab
from matchmaker.jobs import enqueue
from matchmaker.orm import City, Office, RoutingRule, SensitiveCountry, User
from matchmaker.services.errors import DomainError, NotFound
from matchmaker.text import check_text

NOTE_MAX = 1000


class InvalidRule(DomainError):
    """A routing rule or policy entry that cannot be saved."""


@dataclass(frozen=True)
class RuleInput:
    name: str
    target_office_id: int
    naics_prefix: str = ""
    hq_country: str = ""
    partnership_type: str = ""
    city_id: int | None = None


def rules(session: Session) -> list[RoutingRule]:
    """Every rule in the order they are tried."""
    return list(session.scalars(select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)))


def policy(session: Session) -> list[SensitiveCountry]:
    """The sensitivity list, by country."""
    return list(session.scalars(select(SensitiveCountry).order_by(SensitiveCountry.country)))


def _clean_rule(session: Session, data: RuleInput) -> RuleInput:
    check_text(
        {"name": data.name, "naics_prefix": data.naics_prefix, "hq_country": data.hq_country}
    )
    name = " ".join(data.name.split())
    if not name or len(name) > 120:
        raise InvalidRule("Give the rule a name of 1 to 120 characters.", "name")
    prefix, country = data.naics_prefix.strip(), data.hq_country.strip().upper()
    if prefix and not (prefix.isdigit() and 2 <= len(prefix) <= 6):
        raise InvalidRule("A NAICS prefix has 2 to 6 digits.", "naics_prefix")
    if country and not codes.is_country(country):
        raise InvalidRule(f"{country} is not an ISO country code.", "hq_country")
    if data.partnership_type and data.partnership_type not in vocab.PARTNERSHIP_TYPES:
        raise InvalidRule("Choose a partnership type from the list.", "partnership_type")
    if data.city_id is not None and session.get(City, data.city_id) is None:
        raise InvalidRule("Choose a city from the list.", "city_id")
    if session.get(Office, data.target_office_id) is None:
        raise InvalidRule("Choose the office the rule sends suggestions to.", "target_office_id")
    if not (prefix or country or data.partnership_type or data.city_id):
        raise InvalidRule("Set at least one condition, or the rule would take everything.")
    return RuleInput(
        name, data.target_office_id, prefix, country, data.partnership_type, data.city_id
    )


def add_rule(session: Session, actor: User, data: RuleInput) -> RoutingRule:
    """Append a rule at the end of the order; waiting, untouched suggestions are re-routed."""
    data = _clean_rule(session, data)
    last = session.scalar(select(func.max(RoutingRule.position))) or 0
    rule = RoutingRule(position=last + 1, created_by_id=actor.id, **data.__dict__)
    session.add(rule)
    enqueue("reroute_waiting")
    session.commit()
    return rule


def move_rule(session: Session, rule_id: int, direction: str) -> None:
    """Swap a rule with its neighbour ("up" is tried earlier), then re-route."""
    rules = list(
        session.scalars(select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id))
    )
    index = next((i for i, r in enumerate(rules) if r.id == rule_id), None)
    if index is None:
        raise NotFound("This rule does not exist.")
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rules):
        rules[index], rules[other] = rules[other], rules[index]
        for position, rule in enumerate(rules, start=1):
            rule.position = position
        enqueue("reroute_waiting")
        session.commit()


def delete_rule(session: Session, rule_id: int) -> None:
    """Remove a rule; suggestions it routed keep the record, waiting ones are re-routed."""
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound("This rule does not exist.")
    session.delete(rule)
    enqueue("reroute_waiting")
    session.commit()


def add_sensitive_country(
    session: Session, actor: User, country: str, note: str, effective_from: date
) -> SensitiveCountry:
    """Put a country on the sensitivity list; waiting suggestions are flagged from its date."""
    check_text({"country": country}, {"note": note})
    country = country.strip().upper()
    if not codes.is_country(country):
        raise InvalidRule(f"{country or 'An empty code'} is not an ISO country code.", "country")
    if len(note) > NOTE_MAX:
        raise InvalidRule(f"Keep the note under {NOTE_MAX} characters.", "note")
    entry = SensitiveCountry(
        country=country, note=note.strip(), effective_from=effective_from, created_by_id=actor.id
    )
    session.add(entry)
    enqueue("reroute_waiting")
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise InvalidRule("This country is already on the list.", "country") from exc
    return entry


def remove_sensitive_country(session: Session, entry_id: int) -> None:
    """Take a country off the list; untouched suggestions awaiting review are unflagged."""
    entry = session.get(SensitiveCountry, entry_id)
    if entry is None:
        raise NotFound("This entry does not exist.")
    session.delete(entry)
    enqueue("reroute_waiting")
    session.commit()

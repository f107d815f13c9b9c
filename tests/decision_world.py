"""Decided suggestions for the learning tests: priorities on distinct topics, each with companies
that merely repeat its words and companies that share its sector and partnership type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests import factories as f

TOPICS = [
    ("Water leak detection sensors for municipal pipes and utilities", "2213"),
    ("Fan engagement apps piloted in stadiums with professional sports teams", "7112"),
    ("Regional food processing campus for farmers, grocers and cold storage", "3114"),
    ("Remote patient monitoring for hospital at home programs and clinics", "6221"),
    ("Autonomous shuttles and on-demand rides for transit deserts", "4851"),
    ("Heat pumps and battery storage for affordable apartment buildings", "2211"),
    ("Virtual production stages and film crew training for studios", "5121"),
    ("Fair credit and payment tools for neighborhood small businesses", "5222"),
]
GENERIC = "We build products and look for partners in several American cities next year."
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def decide(priority, profile, status, at, reason=None):
    """A suggestion the office decided at `at`."""
    return f.SuggestionFactory(
        priority=priority,
        profile=profile,
        status=status,
        decline_reason=reason,
        decided_at=at,
        updated_at=at,
    )


def decision_world(accept_words: bool) -> list:
    """Eight priorities decided one per day: for each, two companies that repeat its words with
    another sector and type, and two that share its sector and type in other words.

    accept_words=False: the office accepts the sector-and-type companies and declines the
    wordy ones as not a fit, which the text-heavy default weights rank the wrong way round.
    accept_words=True: the office accepts the wordy ones (given their sector and type too),
    which the default weights already rank first: nothing to gain.
    """
    priorities = []
    for day, (text, code) in enumerate(TOPICS):
        other = TOPICS[(day + 4) % len(TOPICS)][1]
        priority = f.PriorityFactory(
            title=text, description=text, naics_sectors=[code], partnership_types=["pilot_project"]
        )
        wordy = [
            f.ProfileFactory(
                interests=text,
                company__description=text,
                naics_sectors=[code if accept_words else other],
                company__naics_sectors=[code if accept_words else other],
                partnership_types=["pilot_project" if accept_words else "procurement"],
            )
            for _ in range(2)
        ]
        typed = [
            f.ProfileFactory(
                interests=GENERIC,
                company__description=GENERIC,
                naics_sectors=[code if not accept_words else other],
                company__naics_sectors=[code if not accept_words else other],
                partnership_types=["pilot_project" if not accept_words else "procurement"],
            )
            for _ in range(2)
        ]
        good, bad = (wordy, typed) if accept_words else (typed, wordy)
        at = START + timedelta(days=day)
        for n, profile in enumerate(good):
            decide(priority, profile, "accepted", at + timedelta(minutes=n))
        for n, profile in enumerate(bad):
            decide(priority, profile, "declined", at + timedelta(minutes=5 + n), "not_a_fit")
        priorities.append(priority)
    return priorities

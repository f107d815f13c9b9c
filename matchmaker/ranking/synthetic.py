"""Seeded synthetic priorities and profiles in the dev set's shape, fast at millions of rows."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .inputs import PriorityInput, ProfileInput
from .naics import INDUSTRY_TITLES
from .structured import PARTNERSHIP_TYPES, US_STATES
from .vocabulary import SYNONYM_GROUPS

COUNTRIES = tuple(
    [
        "US",
        "US",
        "US",
        "US",
        "US",
        "NL",
        "JP",
        "DE",
        "FR",
        "GB",
        "CA",
        "IL",
        "KR",
        "MX",
        "IE",
        "IN",
        "CH",
        "AU",
        "AT",
        "NO",
        "BR",
        "EE",
        "IT",
        "SG",
        "KE",
        "SE",
        "CO",
        "NG",
        "PH",
        "NZ",
        "FI",
        "ES",
        "VN",
        "TR",
        "GH",
        "TW",
        "CZ",
        "CL",
        "DK",
    ]
)
SIZES = ("startup", "sme", "sme", "large")
_GENERAL = [
    "city",
    "program",
    "partner",
    "community",
    "residents",
    "company",
    "local",
    "regional",
    "build",
    "offer",
    "support",
    "team",
    "service",
    "project",
    "data",
    "network",
    "plant",
    "site",
    "jobs",
    "training",
    "customers",
    "growth",
    "market",
    "public",
    "private",
    "funding",
    "capacity",
    "pilot",
    "expand",
    "operations",
    "neighbourhood",
    "district",
    "students",
    "workers",
    "families",
    "schools",
    "hospitals",
    "utilities",
    "suppliers",
    "contract",
    "investment",
    "research",
    "technology",
    "platform",
    "system",
    "design",
    "equipment",
    "manufacturing",
    "production",
    "facility",
    "office",
    "staff",
    "industry",
    "access",
    "quality",
    "cost",
    "savings",
    "energy",
    "water",
    "health",
    "food",
    "transport",
    "housing",
]
_SYLLABLES = [
    "ka",
    "ri",
    "to",
    "ne",
    "mo",
    "la",
    "vi",
    "su",
    "pe",
    "do",
    "ga",
    "mi",
    "ru",
    "te",
    "ba",
    "lo",
    "ni",
    "fe",
    "co",
    "sa",
    "ze",
    "pu",
    "ho",
    "di",
]


def _vocabulary(rng: np.random.Generator, n_filler: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Return (all words, word ids per topic): lexicon topics plus invented filler words."""
    words: list[str] = list(dict.fromkeys(_GENERAL))
    topics: list[list[int]] = []
    for phrases in SYNONYM_GROUPS.values():
        ids = []
        for w in {w for p in phrases for w in p.split() if len(w) > 2}:
            if w not in words:
                words.append(w)
            ids.append(words.index(w))
        topics.append(sorted(ids))
    seen = set(words)
    while len(words) < len(_GENERAL) + n_filler:
        w = "".join(rng.choice(_SYLLABLES, size=int(rng.integers(2, 5))))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return np.array(words, dtype=object), [np.array(t) for t in topics]


class SyntheticData:
    """Generator of synthetic inputs; texts mix one topic's words with Zipf-distributed filler."""

    def __init__(self, seed: int = 0, n_filler: int = 3000, text_words: int = 60) -> None:
        self.rng = np.random.default_rng(seed)
        self.words, self.topics = _vocabulary(self.rng, n_filler)
        self.text_words = text_words
        ranks = np.arange(1, len(self.words) + 1)
        self.zipf = (1.0 / ranks) / (1.0 / ranks).sum()
        self.codes = np.array(sorted(INDUSTRY_TITLES))
        # Each topic favours a few NAICS codes, so sector overlap correlates with topic.
        self.topic_codes = self.rng.integers(0, len(self.codes), size=(len(self.topics), 3))

    def _texts(self, topic: np.ndarray, n_words: int) -> list[str]:
        """Return one text per topic id: ~40% topic words, the rest common filler."""
        n = len(topic)
        filler = self.rng.choice(len(self.words), size=(n, n_words), p=self.zipf)
        pick = self.rng.random((n, n_words)) < 0.4
        for t in np.unique(topic):
            rows = np.nonzero(topic == t)[0]
            ids = self.topics[t]
            draw = ids[self.rng.integers(0, len(ids), size=(len(rows), n_words))]
            filler[rows] = np.where(pick[rows], draw, filler[rows])
        return [" ".join(row) for row in self.words[filler].tolist()]

    def _codes(self, topic: np.ndarray) -> list[tuple[str, ...]]:
        """Return 1-3 NAICS codes per row, mostly the topic's own codes."""
        own = self.topic_codes[topic]
        k = self.rng.integers(1, 4, size=len(topic))
        rand = self.rng.integers(0, len(self.codes), size=(len(topic), 3))
        mix = np.where(self.rng.random((len(topic), 3)) < 0.75, own, rand)
        return [
            tuple(dict.fromkeys(self.codes[m[:j]].tolist())) for m, j in zip(mix, k, strict=True)
        ]

    def _types(self, n: int) -> list[tuple[str, ...]]:
        """Return 1-3 distinct partnership types per row."""
        perm = np.argsort(self.rng.random((n, len(PARTNERSHIP_TYPES))), axis=1)
        k = self.rng.integers(1, 4, size=n)
        return [tuple(PARTNERSHIP_TYPES[i] for i in p[:j]) for p, j in zip(perm, k, strict=True)]

    def priorities(self, n: int, start: int = 0) -> list[PriorityInput]:
        """Return n synthetic priorities keyed start..start+n-1."""
        topic = self.rng.integers(0, len(self.topics), size=n)
        titles = self._texts(topic, 8)
        descs = self._texts(topic, self.text_words + 20)
        codes, types = self._codes(topic), self._types(n)
        n_targets = np.where(self.rng.random(n) < 0.35, self.rng.integers(1, 5, size=n), 0)
        states = self.rng.choice(US_STATES[:51], size=n)
        targets = [
            tuple(self.rng.choice(COUNTRIES[5:], size=t, replace=False).tolist()) for t in n_targets
        ]
        return [
            PriorityInput(
                start + i, titles[i], descs[i], codes[i], types[i], targets[i], str(states[i])
            )
            for i in range(n)
        ]

    def profiles(self, n: int, start: int = 0, batch: int = 50_000) -> list[ProfileInput]:
        """Return n synthetic profiles keyed start..start+n-1, built in batches."""
        return [p for chunk in self.iter_profiles(n, start, batch) for p in chunk]

    def iter_profiles(
        self, n: int, start: int = 0, batch: int = 50_000
    ) -> Iterator[list[ProfileInput]]:
        """Yield synthetic profiles in lists of at most `batch`."""
        for a in range(0, n, batch):
            m = min(batch, n - a)
            topic = self.rng.integers(0, len(self.topics), size=m)
            names = self._texts(topic, 2)
            descs = self._texts(topic, self.text_words)
            interests = self._texts(topic, self.text_words // 3)
            codes, types = self._codes(topic), self._types(m)
            hq = self.rng.choice(COUNTRIES, size=m)
            any_region = self.rng.random(m) < 0.35
            states = self.rng.choice(US_STATES[:51], size=(m, 3))
            sizes = self.rng.choice(SIZES, size=m)
            regions = [tuple(dict.fromkeys(s)) for s in states.tolist()]
            yield [
                ProfileInput(
                    start + a + i,
                    names[i].title(),
                    descs[i],
                    interests[i],
                    codes[i],
                    types[i],
                    str(hq[i]),
                    ("any",) if any_region[i] else regions[i],
                    str(sizes[i]),
                )
                for i in range(m)
            ]

"""Feature encoders: lexicon-expanded TF-IDF + LSA text vectors and one-hot structured fields."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from .inputs import PriorityInput, ProfileInput
from .vocabulary import concept_ngrams, phrase_variants, stem_ngram

PARTNERSHIP_TYPES = (
    "investment", "pilot_project", "sponsorship", "workforce_training", "research_collaboration",
    "trade_mission", "procurement", "philanthropy", "cultural_exchange",
)
US_STATES = tuple(
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
        "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
        "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
        "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP",
    ]
)
SECTOR_LEVELS = (2, 3, 4)
_TAGS = re.compile(r"<[^>]+>")


def clean_name(name: str) -> str:
    """Unescape entities and drop markup so names like '<b>X</b> &amp; Y' tokenise cleanly."""
    return _TAGS.sub(" ", html.unescape(name or ""))


def priority_text(p: PriorityInput, title_repeat: int = 1) -> str:
    """Return the priority text; the headline is repeated because it states the core ask."""
    return "\n".join([p.title] * max(1, title_repeat) + [p.description])


def profile_text(c: ProfileInput) -> str:
    """Return the company text: cleaned name, description and interests."""
    return f"{clean_name(c.company_name)}\n{c.company_description}\n{c.interests}"


class TextEncoder:
    """Counts words, merges word forms and lexicon concepts, weights by TF-IDF, projects by LSA."""

    def __init__(self, *, ngram_range: tuple[int, int], min_df: int | float, max_df: float,
                 max_features: int | None, n_components: int, lexicon_weight: float,
                 random_state: int | None) -> None:
        self.params = dict(ngram_range=tuple(ngram_range), min_df=min_df, max_df=max_df,
                           max_features=max_features)
        self.n_components = n_components
        self.lexicon_weight = lexicon_weight
        self.random_state = random_state

    def _vectorizer(self, **extra) -> CountVectorizer:
        """Return a CountVectorizer with the shared preprocessing settings."""
        return CountVectorizer(lowercase=True, strip_accents="unicode", stop_words="english",
                               dtype=np.float32, **extra)

    def fit(self, texts: Sequence[str]) -> TextEncoder:
        """Learn the vocabulary, concept projection, IDF weights and LSA basis."""
        base = self._vectorizer(**self.params).fit(texts)
        tokens = self._vectorizer().build_analyzer()
        concepts = concept_ngrams(tokens)
        vocab = set(base.vocabulary_)
        # Lexicon phrases join the vocabulary so unseen texts can still hit a concept.
        for grams in concepts.values():
            for gram, _ in grams:
                vocab |= phrase_variants(gram.split())
        terms = sorted(vocab)
        self.vectorizer_ = self._vectorizer(vocabulary=terms,
                                            ngram_range=self.params["ngram_range"])
        self.vectorizer_.fit(texts[:1])
        stems = sorted({stem_ngram(t) for t in terms})
        stem_idx = {s: i for i, s in enumerate(stems)}
        rows = list(range(len(terms)))
        cols = [stem_idx[stem_ngram(t)] for t in terms]
        vals = [1.0] * len(terms)
        by_stem: dict[str, list[int]] = {}
        for i, t in enumerate(terms):
            by_stem.setdefault(stem_ngram(t), []).append(i)
        names = list(stems)
        for k, (concept, grams) in enumerate(concepts.items()):
            for gram, w in grams:
                for i in by_stem.get(stem_ngram(gram), ()):
                    rows.append(i)
                    cols.append(len(stems) + k)
                    vals.append(self.lexicon_weight * w)
            names.append("~" + concept.replace("_", " "))
        shape = (len(terms), len(names))
        self.projection_ = sp.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32)
        self.feature_names_ = np.array(names, dtype=object)
        # Show each stem by its shortest surface form, which reads most naturally.
        for t in sorted(terms, key=len, reverse=True):
            self.feature_names_[stem_idx[stem_ngram(t)]] = t
        counts = self._counts(texts)
        self.idf_ = TfidfTransformer(sublinear_tf=True).fit(counts).idf_.astype(np.float32)
        weighted = self.transform_sparse(texts)
        k = max(1, min(self.n_components, weighted.shape[0] - 1, weighted.shape[1] - 1))
        self.svd_ = TruncatedSVD(n_components=k, n_iter=7, random_state=self.random_state)
        self.svd_.fit(weighted)
        self.components_ = np.ascontiguousarray(self.svd_.components_.T, dtype=np.float32)
        return self

    def __getstate__(self) -> dict:
        """Drop the cached analyzer closure from pickles; it is rebuilt on demand."""
        state = self.__dict__.copy()
        state.pop("_analyze", None)
        return state

    def _counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return stem+concept counts; a direct loop avoids sklearn's per-call validation cost."""
        analyze = self.__dict__.get("_analyze")
        if analyze is None:
            analyze = self._analyze = self.vectorizer_.build_analyzer()
        vocab = self.vectorizer_.vocabulary_
        indices: list[int] = []
        indptr = [0]
        for doc in texts:
            indices.extend(j for j in map(vocab.get, analyze(doc)) if j is not None)
            indptr.append(len(indices))
        counts = sp.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int32),
             np.asarray(indptr, dtype=np.int64)), shape=(len(texts), len(vocab)))
        counts.sum_duplicates()
        return (counts @ self.projection_).tocsr()

    def transform_sparse(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return L2-normalised TF-IDF vectors (sublinear tf) over stems and concepts."""
        x = self._counts(texts)
        x.data = (1.0 + np.log(x.data, where=x.data > 0, out=np.zeros_like(x.data))).astype(
            np.float32)
        x.data *= self.idf_[x.indices]
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ x)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Return L2-normalised float32 LSA embeddings."""
        dense = np.asarray(self.transform_sparse(texts) @ self.components_, dtype=np.float32)
        norms = np.sqrt(np.einsum("ij,ij->i", dense, dense))
        norms[norms == 0] = 1.0
        dense /= norms[:, None]
        return dense


def _prefix_nodes(codes: Sequence[str]) -> dict[int, set[str]]:
    """Return the set of 2/3/4-digit prefixes of NAICS codes, per level."""
    out: dict[int, set[str]] = {lvl: set() for lvl in SECTOR_LEVELS}
    for code in codes:
        code = str(code)
        digits = code if code.isdigit() else "".join(filter(str.isdigit, code))
        for lvl in SECTOR_LEVELS[: max(0, len(digits) - 1)]:
            out[lvl].add(digits[:lvl])
    return out


class StructEncoder:
    """One-hot encodes sectors (per prefix level), partnership types, countries and states."""

    def __init__(self, level_weights: Sequence[float], type_decay: float) -> None:
        self.level_weights = tuple(float(w) for w in level_weights)
        self.type_decay = type_decay

    def fit(self, priorities: Sequence[PriorityInput],
            profiles: Sequence[ProfileInput]) -> StructEncoder:
        """Learn the prefix and country vocabularies from both sides."""
        nodes: set[str] = set()
        countries: set[str] = set()
        for p in priorities:
            nodes.update(*_prefix_nodes(p.naics_sectors).values())
            countries.update(c.upper() for c in p.target_countries)
        for c in profiles:
            nodes.update(*_prefix_nodes(c.naics_sectors).values())
            countries.add(c.hq_country.upper())
        self.nodes_ = {n: i for i, n in enumerate(sorted(nodes))}
        self.countries_ = {c: i for i, c in enumerate(sorted(countries - {""}))}
        n_nodes, n_ctry = len(self.nodes_), len(self.countries_) + 1  # +1: unseen country
        bounds = np.cumsum([0, n_nodes, len(PARTNERSHIP_TYPES), n_ctry, len(US_STATES) + 1])
        names = ("sector", "type", "country", "state")
        self.slices_ = {n: slice(int(a), int(b)) for n, a, b in zip(names, bounds[:-1], bounds[1:],
                                                                      strict=True)}
        self.n_features_ = int(bounds[-1])
        ss = self.slices_["state"]
        self._all_states = [(j, 1.0) for j in range(ss.start, ss.stop)]
        return self

    def _sector(self, codes: Sequence[str], weighted: bool) -> list[tuple[int, float]]:
        """Return per-level L2-normalised prefix indicators (scaled by level weight if asked)."""
        out = []
        base = self.slices_["sector"].start
        nodes = _prefix_nodes(codes)
        for lvl, w in zip(SECTOR_LEVELS, self.level_weights, strict=True):
            idx = [self.nodes_[n] for n in nodes[lvl] if n in self.nodes_]
            if idx:
                v = (w if weighted else 1.0) / math.sqrt(len(idx))
                out.extend((base + i, v) for i in idx)
        return out

    def _types(self, types: Sequence[str], decay: float | None) -> list[tuple[int, float]]:
        """Return type indicators; priorities weight earlier-listed (more important) types more."""
        base = self.slices_["type"].start
        known = list(dict.fromkeys(t for t in types if t in PARTNERSHIP_TYPES))
        if decay is None:
            return [(base + PARTNERSHIP_TYPES.index(t), 1.0) for t in known]
        w = np.array([decay**i for i in range(len(known))])
        w = w / w.sum() if len(w) else w
        return [(base + PARTNERSHIP_TYPES.index(t), float(x)) for t, x in zip(known, w,
                                                                             strict=True)]

    def _state_idx(self, state: str) -> int:
        """Return the column of a US state code (unknown codes share the last column)."""
        s = state.upper()
        return US_STATES.index(s) if s in US_STATES else len(US_STATES)

    def _row_entries(self, key: tuple, make) -> list[tuple[int, float]]:
        """Memoise per-row encodings: large inputs repeat the same code/type/region tuples."""
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = make()
        return hit

    def _encode(self, n: int, entries) -> np.ndarray:
        """Build a dense float32 matrix from an iterable of per-row (col, value) lists."""
        self._memo: dict[tuple, list[tuple[int, float]]] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, row in enumerate(entries):
            for part in row:
                rows.extend([r] * len(part))
                cols.extend(j for j, _ in part)
                vals.extend(v for _, v in part)
        self._memo = {}
        out = np.zeros((n, self.n_features_), dtype=np.float32)
        out[np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)] = vals
        return out

    def _priority_geo(self, targets: tuple[str, ...], state: str) -> list[tuple[int, float]]:
        """Country (0.5 spread over accepted countries) and state (0.5) columns of a priority."""
        cs, ss = self.slices_["country"], self.slices_["state"]
        if targets:
            cols = [cs.start + self.countries_[c] for c in {c.upper() for c in targets}
                    if c in self.countries_]
        else:
            cols = list(range(cs.start, cs.stop))
        return [(j, 0.5) for j in cols] + [(ss.start + self._state_idx(state), 0.5)]

    def _profile_geo(self, hq: str, regions: tuple[str, ...]) -> list[tuple[int, float]]:
        """HQ country one-hot and state-of-interest columns ('any' turns all states on)."""
        cs, ss = self.slices_["country"], self.slices_["state"]
        out = [(cs.start + self.countries_.get(hq.upper(), cs.stop - 1 - cs.start), 1.0)]
        upper = {x.upper() for x in regions}
        if not upper or "ANY" in upper:
            return out + self._all_states
        return out + [(ss.start + i, 1.0) for i in {self._state_idx(x) for x in upper}]

    def transform_priorities(self, priorities: Sequence[PriorityInput]) -> np.ndarray:
        """Encode priorities; geo halves are 0.5 each so country+state fit sums to 1."""
        m = self._row_entries
        return self._encode(len(priorities), (
            (m(("s", p.naics_sectors), lambda p=p: self._sector(p.naics_sectors, True)),
             m(("t", p.partnership_types),
               lambda p=p: self._types(p.partnership_types, self.type_decay)),
             m(("g", p.target_countries, p.state),
               lambda p=p: self._priority_geo(p.target_countries, p.state)))
            for p in priorities))

    def transform_profiles(self, profiles: Sequence[ProfileInput]) -> np.ndarray:
        """Encode profiles; 'any' region means every state column is on."""
        m = self._row_entries
        return self._encode(len(profiles), (
            (m(("s", c.naics_sectors), lambda c=c: self._sector(c.naics_sectors, False)),
             m(("t", c.partnership_types), lambda c=c: self._types(c.partnership_types, None)),
             m(("g", c.hq_country, c.regions_of_interest),
               lambda c=c: self._profile_geo(c.hq_country, c.regions_of_interest)))
            for c in profiles))

"""Text features: a fast analyzer, lexicon-expanded TF-IDF and two-scale LSA embeddings."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    CountVectorizer,
    TfidfTransformer,
    strip_accents_unicode,
)

from .inputs import PriorityInput, ProfileInput
from .vocabulary import concept_ngrams, phrase_variants, stem_ngram

__all__ = ["Analyzer", "TextEncoder", "clean_name", "priority_text", "profile_text"]
_TAGS = re.compile(r"<[^>]+>")
# Same tokens as CountVectorizer's default r"(?u)\b\w\w+\b" (runs of 2+ word characters),
# without the word-boundary checks that make it slower.
_TOKEN = re.compile(r"\w\w+")


def clean_name(name: str) -> str:
    """Unescape entities and drop markup so names like '<b>X</b> &amp; Y' tokenise cleanly."""
    return _TAGS.sub(" ", html.unescape(name or ""))


def priority_text(p: PriorityInput, title_repeat: int = 1) -> str:
    """Return the priority text; the headline is repeated because it states the core ask."""
    return "\n".join([p.title] * max(1, title_repeat) + [p.description])


def profile_text(c: ProfileInput) -> str:
    """Return the company text: cleaned name, description and interests."""
    return f"{clean_name(c.company_name)}\n{c.company_description}\n{c.interests}"


class Analyzer:
    """CountVectorizer's lowercase/accent/token/stop-word analysis without its per-call overhead."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 1)) -> None:
        self.ngram_range = tuple(ngram_range)

    def __call__(self, doc: str) -> list[str]:
        """Return the tokens (and n-grams) of one document."""
        doc = doc.lower()
        if not doc.isascii():  # accent stripping is the slow part; ASCII texts skip it
            doc = strip_accents_unicode(doc)
        toks = [t for t in _TOKEN.findall(doc) if t not in ENGLISH_STOP_WORDS]
        lo, hi = self.ngram_range
        out = toks if lo == 1 else []
        for n in range(max(2, lo), hi + 1):
            out = out + [" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)]
        return out


class TextEncoder:
    """Counts words, merges word forms and lexicon concepts, weights by TF-IDF, projects by LSA.

    The embedding joins a fine LSA (close to exact TF-IDF cosine) with its few leading
    dimensions, which group texts by broad topic; `topic_mix` sets the cosine share of the latter.
    """

    def __init__(
        self,
        *,
        ngram_range: tuple[int, int],
        min_df: int | float,
        max_df: float,
        max_features: int | None,
        n_components: int,
        n_topic_components: int,
        topic_mix: float,
        lexicon_weight: float,
        random_state: int | None,
    ) -> None:
        self.params = dict(min_df=min_df, max_df=max_df, max_features=max_features)
        self.ngram_range = tuple(ngram_range)
        self.n_components = n_components
        self.n_topic_components = n_topic_components
        self.topic_mix = topic_mix
        self.lexicon_weight = lexicon_weight
        self.random_state = random_state

    def fit(self, texts: Sequence[str]) -> TextEncoder:
        """Learn the vocabulary, concept projection, IDF weights and LSA basis."""
        self.analyzer_ = Analyzer(self.ngram_range)
        base = CountVectorizer(analyzer=self.analyzer_, dtype=np.float32, **self.params).fit(texts)
        concepts = concept_ngrams(Analyzer())
        vocab = set(base.vocabulary_)
        # Lexicon phrases join the vocabulary so unseen texts can still hit a concept.
        for grams in concepts.values():
            for gram, _ in grams:
                vocab |= phrase_variants(gram.split())
        terms = sorted(vocab)
        self.vocabulary_ = {t: i for i, t in enumerate(terms)}
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
        self.n_topic_ = max(1, min(self.n_topic_components, k))
        return self

    @property
    def dim(self) -> int:
        """Return the width of the joined embedding."""
        return self.components_.shape[1] + self.n_topic_

    def _counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return stem+concept counts; a direct loop avoids sklearn's per-call validation cost."""
        analyze, vocab = self.analyzer_, self.vocabulary_
        indices: list[int] = []
        indptr = [0]
        if analyze.ngram_range == (1, 1):
            # Stop words are not in the vocabulary, so the lookup alone filters them.
            find, lower, strip = _TOKEN.findall, str.lower, strip_accents_unicode
            for doc in texts:
                doc = lower(doc)
                toks = find(doc if doc.isascii() else strip(doc))
                indices.extend([vocab[t] for t in toks if t in vocab])
                indptr.append(len(indices))
        else:
            for doc in texts:
                indices.extend([vocab[t] for t in analyze(doc) if t in vocab])
                indptr.append(len(indices))
        counts = sp.csr_matrix(
            (
                np.ones(len(indices), dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(texts), len(vocab)),
        )
        counts.sum_duplicates()
        return (counts @ self.projection_).tocsr()

    def transform_sparse(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Return L2-normalised TF-IDF vectors (sublinear tf) over stems and concepts."""
        x = self._counts(texts)
        x.data = (1.0 + np.log(x.data, where=x.data > 0, out=np.zeros_like(x.data))).astype(
            np.float32
        )
        x.data *= self.idf_[x.indices]
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ x)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Return unit-norm float32 embeddings: [sqrt(1-mix) * fine LSA, sqrt(mix) * topic LSA]."""
        fine = np.asarray(self.transform_sparse(texts) @ self.components_, dtype=np.float32)
        topic = fine[:, : self.n_topic_].copy()
        for part, share in ((fine, 1.0 - self.topic_mix), (topic, self.topic_mix)):
            norms = np.sqrt(np.einsum("ij,ij->i", part, part))
            norms[norms == 0] = np.inf  # an empty text stays all-zero
            part *= (np.sqrt(share) / norms)[:, None].astype(np.float32)
        return np.ascontiguousarray(np.hstack([fine, topic]), dtype=np.float32)

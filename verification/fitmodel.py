"""The learned part of the industry fit: a linear model over a page's words. Pure (numpy).

Features, hashed into ``DIMENSIONS`` buckets (CRC-32, so they are the same in every
process and Python version):

* each word's stem (``w:``) and each pair of neighbouring stems (``b:``);
* the character 3- and 4-grams of each word longer than four letters (``c:``): the parts
  of compounds ("Kläranlage", "Abwasserbehandlungsanlage") and of inflections that the
  stemmer does not know;
* Chinese as overlapping character pairs and triples (``z:``).

A term in a heading counts ``HEAD_WEIGHT`` times; counts are damped (1 + log n) and the
vector scaled to length 1, so repeated evidence saturates and a long page is not a
stronger page. Two linear models share the features: logistic regression for "is it a target", and a
multinomial one for "which industry" among targets (``verification/fittrain.py`` trains
them with scikit-learn; this module only reads the weights, with numpy).

``explain`` says which words moved the score: each word's share of the target logit
(its stem, its pairs and its n-grams together) and the industry it speaks for.
"""

from __future__ import annotations

import functools
import io
import math
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from verification import textnorm

DIMENSIONS = 1 << 18
HEAD_WEIGHT = 2.0
NOT_TARGET = "not_target"
MODEL_FILE = Path(__file__).resolve().parent / "data" / "fit_model.npz"


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (DIMENSIONS - 1)


@functools.lru_cache(maxsize=300_000)
def _word_features(word: str, language: str) -> tuple[int, ...]:
    """The buckets of one (normalized) token: stem and n-grams, or Chinese n-grams."""
    if textnorm.is_cjk(word):
        grams = [word[i:i + n] for n in (2, 3) for i in range(len(word) - n + 1)]
        if len(word) == 1:
            grams = [word]
        return tuple(_bucket("z:" + gram) for gram in grams)
    stem = textnorm.stem(word, language)
    features = [_bucket("w:" + stem)]
    word = textnorm.fold(word)
    if len(word) > 4:
        padded = f"<{word}>"
        features += [_bucket("c:" + padded[i:i + n]) for n in (3, 4)
                     for i in range(len(padded) - n + 1)]
    return tuple(features)


@dataclass
class Document:
    """A page (or a corpus record) as the model reads it."""

    language: str
    counts: dict[int, float] = field(default_factory=dict)
    # Each word's normalized form -> its buckets, for the explanation.
    words: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _vector: tuple | None = field(default=None, repr=False, compare=False)


def document(parts: list[tuple[str, float]], language: str) -> Document:
    """``parts``: (text, weight) pairs, e.g. headings with HEAD_WEIGHT, body with 1."""
    language = textnorm.base_language(language)
    counts: dict[int, float] = defaultdict(float)
    words: dict[str, tuple[int, ...]] = {}
    for text, weight in parts:
        if not text:
            continue
        for line in textnorm.lowered(text).splitlines():
            previous = ""
            for token in textnorm.TOKEN.findall(line):
                buckets = _word_features(token, language)
                for bucket in buckets:
                    counts[bucket] += weight
                words.setdefault(textnorm.fold(token), buckets)
                if not textnorm.is_cjk(token):
                    current = textnorm.stem(token, language)
                    if previous:
                        pair = _bucket(f"b:{previous} {current}")
                        counts[pair] += weight
                    previous = current
                else:
                    previous = ""
    return Document(language, dict(counts), words)


def vector(doc: Document) -> tuple[np.ndarray, np.ndarray]:
    """(bucket indexes, values): damped counts scaled to length 1 (made once per page:
    the score, the industry and the explanation all read it)."""
    if doc._vector is None:
        if not doc.counts:
            doc._vector = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        else:
            index = np.fromiter(doc.counts.keys(), dtype=np.int64, count=len(doc.counts))
            values = np.fromiter(doc.counts.values(), dtype=np.float32,
                                 count=len(doc.counts))
            values = 1.0 + np.log(values, where=values > 0, out=np.zeros_like(values))
            norm = float(np.sqrt((values * values).sum()))
            doc._vector = (index, values / norm if norm else values)
    return doc._vector


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of the scorer's caches
class Model:
    """Row 0 of ``weights``: is it a target (binary logistic regression); the other rows:
    which industry, among targets (multinomial, one row per slug in ``classes[1:]``)."""

    classes: tuple[str, ...]  # NOT_TARGET first, then industry slugs
    weights: np.ndarray  # (classes, DIMENSIONS) float32
    bias: np.ndarray  # (classes,)
    # The calibration on top: p = sigmoid(a * model logit + b * log(1 + keyword points) + c)
    calibration: tuple[float, float, float]
    info: dict

    def target_logit(self, doc: Document) -> float:
        index, values = vector(doc)
        return float(self.weights[0, index] @ values + self.bias[0])

    def industry(self, doc: Document) -> str:
        index, values = vector(doc)
        scores = self.weights[1:, index] @ values + self.bias[1:]
        return self.classes[1 + int(np.argmax(scores))]

    def calibrated(self, model_logit: float, keyword_points: float) -> float:
        a, b, c = self.calibration
        return _sigmoid(a * model_logit + b * math.log1p(max(keyword_points, 0.0)) + c)

    def explain(self, doc: Document, top: int = 12) -> list[tuple[str, float, str]]:
        """The words that pushed the page towards a target (positive) or away from one
        (negative): (word, share of the calibrated logit, the industry it speaks for),
        strongest first."""
        index, values = vector(doc)
        value_of = dict(zip(index.tolist(), values.tolist(), strict=True))
        scale = self.calibration[0]
        # A word speaks for one of the page's three likeliest industries, not for any of
        # the twelve (a word alone is weak evidence of which).
        page = self.weights[1:, index] @ values + self.bias[1:]
        likely = np.argsort(-page)[:3]
        shares = []
        for word, buckets in doc.words.items():
            unique = list(set(buckets))
            share = scale * sum(float(self.weights[0, b]) * value_of.get(b, 0.0)
                                for b in unique)
            if abs(share) > 0.02:
                votes = self.weights[np.ix_(1 + likely, unique)].sum(axis=1)  # 3 × n, no row copy
                shares.append((word, share, self.classes[1 + int(likely[np.argmax(votes)])]))
        shares.sort(key=lambda item: -abs(item[1]))
        return shares[:top]

    def to_bytes(self) -> bytes:
        import json

        nonzero = np.flatnonzero(np.abs(self.weights).max(axis=0) > 0)
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer, columns=nonzero.astype(np.int32),
            weights=self.weights[:, nonzero].astype(np.float16),
            bias=self.bias.astype(np.float32),
            calibration=np.array(self.calibration, dtype=np.float64),
            classes=np.array(json.dumps(list(self.classes))),
            info=np.array(json.dumps(self.info)))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Model:
        import json

        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            classes = tuple(json.loads(str(stored["classes"])))
            weights = np.zeros((len(classes), DIMENSIONS), dtype=np.float32)
            weights[:, stored["columns"]] = stored["weights"].astype(np.float32)
            return cls(classes=classes, weights=weights, bias=stored["bias"],
                       calibration=tuple(float(x) for x in stored["calibration"]),
                       info=json.loads(str(stored["info"])))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -60 else 0.0


@functools.cache
def shipped_model() -> Model | None:
    """The model trained on the project's corpus (``manage.py fit_train``), if present."""
    return Model.from_bytes(MODEL_FILE.read_bytes()) if MODEL_FILE.exists() else None

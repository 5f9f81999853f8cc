"""Training and measuring the fit model (scikit-learn; never imported by a page or a check).

``train(pages)`` fits the multinomial model on pages (the corpus's development part, plus
the team's labels when retraining), chooses its regularisation by cross-validation on
those pages only, then fits the calibration on out-of-fold predictions: the model's
logit and the admin keywords' points, so that 50 means "more likely a target than not".
``evaluate(model, pages, matcher)`` scores pages the model never saw (the held-out part)
and returns the figures the bench and the admins' retraining screen show.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from verification import fitmodel
from verification.fit import Matcher, score_fit

SEED = 20261207
C_CHOICES = (1.0, 4.0, 16.0, 64.0)


@dataclass(frozen=True)
class Sample:
    """What training needs of a page: its texts by place, its language and its label."""

    head: str
    body: str
    language: str
    label: str  # an industry slug, or fitmodel.NOT_TARGET
    key: str = ""  # the URL, for reports

    @property
    def is_target(self) -> bool:
        return self.label != fitmodel.NOT_TARGET


def sample_of(page) -> Sample:
    """A corpus record (``verification.corpus.Page``) as a training sample."""
    head = set(page.head)
    return Sample(head="\n".join(t for t in page.terms if t in head),
                  body="\n".join(t for t in page.terms if t not in head),
                  language=page.lang,
                  label=page.industry if page.is_target else fitmodel.NOT_TARGET,
                  key=page.url)


def document_of(sample: Sample) -> fitmodel.Document:
    return fitmodel.document([(sample.head, fitmodel.HEAD_WEIGHT), (sample.body, 1.0)],
                             sample.language)


def keyword_points(matcher: Matcher, sample: Sample) -> float:
    return score_fit(matcher, {"title": sample.head, "text": sample.body}).points


def _matrix(docs: list[fitmodel.Document]):
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for row, doc in enumerate(docs):
        index, values = fitmodel.vector(doc)
        rows.extend([row] * len(index))
        cols.extend(index.tolist())
        vals.extend(values.tolist())
    return csr_matrix((vals, (rows, cols)), shape=(len(docs), fitmodel.DIMENSIONS),
                      dtype=np.float64)


def _classifier(c: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, solver="liblinear", class_weight="balanced")


def _folds(labels: list[bool], k: int = 5) -> list[np.ndarray]:
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=SEED)
    return [test for _, test in splitter.split(np.zeros(len(labels)), labels)]


def keyword_samples(rows: list[dict], *, per_list: int = 3, size: int = 12) -> list[Sample]:
    """Pseudo-pages made of the admins' keyword lists (``default_keywords()`` rows): a
    few random handfuls of each industry's terms per language, and of the negative ones.
    They teach the model every language's words for every industry, beyond the pages
    the corpus happens to hold; they never take part in calibration or evaluation."""
    import random

    lists: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        lists[(row["language"], row["industry"] or fitmodel.NOT_TARGET)].append(row["term"])
    rng = random.Random(SEED)
    made = []
    for (language, label), terms in sorted(lists.items()):
        for number in range(per_list):
            picked = rng.sample(terms, min(len(terms), size))
            made.append(Sample(head="", body="\n".join(t.strip("*") for t in picked),
                               language=language, label=label,
                               key=f"keywords:{language}:{label}:{number}"))
    return made


def train(samples: list[Sample], matcher: Matcher, *, extra: list[Sample] = (),
          info: dict | None = None) -> fitmodel.Model:
    """Fit on ``samples`` (and ``extra``, e.g. ``keyword_samples``, which only the
    model itself sees: the calibration is fitted on ``samples``' out-of-fold scores)."""
    from sklearn.linear_model import LogisticRegression

    started = time.monotonic()
    everything = [*samples, *extra]
    industries = sorted({s.label for s in everything if s.is_target})
    classes = [fitmodel.NOT_TARGET, *industries]
    targets = np.array([s.is_target for s in everything])
    matrix = _matrix([document_of(s) for s in everything])
    points = np.array([keyword_points(matcher, s) for s in samples])
    real = len(samples)
    folds = _folds(targets[:real].tolist())
    always = np.arange(real, len(everything))

    def out_of_fold(c: float) -> np.ndarray:
        logits = np.zeros(real)
        for test in folds:
            train_rows = np.concatenate([np.setdiff1d(np.arange(real), test), always])
            classifier = _classifier(c).fit(matrix[train_rows], targets[train_rows])
            logits[test] = classifier.decision_function(matrix[test])
        return logits

    best = None
    for c in C_CHOICES:  # chosen on the training pages' own folds, never on held-out
        logits = out_of_fold(c)
        loss = _log_loss(targets[:real], 1 / (1 + np.exp(-logits)))
        if best is None or loss < best[0]:
            best = (loss, c, logits)
    _, c, logits = best
    stack = np.column_stack([logits, np.log1p(np.maximum(points, 0))])
    calibrator = LogisticRegression(C=10.0, max_iter=1000).fit(stack, targets[:real])
    target_model = _classifier(c).fit(matrix, targets)
    weights = np.zeros((len(classes), fitmodel.DIMENSIONS), dtype=np.float32)
    bias = np.zeros(len(classes), dtype=np.float32)
    weights[0], bias[0] = target_model.coef_[0], target_model.intercept_[0]
    rows = np.flatnonzero(targets)
    labels = [industries.index(everything[i].label) for i in rows]
    if len(industries) > 1:
        industry_model = LogisticRegression(C=c, max_iter=2000).fit(matrix[rows], labels)
        for row, label in enumerate(industry_model.classes_):
            # Two industries: scikit-learn keeps one row, for the second class.
            sign, source = (1, row) if len(industries) > 2 else ((1 if label else -1), 0)
            weights[1 + label] = sign * industry_model.coef_[source]
            bias[1 + label] = sign * industry_model.intercept_[source]
    a, b = calibrator.coef_[0]
    return fitmodel.Model(
        classes=tuple(classes), weights=weights, bias=bias,
        calibration=(float(a), float(b), float(calibrator.intercept_[0])),
        info={"pages": real, "targets": int(targets[:real].sum()), "C": c,
              "keyword_pages": len(extra),
              "languages": dict(Counter(s.language for s in samples)),
              "seconds": round(time.monotonic() - started, 1), **(info or {})})


def _log_loss(truth: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(truth * np.log(p) + (1 - truth) * np.log(1 - p)))


@dataclass
class Figures:
    """How a model does on pages it never saw."""

    n: int = 0
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    by_language: dict = field(default_factory=dict)  # language -> [right, n, tp, fp, fn]
    by_industry: dict = field(default_factory=dict)  # industry -> [found, n]
    buckets: list = field(default_factory=list)  # (low, high, n, targets, mean p)
    misses: list = field(default_factory=list)  # (key, language, label, fit)
    cpu_ms_per_page: float = 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.n if self.n else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    def as_dict(self) -> dict:
        return {"n": self.n, "accuracy": round(self.accuracy, 3),
                "precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "confusion": {"tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn},
                "by_language": {k: round(v[0] / v[1], 3) for k, v in self.by_language.items()},
                "by_industry": {k: f"{v[0]}/{v[1]}" for k, v in self.by_industry.items()}}


def evaluate(model: fitmodel.Model, samples: list[Sample], matcher: Matcher,
             score=None) -> Figures:
    """Figures of ``score(sample) -> fit 0-100`` (default: the model with the keywords)."""
    if score is None:
        def score(sample):
            logit = model.target_logit(document_of(sample))
            return round(100 * model.calibrated(logit, keyword_points(matcher, sample)))
    figures = Figures()
    by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    by_industry: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    scored = []
    cpu = time.process_time()
    for sample in samples:
        fit = score(sample)
        scored.append((sample, fit))
    figures.cpu_ms_per_page = 1000 * (time.process_time() - cpu) / max(len(samples), 1)
    for sample, fit in scored:
        predicted = fit >= 50
        figures.n += 1
        row = by_language[sample.language]
        row[1] += 1
        if predicted == sample.is_target:
            row[0] += 1
        if sample.is_target:
            by_industry[sample.label][1] += 1
            if predicted:
                figures.tp += 1
                row[2] += 1
                by_industry[sample.label][0] += 1
            else:
                figures.fn += 1
                row[4] += 1
                figures.misses.append((sample.key, sample.language, sample.label, fit))
        elif predicted:
            figures.fp += 1
            row[3] += 1
            figures.misses.append((sample.key, sample.language, sample.label, fit))
        else:
            figures.tn += 1
    figures.by_language = dict(sorted(by_language.items()))
    figures.by_industry = dict(sorted(by_industry.items()))
    for low in range(0, 100, 20):
        inside = [(s, f) for s, f in scored if low <= f < low + 20 or (low == 80 and f == 100)]
        if inside:
            figures.buckets.append((low, low + 20, len(inside),
                                    sum(s.is_target for s, _ in inside),
                                    sum(f for _, f in inside) / len(inside)))
    return figures


def reliability_table(figures: Figures) -> str:
    lines = ["fit      pages  targets  share  mean fit"]
    for low, high, n, targets, mean in figures.buckets:
        lines.append(f"{low:>3}-{high - 1:<3} {n:7} {targets:8} {targets / n:6.2f} "
                     f"{mean / 100:9.2f}")
    return "\n".join(lines)


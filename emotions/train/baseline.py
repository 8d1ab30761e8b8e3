"""A TF-IDF + logistic-regression baseline: what the transformer buys over word counts."""

from __future__ import annotations

import logging

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline

from .data import Split

logger = logging.getLogger(__name__)


def fit_baseline(train: Split, seed: int = 42):
    """Word 1-2-grams, sublinear TF-IDF, then balanced logistic regression: one per label
    (multi-label data) or one multinomial over the labels (single-label data)."""
    lr = LogisticRegression(C=4.0, max_iter=1000, class_weight="balanced", random_state=seed)
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=200_000),
        OneVsRestClassifier(lr, n_jobs=1) if train.multi_label else lr,
    )
    model.fit(train.texts, train.targets.astype(int) if train.multi_label else train.classes)
    model.n_labels = len(train.labels)
    logger.info("Fitted the TF-IDF + logistic-regression baseline on %d texts", len(train))
    return model


def baseline_proba(model, texts: list[str]) -> np.ndarray:
    """Probabilities ``[n, n_labels]`` (a label absent from training gets 0 from a multinomial model)."""
    probs = np.asarray(model.predict_proba(texts), dtype=np.float32)
    last = model[-1]
    if isinstance(last, LogisticRegression) and probs.shape[1] != getattr(model, "n_labels", probs.shape[1]):
        full = np.zeros((len(probs), model.n_labels), dtype=np.float32)
        full[:, last.classes_] = probs
        return full
    return probs

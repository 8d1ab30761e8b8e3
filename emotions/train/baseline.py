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
    """Word 1-2-grams, sublinear TF-IDF, one balanced logistic regression per label."""
    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=200_000),
        OneVsRestClassifier(
            LogisticRegression(C=4.0, max_iter=1000, class_weight="balanced", random_state=seed),
            n_jobs=1,
        ),
    )
    model.fit(train.texts, train.targets.astype(int))
    logger.info("Fitted the TF-IDF + logistic-regression baseline on %d texts", len(train))
    return model


def baseline_proba(model, texts: list[str]) -> np.ndarray:
    return np.asarray(model.predict_proba(texts), dtype=np.float32)

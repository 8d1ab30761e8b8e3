"""The report's two charts (matplotlib, written as PNG): F1 per label and a confusion matrix."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_f1_per_emotion(
    rows: list[dict],
    path: Path,
    title: str = "F1 per emotion, GoEmotions test split",
    xlabel: str = "test F1 (per-class thresholds calibrated on dev)",
) -> None:
    """Horizontal bars of test F1 per emotion, best on top, support in the label."""
    rows = sorted(rows, key=lambda r: r["f1"])
    fig, ax = plt.subplots(figsize=(7, max(3.0, 9 * len(rows) / 28)))
    ax.barh([f"{r['label']} (n={r['support']})" for r in rows], [r["f1"] for r in rows], color="#4c72b0")
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, 1)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_confusion(
    groups: list[str],
    true: np.ndarray,
    pred: np.ndarray,
    path: Path,
    title: str | None = None,
    xlabel: str = "predicted (strongest Ekman group)",
) -> None:
    """Row-normalised confusion matrix (argmax prediction); by default over the Ekman groups."""
    title = title or f"Ekman roll-up, {len(true)} single-label test texts"
    k = len(groups)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (true, pred), 1)
    share = counts / np.maximum(counts.sum(1, keepdims=True), 1)
    side = max(1.0, k / 7)  # 7 Ekman groups: the GoEmotions report's size
    fig, ax = plt.subplots(figsize=(6.5 * side, 5.5 * side))
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(k):
        for j in range(k):
            color = "white" if share[i, j] > 0.5 else "black"
            ax.text(
                j,
                i,
                f"{share[i, j]:.2f}\n({counts[i, j]})",
                ha="center",
                va="center",
                fontsize=7,
                color=color,
            )
    ax.set_xticks(range(k), groups, rotation=45, ha="right")
    ax.set_yticks(range(k), groups)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


plot_ekman_confusion = plot_confusion  # the GoEmotions report's name for it

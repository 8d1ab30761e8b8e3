"""Read one split of a ``datasets`` id (``--dataset-id``) as a :class:`~emotions.train.targets.Split`.

The ``datasets`` library is imported only here, and only when such an id is given. Labels come
from a label column (class ids named by its ``ClassLabel`` feature, or names) or from one 0/1
column per label; a column holding a sequence of labels per row makes the data multi-label.
"""

from __future__ import annotations

import numpy as np

from .targets import Columns, Split, align, check_labels, check_single, flag, label_names, names_to_split

HUB_DATASET = "google-research-datasets/go_emotions"
HUB_CONFIG = "simplified"  # the config GoEmotions' id gets when none is given


def load_hub(columns: Columns, dataset_id: str, config: str | None, name: str, labels, multi_label) -> Split:
    """The split ``name`` of ``dataset_id`` (its ``config``), targets over ``labels``."""
    try:
        import datasets  # optional: only needed for this source
    except ImportError:
        raise ValueError(
            f"--dataset-id {dataset_id} needs the `datasets` library: pip install datasets "
            "(or use --data-dir or --train-file)."
        ) from None
    config = config or (HUB_CONFIG if dataset_id == HUB_DATASET else None)
    ds = datasets.load_dataset(dataset_id, config, split=name)
    source = f"{dataset_id} ({config or 'default'}, {name})"
    found = list(ds.column_names)
    label_column = columns.label
    if (
        not columns.label_columns
        and label_column not in found
        and label_column == "label"
        and "labels" in found
    ):
        label_column = "labels"  # GoEmotions' (and many multi-label datasets') name
    needed = [columns.text, *(columns.label_columns or [label_column])]
    missing = [c for c in needed if c not in found]
    if missing:
        raise ValueError(
            f"{source}: no column {missing[0]!r} (found {found}). Name it with --text-column/--label-column."
        )
    texts = [str(t) for t in ds[columns.text]]
    if columns.label_columns:
        cols = tuple(columns.label_columns)
        flags = [[flag(v, c, f"{source} row {i + 1}") for i, v in enumerate(ds[c])] for c in cols]
        targets = np.array(flags, dtype=np.float32).T
        return check_single(align(Split(texts, targets, cols, True), labels, source), multi_label, source)
    feature = ds.features[label_column]
    inner = getattr(feature, "feature", None)  # Sequence(ClassLabel) / list of ClassLabel
    if inner is None and isinstance(feature, list) and feature:
        inner = feature[0]
    class_names = getattr(inner if inner is not None else feature, "names", None)
    values = ds[label_column]

    def names_of(value) -> list[str]:
        items = value if isinstance(value, list) else [value]
        out = []
        for v in items:
            if class_names and isinstance(v, (int, np.integer)) and not isinstance(v, bool):
                if not 0 <= v < len(class_names):
                    raise ValueError(
                        f"{source}: label id {v} is out of range 0..{len(class_names) - 1} ({class_names})."
                    )
                out.append(class_names[v])
            else:
                out.extend(label_names(v))
        return out

    rows = [names_of(v) for v in values]
    if labels is None and class_names:
        labels = check_labels(class_names, source)
    if multi_label is None and inner is not None:
        multi_label = True  # a sequence of labels per row
    return names_to_split(
        texts, rows, [f"{source} row {i + 1}" for i in range(len(rows))], labels, multi_label, source
    )

"""The mean-pooling head's loss follows ``config.problem_type``: cross-entropy for single-label
models, binary cross-entropy otherwise, checked against torch's own functions."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from emotions.model.modeling import MeanPoolBertConfig, MeanPoolBertForSequenceClassification

N_LABELS = 3


def tiny_model(problem_type: str | None) -> MeanPoolBertForSequenceClassification:
    torch.manual_seed(0)
    config = MeanPoolBertConfig(
        vocab_size=20, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=16, num_labels=N_LABELS, problem_type=problem_type,
    )  # fmt: skip
    return MeanPoolBertForSequenceClassification(config).eval()  # eval: no dropout, same logits


def forward(model, labels=None):
    input_ids = torch.tensor([[2, 5, 6, 3], [2, 7, 3, 0], [2, 9, 10, 3], [2, 11, 3, 0]])
    attention_mask = (input_ids != 0).long()
    with torch.no_grad():
        return model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)


CLASSES = torch.tensor([0, 2, 1, 2])


@pytest.mark.parametrize(
    "labels",
    [CLASSES, F.one_hot(CLASSES, N_LABELS).float(), F.one_hot(CLASSES, N_LABELS)],
    ids=["class-ids", "one-hot-float", "one-hot-int"],
)
def test_a_single_label_model_uses_cross_entropy(labels):
    model = tiny_model("single_label_classification")
    out = forward(model, labels)
    expected = F.cross_entropy(out.logits, CLASSES)
    assert torch.allclose(out.loss, expected)
    assert not torch.allclose(
        out.loss, F.binary_cross_entropy_with_logits(out.logits, F.one_hot(CLASSES, N_LABELS).float())
    )


def test_a_single_label_model_takes_the_strongest_of_soft_labels():
    model = tiny_model("single_label_classification")
    soft = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.0, 0.4, 0.6]])
    out = forward(model, soft)
    assert torch.allclose(out.loss, F.cross_entropy(out.logits, CLASSES))


@pytest.mark.parametrize("problem_type", ["multi_label_classification", None])
def test_a_multi_label_model_uses_binary_cross_entropy(problem_type):
    model = tiny_model(problem_type)
    targets = torch.tensor([[1, 0, 1], [0, 0, 1], [0, 1, 0], [1, 1, 0]])
    out = forward(model, targets)
    assert torch.allclose(out.loss, F.binary_cross_entropy_with_logits(out.logits, targets.float()))


def test_no_labels_no_loss():
    out = forward(tiny_model("single_label_classification"))
    assert out.loss is None and out.logits.shape == (4, N_LABELS)

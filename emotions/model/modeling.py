"""A BERT encoder with mean pooling and a linear classification head (multi- or single-label).

all-MiniLM-L6-v2 was trained with mean pooling, so its [CLS] vector starts out
meaningless: the stock CLS-pooled ``BertForSequenceClassification`` learns slowly from
it (see the head comparison in docs/model.md). This class is the stock one with the pooling
swapped. Importing ``emotions.model.modeling`` registers it with the Auto classes, so
``AutoModelForSequenceClassification.from_pretrained("model/")`` works as usual
(``EmotionClassifier.from_pretrained`` imports it when it loads the torch model).
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import AutoModelForSequenceClassification, BertModel, BertPreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

from .configuration import MeanPoolBertConfig

__all__ = ["MeanPoolBertConfig", "MeanPoolBertForSequenceClassification"]


class MeanPoolBertForSequenceClassification(BertPreTrainedModel):
    config_class = MeanPoolBertConfig

    def __init__(self, config: MeanPoolBertConfig):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config, add_pooling_layer=False)
        dropout = config.classifier_dropout
        self.dropout = nn.Dropout(config.hidden_dropout_prob if dropout is None else dropout)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(
        self,
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        **kwargs,
    ) -> SequenceClassifierOutput:
        """Logits per label; with ``labels`` also the loss of the task ``config.problem_type`` names.

        ``single_label_classification``: cross-entropy over the class indices (``labels`` of shape
        ``[n]``, or the argmax of one-hot / probability rows of shape ``[n, num_labels]``); anything
        else: binary cross-entropy on 0/1 targets of shape ``[n, num_labels]``.
        """
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        hidden = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        logits = self.classifier(self.dropout(pooled))
        loss = None
        if labels is not None and self.config.problem_type == "single_label_classification":
            classes = labels.argmax(-1) if labels.shape == logits.shape else labels
            loss = nn.functional.cross_entropy(logits, classes.long())
        elif labels is not None:
            loss = nn.functional.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype))
        return SequenceClassifierOutput(loss=loss, logits=logits)


AutoModelForSequenceClassification.register(
    MeanPoolBertConfig, MeanPoolBertForSequenceClassification, exist_ok=True
)

"""The config of the mean-pooling head, registered with ``AutoConfig``.

Apart from :mod:`emotions.model.modeling` because the model class needs transformers' BERT
modelling code, about 2 s to import: the ONNX backends read only the config, so the app
on them starts without it.
"""

from __future__ import annotations

from transformers import AutoConfig, BertConfig


class MeanPoolBertConfig(BertConfig):
    """``BertConfig`` under its own ``model_type`` so the Auto classes find our head."""

    model_type = "bert_mean_pool"


AutoConfig.register(MeanPoolBertConfig.model_type, MeanPoolBertConfig, exist_ok=True)

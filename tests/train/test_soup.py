"""A model soup: the weighted average of checkpoints, saved as a checkpoint that loads."""

import re

import pytest
import torch
from helpers import make_tiny_checkpoint
from safetensors.torch import load_file

from emotions.cli import main
from emotions.model.inference import EmotionClassifier
from emotions.train.soup import SoupConfig


def test_the_soup_is_the_weighted_average_and_loads(tmp_path):
    a, b = make_tiny_checkpoint(tmp_path / "a", seed=0), make_tiny_checkpoint(tmp_path / "b", seed=1)
    out = tmp_path / "soup"
    args = ["average", "--models", str(a), str(b), "--weights", "1", "3", "--output-dir", str(out)]
    assert main(args) == 0
    sa, sb, soup = (load_file(p / "model.safetensors") for p in (a, b, out))
    assert soup.keys() == sa.keys()
    for k in soup:
        want = (0.25 * sa[k].double() + 0.75 * sb[k].double()).half()
        assert soup[k].dtype == torch.float16 and torch.equal(soup[k], want)
    probs = EmotionClassifier.from_pretrained(out).predict_proba(["so happy"])
    assert probs.shape == (1, 28)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(models=["a"]), "models=['a']: give two or more checkpoint folders"),
        (dict(models=["a", "b"], weights=[1.0]), "give one weight per model (2), or none"),
        (dict(models=["a", "b"], weights=[0.0, 0.0]), "must be >= 0 and not all 0"),
    ],
)
def test_bad_soups_are_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        SoupConfig(**kwargs)

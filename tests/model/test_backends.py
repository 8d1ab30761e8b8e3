"""Every inference backend against the torch reference (tiny model); the bench in smoke mode.

Tolerances, as absolute differences of probabilities from the torch reference:
``onnx`` (fp32): 1e-4 everywhere, and the same labels. ``onnx-int8``: mean 0.02 and max
0.35, and the same labels wherever the reference is more than 0.35 from its threshold.
int8 is loose here because this tiny random model (32 wide, head weights ~N(0, 2)) turns
small activation errors into large logit swings; on the real checkpoint
``python -m emotions bench`` reports each backend's test macro-F1 and label agreement.
"""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest
import torch
from helpers import make_tiny_checkpoint, tiny_tokenizer
from transformers import AutoConfig

from emotions.limits import MAX_LENGTH
from emotions.model import backends, onnxfiles
from emotions.model.backends import BACKENDS, length_batches, pad_batch, resolve_backend
from emotions.model.checkpoint import load_torch_model
from emotions.model.inference import MAX_BATCH_TOKENS, EmotionClassifier

TOLERANCE = {"torch": 0.0, "onnx": 1e-4, "onnx-int8": 0.35}  # max |p - p_torch|
MEAN_TOLERANCE = {"torch": 0.0, "onnx": 1e-5, "onnx-int8": 0.02}
SAMPLE = [
    "i love you so much thank you !",
    "why ? this is so bad",
    "wow",
    "no",
    "what a great and happy day , thanks",
    "i hate it . i hate it . i hate it . not good , not good at all",
    "zebra quantum ?",  # words outside the tiny vocabulary
    "sad " * 60,  # long: truncated to the model's limit
    "",
    "the the the",
]


@pytest.fixture(autouse=True)
def onnx_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv(onnxfiles.CACHE_ENV, str(tmp_path_factory.getbasetemp() / "onnx-cache"))
    monkeypatch.delenv(backends.BACKEND_ENV, raising=False)


def needs_onnx(backend: str) -> None:
    if backend.startswith("onnx"):
        pytest.importorskip("onnxruntime")
        pytest.importorskip("onnx")


@pytest.fixture(scope="module")
def reference(tiny_model_dir, tiny_thresholds):
    clf = EmotionClassifier.from_pretrained(tiny_model_dir, tiny_thresholds)
    return clf, clf.predict_proba(SAMPLE, batch_size=4)


def test_torch_matches_the_model_called_text_by_text(reference):
    clf, probs = reference
    with torch.inference_mode():
        for text, row in zip(SAMPLE, probs):
            enc = clf.tokenizer(text, truncation=True, max_length=128, return_tensors="pt")
            alone = torch.sigmoid(clf.model(**enc).logits)[0].numpy()
            np.testing.assert_allclose(row, alone, atol=1e-5)  # padding in a batch changes nothing


def test_encode_gives_the_tokenizers_ids(reference):
    clf, _ = reference
    texts = SAMPLE + ["happy " * 300, "caf\u00e9 \u2764\ufe0f\u200b <b>x</b> \U0001f600", " \t\n"]
    wrapper = clf.tokenizer(texts, truncation=True, max_length=MAX_LENGTH)["input_ids"]
    assert max(len(ids) for ids in wrapper) == MAX_LENGTH  # the long text is cut
    assert clf.encode(texts) == wrapper
    clf.encoder, fast = None, clf.encoder  # the fallback for tokenizers without a backend
    try:
        assert clf.encode(texts) == wrapper
    finally:
        clf.encoder = fast


def test_onnx_reads_tokenizer_json_as_transformers_does(reference, tiny_model_dir, tmp_path, monkeypatch):
    """On ONNX the classifier tokenises with the tokenizers library alone (no transformers):
    the same ids and padding id as transformers' tokenizer; that one still loads on demand."""
    needs_onnx("onnx")
    monkeypatch.setenv("EMOTIONS_ONNX_CACHE", str(tmp_path))
    ref, _ = reference
    EmotionClassifier.from_pretrained(tiny_model_dir, backend="onnx")  # exports (with torch)
    clf = EmotionClassifier.from_pretrained(tiny_model_dir, backend="onnx")  # the file exists
    texts = SAMPLE + ["happy " * 300, "caf\u00e9 \u2764\ufe0f\u200b <b>x</b> \U0001f600", " \t\n", ""]
    assert clf._tokenizer is None and clf.encoder is not None
    assert clf.encode(texts) == ref.tokenizer(texts, truncation=True, max_length=MAX_LENGTH)["input_ids"]
    assert clf.pad_id == ref.tokenizer.pad_token_id
    assert clf.tokenizer.vocab_size == ref.tokenizer.vocab_size  # loaded now, from the folder


@pytest.mark.parametrize("backend", BACKENDS)
def test_backend_gives_the_reference_labels(backend, reference, tiny_model_dir, tiny_thresholds):
    needs_onnx(backend)
    ref_clf, ref = reference
    clf = EmotionClassifier.from_pretrained(tiny_model_dir, tiny_thresholds, backend=backend)
    assert clf.backend == backend
    for batch_size in (1, 3, 64):  # single texts, ragged batches, one padded batch
        probs = clf.predict_proba(SAMPLE, batch_size=batch_size)
        assert probs.shape == ref.shape and probs.dtype == np.float32
        np.testing.assert_allclose(probs, ref, atol=TOLERANCE[backend] + 1e-6)
        assert np.abs(probs - ref).mean() <= MEAN_TOLERANCE[backend] + 1e-6
    # a label the tolerance cannot flip: the reference is further than it from the threshold
    clear = np.abs(ref - ref_clf.threshold_array) > TOLERANCE[backend]
    assert clear.mean() > 0.5  # most labels are compared, even for int8
    ours = [set(p.labels) for p in clf.predict(SAMPLE)]
    theirs = [set(p.labels) for p in ref_clf.predict(SAMPLE)]
    for row, mine, reference_labels in zip(clear, ours, theirs):
        sure = {name for name, is_clear in zip(ref_clf.labels, row) if is_clear}
        assert mine & sure == reference_labels & sure
    if backend != "onnx-int8":
        assert ours == theirs


def test_backend_from_the_environment(monkeypatch, tiny_model_dir):
    needs_onnx("onnx")
    monkeypatch.setenv(backends.BACKEND_ENV, "onnx")
    assert EmotionClassifier.from_pretrained(tiny_model_dir).backend == "onnx"
    monkeypatch.setenv(backends.BACKEND_ENV, "tensorflow")
    with pytest.raises(ValueError, match="Unknown backend 'tensorflow'"):
        EmotionClassifier.from_pretrained(tiny_model_dir)


def test_resolve_backend_names():
    assert resolve_backend(None) == "torch"
    assert resolve_backend(" ONNX-int8 ") == "onnx-int8"
    with pytest.raises(ValueError, match="choose one of torch, onnx, onnx-int8"):
        resolve_backend("gpu")


def test_pad_batch():
    ids, mask = pad_batch([[5, 6, 7], [8]], pad_id=0)
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0]] and mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    assert ids.dtype == mask.dtype == np.int64


def test_length_batches_cap_texts_and_padded_tokens():
    lengths = [128] + [10] * 60 + [40] * 20 + [3]
    groups = length_batches(lengths, batch_size=16, max_tokens=512)
    flat = np.concatenate(groups).tolist()
    assert sorted(flat) == list(range(len(lengths)))  # every text once
    assert [lengths[i] for i in flat] == sorted(lengths)  # shortest first
    for g in groups:
        assert len(g) <= 16
        assert len(g) == 1 or len(g) * max(lengths[i] for i in g) <= 512
    assert groups[-1].tolist() == [0]  # the long text is padded with nothing else
    assert length_batches([], 8, 512) == []


def test_grouping_by_length_keeps_input_order(tmp_path):
    clf = EmotionClassifier.from_pretrained(make_tiny_checkpoint(tmp_path / "m"))
    texts = ["word " * n for n in (90, 1, 30, 2, 60)] + SAMPLE
    one_by_one = np.concatenate([clf.predict_proba([t]) for t in texts])
    np.testing.assert_allclose(clf.predict_proba(texts, batch_size=3), one_by_one, atol=1e-5)


class RowSum:
    """A runner that answers each row with its ids' sum and its own name, and counts calls."""

    def __init__(self, name: str, made: list):
        self.name, self.calls = name, 0
        made.append(self)

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        assert ids.shape[0] == 1 and mask.all()  # one row, its padding cut off
        self.calls += 1
        return np.array([[ids.sum(), ord(self.name[-1])]], dtype=np.float32)


def test_per_text_shares_rows_among_its_copies_and_keeps_their_order():
    made: list[RowSum] = []
    runner = backends.PerText(RowSum("main", made), lambda: RowSum(f"copy{len(made)}", made), workers=2)
    assert len(made) == 1  # the copies are made on the first batch, not before
    ids, mask = pad_batch([[1] * n for n in range(1, 8)])
    out = runner(ids, mask)
    assert out[:, 0].tolist() == list(range(1, 8))  # each row's own answer, in input order
    assert {chr(int(c)) for c in out[:, 1]} == {"1", "2"}  # both copies took rows
    assert made[0].calls == 0
    runner(*pad_batch([[4], [5, 6]]))
    assert len(made) == 3  # made once
    assert runner(*pad_batch([[3, 3]]))[0].tolist() == [6, ord("n")]  # one text: the main runner
    serial = backends.PerText(RowSum("solo", []))
    np.testing.assert_array_equal(serial(ids, mask)[:, 0], out[:, 0])


def test_the_int8_runner_makes_a_copy_per_core_up_to_a_cap(tiny_model_dir):
    needs_onnx("onnx-int8")
    path = EmotionClassifier.from_pretrained(tiny_model_dir, backend="onnx-int8").runner.path
    assert backends.per_text(path, threads=2).workers == 2
    assert backends.per_text(path, threads=1).workers == 1  # one core: rows run one after another
    assert backends.per_text(path, threads=64).workers == backends.MAX_COPIES  # memory: 8 copies at most


def test_texts_that_run_unpadded_come_in_one_call_and_padded_ones_in_capped_batches(tiny_model_dir):
    clf = EmotionClassifier.from_pretrained(tiny_model_dir)
    calls: list[tuple[int, int]] = []

    class Spy:
        def __init__(self, pads: bool):
            self.pads = pads

        def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
            calls.append(ids.shape)
            return np.zeros((len(ids), len(clf.labels)), dtype=np.float32)

    texts = ["word " * (n % 40) for n in range(300)]
    clf.runner = Spy(pads=False)
    clf.predict_proba(texts)
    assert [n for n, _ in calls] == [300]  # one call: its runner shares the texts out among the cores
    calls.clear()
    clf.runner = Spy(pads=True)
    clf.predict_proba(texts)
    assert len(calls) > 1 and all(n * width <= MAX_BATCH_TOKENS or n == 1 for n, width in calls)


def test_onnx_export_is_cached_per_checkpoint(tmp_path, monkeypatch):
    needs_onnx("onnx")
    monkeypatch.setenv(onnxfiles.CACHE_ENV, str(tmp_path / "cache"))
    first = make_tiny_checkpoint(tmp_path / "a", seed=1)
    clf = EmotionClassifier.from_pretrained(first, backend="onnx")
    path = clf.runner.path
    assert path.parent == tmp_path / "cache"
    assert not clf.model.training  # exporting left the torch model in eval mode (no dropout)
    torch_clf = EmotionClassifier(clf.model, clf.tokenizer)
    np.testing.assert_allclose(torch_clf.predict_proba(SAMPLE), clf.predict_proba(SAMPLE), atol=1e-4)
    exports = []
    monkeypatch.setattr(onnxfiles, "export_onnx", lambda *a: exports.append(a))
    again = EmotionClassifier.from_pretrained(first, backend="onnx")
    assert again.runner.path == path and exports == []  # the second load reuses the file
    assert again._model is None  # ...and leaves the torch weights on disk until asked for
    np.testing.assert_allclose(again.predict_proba(SAMPLE), torch_clf.predict_proba(SAMPLE), atol=1e-4)
    assert again.model.config.num_labels == 28 and not again.model.training  # loaded on demand
    shipped = first / "onnx" / path.name  # a file shipped with the checkpoint comes first
    shipped.parent.mkdir()
    shipped.write_bytes(path.read_bytes())
    assert EmotionClassifier.from_pretrained(first, backend="onnx").runner.path == shipped
    second = make_tiny_checkpoint(tmp_path / "b", seed=2)  # other weights: another file
    assert onnxfiles.weights_key(second) != onnxfiles.weights_key(first)


def test_exports_shipped_beside_the_weights_are_used(tmp_path, monkeypatch):
    needs_onnx("onnx")
    folder = make_tiny_checkpoint(tmp_path / "model", seed=3)
    fp32, int8 = onnxfiles.export_beside(folder)
    assert fp32.parent == int8.parent == folder / "onnx"
    monkeypatch.setattr(onnxfiles, "export_onnx", None)  # nothing may be exported now
    assert EmotionClassifier.from_pretrained(folder, backend="onnx-int8").runner.path == int8


def test_int8_fuses_the_attention_and_quantises_every_matmul(tmp_path):
    """The int8 recipe: each layer's attention one fused op, every weight MatMul in int8."""
    needs_onnx("onnx")
    import onnx

    folder = make_tiny_checkpoint(tmp_path / "model", seed=4)
    _, int8 = onnxfiles.export_beside(folder)
    layers = AutoConfig.from_pretrained(folder).num_hidden_layers
    ops = [n.op_type for n in onnx.load(str(int8)).graph.node]
    # each layer's attention is one fused op, quantised (Q, K, V in one int8 GEMM); also
    # quantised: the attention output, the FFN input and output (+ the head where it is a MatMul)
    assert ops.count("QAttention") == layers and "Attention" not in ops
    assert ops.count("MatMulInteger") >= 3 * layers
    assert "MatMul" not in ops  # no float MatMul left


def test_onnx_backends_need_onnxruntime(monkeypatch, tiny_model_dir):
    import importlib.util

    real_find_spec = importlib.util.find_spec  # not installed: found by nobody

    def no_ort(name, *args, **kwargs):
        return None if name.startswith("onnxruntime") else real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", no_ort)
    with pytest.raises(ValueError, match="needs onnxruntime"):
        EmotionClassifier.from_pretrained(tiny_model_dir, backend="onnx-int8")


def test_finding_onnx_does_not_import_it():
    """The app asks whether ONNX is installed at every start; importing onnx costs seconds."""
    import subprocess
    import sys

    code = "import sys; from emotions.model.backends import onnx_available; print(onnx_available(), 'onnx' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[1] == "False", out


def test_bench_smoke(tmp_path, tiny_model_dir, tiny_thresholds, goemotions_dir, capsys):
    """End to end on the tiny model: a few texts, no peer, no app; valid JSON, no timing asserts."""
    from emotions.cli import main

    out = tmp_path / "bench.json"
    wanted = [b for b in BACKENDS if b == "torch" or _has_onnx()]
    args = ["bench", "--model-dir", str(tiny_model_dir), "--thresholds", str(tiny_thresholds)]
    args += ["--data-dir", str(goemotions_dir), "--backends", *wanted, "--n-single", "5"]
    args += ["--n-batch", "40", "--batch-size", "16", "--threads", "1", "--no-peer", "--no-app"]
    assert main([*args, "--output", str(out)]) == 0
    report = json.loads(out.read_text())
    assert set(report) >= {"config", "machine", "backends", "table", "command"}
    assert list(report["backends"]) == wanted
    for name, result in report["backends"].items():
        assert set(result["single"]) == {"p50_ms", "p95_ms", "mean_ms", "n"}
        assert result["single"]["n"] == 5 and result["batch_texts_per_s"] > 0
        if name != "torch":  # compared with the torch reference on the same texts
            assert result["max_abs_prob_diff"] <= TOLERANCE[name] + 1e-6
            if name == "onnx":
                assert result["test_macro_f1"] == pytest.approx(report["backends"]["torch"]["test_macro_f1"])
                assert result["texts_with_same_labels"] == 1.0  # the share of texts labelled alike
    assert report["machine"]["matmul_gflops"] > 0 and report["machine"]["matmul_gflops_end"] > 0
    printed = capsys.readouterr().out
    assert "| predictor p50, one text (ms) |" in printed and "GFLOP/s at the start" in printed


def test_bench_rejects_bad_settings(tiny_model_dir):
    from emotions.tools.bench import BenchConfig

    with pytest.raises(ValueError, match="n_single"):
        BenchConfig(model_dir=str(tiny_model_dir), n_single=0)
    with pytest.raises(ValueError, match="Unknown backend"):
        BenchConfig(model_dir=str(tiny_model_dir), backends=["torch", "tpu"])
    assert BenchConfig(model_dir=str(tiny_model_dir), backends=["onnx"]).backends == ["torch", "onnx"]


def _has_onnx() -> bool:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def test_a_corrupt_onnx_file_is_exported_again_or_named(tmp_path, monkeypatch, caplog):
    """A truncated cached export is replaced; a broken shipped one is a clear error."""
    needs_onnx("onnx")
    monkeypatch.setenv(onnxfiles.CACHE_ENV, str(tmp_path / "cache"))
    folder = make_tiny_checkpoint(tmp_path / "model", seed=5)
    cached = EmotionClassifier.from_pretrained(folder, backend="onnx-int8").runner.path
    cached.write_bytes(cached.read_bytes()[:1000])  # an interrupted copy, say
    with caplog.at_level("WARNING", logger="emotions.model.backends"):
        again = EmotionClassifier.from_pretrained(folder, backend="onnx-int8")
    assert again.runner.path == cached and "does not load" in caplog.text
    assert again.predict_proba(SAMPLE).shape == (len(SAMPLE), 28)
    shipped = folder / "onnx" / cached.name
    shipped.parent.mkdir()
    shipped.write_bytes(b"not a model")
    with pytest.raises(ValueError, match=r"does not load in ONNX Runtime .*EMOTIONS_BACKEND=torch"):
        EmotionClassifier.from_pretrained(folder, backend="onnx-int8")


def test_onnxfiles_command_writes_the_int8_file_beside_the_weights(tmp_path):
    needs_onnx("onnx")
    import subprocess
    import sys

    folder = make_tiny_checkpoint(tmp_path / "model", seed=6)
    cmd = [sys.executable, "-m", "emotions.model.onnxfiles", str(folder), "--int8-only"]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    key = onnxfiles.weights_key(folder)
    assert sorted(p.name for p in (folder / "onnx").iterdir()) == [f"model-{key}-{onnxfiles.INT8_NAME}.onnx"]


def test_a_failed_int8_export_leaves_no_files_behind(tmp_path, monkeypatch):
    needs_onnx("onnx-int8")
    monkeypatch.setenv(onnxfiles.CACHE_ENV, str(tmp_path / "cache"))
    folder = make_tiny_checkpoint(tmp_path / "model", seed=6)

    def broken(path, config):  # after the export wrote its file
        raise RuntimeError("fusion failed")

    monkeypatch.setattr(onnxfiles, "fuse_attention", broken)
    with pytest.raises(onnxfiles.ExportError, match="does not export to ONNX .*fusion failed"):
        onnxfiles.onnx_file(folder, True, lambda: load_torch_model(folder))
    assert list((tmp_path / "cache").iterdir()) == []  # no fused temporary, no half-written file


def test_a_model_the_onnx_path_cannot_take_falls_back_to_torch(tmp_path, monkeypatch, caplog):
    needs_onnx("onnx-int8")
    monkeypatch.setenv(onnxfiles.CACHE_ENV, str(tmp_path / "cache"))
    folder = make_tiny_checkpoint(tmp_path / "model", seed=7)
    monkeypatch.setattr(
        onnxfiles, "export_onnx", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("no op"))
    )
    with caplog.at_level(logging.WARNING):
        clf = EmotionClassifier.from_pretrained(folder, backend="onnx")
    assert clf.backend == "torch" and "The onnx backend cannot run this model" in caplog.text
    assert clf.predict_proba(["thank you"]).shape == (1, len(clf.labels))


def test_a_config_without_usable_label_ids_is_named(tmp_path):
    import json

    from emotions.model.checkpoint import read_config

    (tmp_path / "config.json").write_text(json.dumps({"id2label": {"zero": "joy"}}))
    with pytest.raises(ValueError, match=r"config.json: id2label must map label ids to names"):
        read_config(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"id2label": {"1": "joy", "0": "anger"}}))
    config = read_config(tmp_path)
    assert config.id2label == {0: "anger", 1: "joy"} and config.num_labels == 2


def test_tokenizer_json_is_read_without_transformers(tiny_model_dir, tmp_path):
    """The ONNX path's tokenizer: its padding token from either settings file; a tokenizer.json
    that is JSON but no tokenizer is named with the fix."""
    import json
    import shutil

    from emotions.model.checkpoint import load_encoder

    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir, folder)
    encoder, pad = load_encoder(folder)
    assert pad == encoder.token_to_id("[PAD]")
    settings = json.loads((folder / "tokenizer_config.json").read_text())
    settings.pop("pad_token", None)
    (folder / "tokenizer_config.json").write_text(json.dumps(settings))
    (folder / "special_tokens_map.json").write_text(json.dumps({"pad_token": {"content": "[UNK]"}}))
    assert load_encoder(folder)[1] == encoder.token_to_id("[UNK]")
    (folder / "tokenizer.json").write_text(json.dumps({"not": "a tokenizer"}))
    with pytest.raises(
        ValueError, match=r"Could not load the tokenizer in .*tokenizer.json / vocab.txt; restore them"
    ):
        load_encoder(folder)


def test_the_peer_has_a_row_for_every_token_our_tokenizer_makes(tmp_path):
    """The bench's peer borrows our tokenizer; the served model's emoji are added tokens past its
    word pieces, so a peer sized by ``vocab_size`` alone crashed on the first text with an emoji."""
    from emotions.tools.benchtools import peer_config

    tokenizer = tiny_tokenizer(tmp_path)
    tokenizer.add_tokens(["😂", "😭"])
    ids = tokenizer("so sad 😭 😂")["input_ids"]
    assert max(ids) >= tokenizer.vocab_size  # the emoji are added tokens
    assert peer_config(tokenizer).vocab_size > max(ids)

"""Where the time of reading a 5,000-character text by sentence goes (docs/benchmarks.md).

    python scripts/profile_document.py [--model-dir model] [--repeats 10]

The document is the one ``python -m emotions bench`` times (GoEmotions test texts joined).
Prints, on the onnx-int8 backend: the steps of ``read_document`` (split, language, tokenise,
model), ONNX Runtime's time per operator, the model's cost per token for batches of different
shapes (does packing sentences into fewer, longer rows help?), one thread against two, fp32
against int8 (and torch's own int8), and what ``/predict_sentences`` adds to the reading. Medians of ``--repeats`` calls; the machine's fp32 matmul GFLOP/s is printed
at the start and the end, so a run on a slow VM can be scaled.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from emotions.model.backends import OnnxRunner, TorchRunner, length_batches, pad_batch  # noqa: E402
from emotions.model.hub import find_thresholds  # noqa: E402
from emotions.model.inference import BATCH_SIZE, MAX_BATCH_TOKENS, EmotionClassifier  # noqa: E402
from emotions.model.reading import read_document, split_document  # noqa: E402
from emotions.model.readingviews import as_result, at_thresholds  # noqa: E402
from emotions.model.views import ThresholdSettings  # noqa: E402
from emotions.serve.served import load_served  # noqa: E402
from emotions.text.language import detect_language  # noqa: E402
from emotions.tools import benchtools as bt  # noqa: E402
from emotions.train.data import load_split  # noqa: E402


def median_ms(fn, repeats: int) -> float:
    """p50 of ``repeats`` calls of ``fn()``, after one warm-up call."""
    return bt.latency_ms(lambda _: fn(), [""] * repeats, warmup=1)["p50_ms"]


def operator_profile(path: Path, batches: list, repeats: int) -> list[tuple[str, float]]:
    """ONNX Runtime's own profile: ms per document spent in each operator type."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = 2, 1
    options.enable_profiling = True
    options.profile_file_prefix = str(Path(tempfile.mkdtemp()) / "ort")
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    for _ in range(repeats):
        for ids, mask in batches:
            session.run(["logits"], {"input_ids": ids, "attention_mask": mask})
    events = json.loads(Path(session.end_profiling()).read_text())
    total = collections.Counter()
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            total[e["args"]["op_name"]] += e["dur"] / 1000 / repeats
    return total.most_common(6)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", default="model")
    parser.add_argument(
        "--data-dir", default=None, help="GoEmotions folder (default: ../shared/data/goemotions)"
    )
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    n = args.repeats
    print(f"fp32 matmul: {bt.matmul_gflops():.0f} GFLOP/s")
    doc = bt.document(load_split("test", args.data_dir).texts)
    thresholds = find_thresholds(args.model_dir)
    clf = EmotionClassifier.from_pretrained(args.model_dir, thresholds, backend="onnx-int8")
    pieces, _ = split_document(doc)
    texts = [doc[p.start : p.end] for p in pieces] + [doc]
    enc = clf.encode(texts)
    groups = length_batches([len(e) for e in enc], BATCH_SIZE, MAX_BATCH_TOKENS)
    batches = [pad_batch([enc[i] for i in g], clf.pad_id) for g in groups]
    real, padded = sum(map(len, enc)), sum(ids.size for ids, _ in batches)
    print(f"\n{len(pieces)} sentences + the whole text: {real:,} word pieces, {padded:,} padded\n")

    print("| step | ms |\n|---|---|")
    steps = {
        "read_document (all of it)": lambda: read_document(clf, doc),
        "split into sentences": lambda: split_document(doc),
        "language": lambda: detect_language(doc),
        "tokenise": lambda: clf.encode(texts),
        "model (predict_proba)": lambda: clf.predict_proba(texts),
    }
    for name, fn in steps.items():
        print(f"| {name} | {median_ms(fn, n):.1f} |")

    print("\n| ONNX Runtime operator | ms per document |\n|---|---|")
    for op, ms in operator_profile(clf.runner.path, batches, n):
        print(f"| {op} | {ms:.1f} |")

    print("\n| batch shape (rows x tokens, no padding) | ms | us per token |\n|---|---|---|")
    rng = np.random.default_rng(0)
    longest = json.loads((Path(args.model_dir) / "config.json").read_text())["max_position_embeddings"]
    for rows, width in [(r, w) for r, w in [(32, 8), (16, 16), (4, 64), (2, 128), (1, 256)] if w <= longest]:
        ids = rng.integers(5, clf.tokenizer.vocab_size, (rows, width), dtype=np.int64)
        ms = median_ms(lambda ids=ids: clf.runner(ids, np.ones_like(ids)), 3 * n)
        print(f"| {rows} x {width} | {ms:.1f} | {1000 * ms / ids.size:.0f} |")

    print("\n| runner on the document's batches | ms |\n|---|---|")
    fp32 = EmotionClassifier.from_pretrained(args.model_dir, thresholds, backend="onnx").runner.path
    for name, runner in [
        ("int8, 2 threads", OnnxRunner(clf.runner.path, threads=2)),
        ("int8, 1 thread", OnnxRunner(clf.runner.path, threads=1)),
        ("fp32, 2 threads", OnnxRunner(fp32, threads=2)),
    ]:
        print(f"| {name} | {median_ms(lambda r=runner: [r(*b) for b in batches], n):.1f} |")
    torch_fp32 = EmotionClassifier.from_pretrained(args.model_dir, thresholds, backend="torch").runner
    torch_int8 = TorchRunner(torch.ao.quantization.quantize_dynamic(torch_fp32.model, {torch.nn.Linear}))
    for name, runner in [("torch fp32", torch_fp32), ("torch dynamic int8 (torch.ao)", torch_int8)]:
        print(f"| {name} | {median_ms(lambda r=runner: [r(*b) for b in batches], n):.1f} |")

    served = load_served(args.model_dir, thresholds)
    reading = read_document(served.classifier, doc)
    settings = ThresholdSettings("calibrated", 0.5, 0.0)

    def answer() -> dict:
        return as_result(
            reading, at_thresholds(reading, served.calibration, settings, "emotions"), "emotions"
        )

    kb = len(json.dumps(answer())) / 1000
    print(f"\n/predict_sentences beyond the reading: thresholds + its {kb:.0f} KB answer, "
          f"{median_ms(lambda: json.dumps(answer()), n):.1f} ms")  # fmt: skip
    print(f"\nfp32 matmul: {bt.matmul_gflops():.0f} GFLOP/s")


if __name__ == "__main__":
    main()

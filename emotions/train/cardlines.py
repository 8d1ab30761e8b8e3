"""The sentences of GoEmotions' model card that describe the run (:mod:`emotions.train.card`).

Where the weights come from and the commands that made them, which of the project's two models
(served or faster student) this is, what the checkpoint reads (its ``text_preprocessing``) and
how to reproduce that with plain transformers, and what augmentation the training used.
"""

from __future__ import annotations

import json

from .cardfacts import HUB_BASE, teach_emoji_command

STUDENT_SUFFIX = "-student"  # the faster student's Hub id: the served model's, with this suffix


def origin_lines(train_cfg: dict, model_config: dict, emoji_record: dict | None = None) -> tuple[str, str]:
    """Where the weights come from (the card's first line) and the commands that made them."""
    base = f"[{HUB_BASE}](https://huggingface.co/{HUB_BASE})"
    distilled = train_cfg.get("distillation")
    if not distilled:
        return (
            f"{base} (6 layers, 384 wide, 22M parameters) fine-tuned on",
            "python -m emotions train --output-dir model" + teach_emoji_command(emoji_record),
        )
    layers, n = distilled["student_layers"], model_config["num_hidden_layers"]
    teachers = distilled.get("teachers") or ["model"]
    if len(teachers) == 1:
        by = f"the project's 6-layer model (itself {base} fine-tuned)"
        whose, first = "the teacher's", "the teacher's"
    else:
        by = f"the average of {len(teachers)} 6-layer models (the project's served model first; each {base} fine-tuned)"
        whose, first = "the teachers' averaged", "the first teacher's"
    start = first if distilled["student_init"] == "teacher" else f"{base}'s"
    origin = (
        f"A {n}-layer student ({start} layers {layers}, 384 wide) distilled from {by}, "
        f"on {whose} probabilities and the gold labels of"
    )
    command = "python -m emotions distill"
    if teachers != ["model"]:
        command += " --teachers " + " ".join(teachers)
    command += f" --num-layers {n} --output-dir {train_cfg['output_dir']}"
    return origin, command + teach_emoji_command(emoji_record)


def family_line(train_cfg: dict, repo_id: str) -> str:
    """Which of the project's two models this is, and when to pick the other (README: which to pick)."""
    guide = "the measurements are in the app's repository, `docs/training.md`"
    if train_cfg.get("distillation"):
        served = repo_id.removesuffix(STUDENT_SUFFIX)
        return (
            f"This is the project's **faster model**, a student of [{served}](https://huggingface.co/{served}) "
            f"(the model the demo serves) with half its layers: more texts a second, a little less "
            f"macro-F1 ({guide}). Pick it for bulk scoring on CPUs; pick the served model for the best answers."
        )
    student = repo_id + STUDENT_SUFFIX
    return (
        f"Its **faster student** (half the layers, distilled from this model: more texts a second, a "
        f"little less macro-F1; {guide}) is [{student}](https://huggingface.co/{student})."
    )


def reading_lines(declared: dict) -> tuple[str, str]:
    """What the checkpoint reads (its ``text_preprocessing``), and the line for plain transformers."""
    names, emoji, tokens = (
        declared.get("names") == "mask", declared.get("emoji") == "words", declared.get("emoji") == "tokens"
    )  # fmt: skip
    said = f'(`config.json`: `"text_preprocessing": {json.dumps(declared)}`)'
    reads = [
        "**people's first names as `[NAME]`**, the mask GoEmotions was annotated with, so a name swap "
        "cannot change the answer"
        if names
        else "",
        "**emoji as their English names**" if emoji else "",
        "**emoji as tokens of their own** (`python -m emotions teach-emoji`: one learned token per common "
        "emoji; every other weight as trained)"
        if tokens
        else "",
    ]
    reads = " and ".join(r for r in reads if r)
    first = f"It reads {reads} {said}." if reads else "It reads texts as they are."
    if not (emoji or tokens):
        first += " Its tokenizer reads every emoji as `[UNK]` (see Behaviour)."
    steps = []
    if emoji:
        steps.append(
            'read emoji as words: `text = emoji.replace_emoji(re.sub("[\\U0001F3FB-\\U0001F3FF\\uFE0F]", "", text), '
            'replace=lambda e, d: " " + d["en"].strip(":").replace("_", " ") + " ")` (the `emoji` package)'
        )
    if tokens:
        steps.append(
            'remove skin tones: `text = re.sub("[\\U0001F3FB-\\U0001F3FF\\uFE0F]", "", text)` (the tokenizer '
            "holds the emoji tokens)"
        )
    if names:
        steps.append(
            "mask first names with `emotions.text.namemask.mask_names` (Faker's first-name lists and a "
            'verb rule; "Jamal feels angry." -> "[NAME] feels angry.")'
        )
    plain = (
        f"With plain transformers, apply the same preprocessing first: {'; then '.join(steps)}."
        if steps
        else ""
    )
    return first, plain


def augmentation_line(train_cfg: dict) -> str:
    if (
        not train_cfg.get("emoji_examples")
        and not train_cfg.get("name_fill")
        and not train_cfg.get("typo_rate")
    ):
        return "No augmentation: dev and test as released, the training split as released."
    return (
        "Augmentation of the training split only (`emotions/train/augment.py`; dev and test as released): "
        f"a share of {train_cfg.get('name_fill', 0)} of the texts with `[NAME]` masks get real first names of "
        f"many origins and both genders; {train_cfg.get('emoji_examples', 0)} examples per emoji of a table of "
        "common emoji and the emotion each carries (`emotions/emoji_emotions.py`); one or two typos in "
        f"{train_cfg.get('typo_rate', 0):.0%} of the texts."
    )


def reproduce_lines(
    model_dir: str, thresholds_path: str, report_dir: str, repo_id: str, thresholds: dict
) -> str:
    """The calibrate, evaluate and card commands that wrote this card's numbers. Thresholds kept
    from the model a checkpoint was taught from (``calibrate --keep``) say so; the student's card
    leaves the project README's results (the served model's) as they are (``--readme ''``)."""
    kept = (thresholds.get("kept_from") or {}).get("thresholds")
    how = f"--keep {kept} " if kept else ""
    return "\n".join([
        f"python -m emotions calibrate --model-dir {model_dir} {how}--output {thresholds_path}",
        f"python -m emotions evaluate --model-dir {model_dir} --thresholds {thresholds_path} --output-dir {report_dir}",
        f"python -m emotions card --model-dir {model_dir} --thresholds {thresholds_path} --report-dir {report_dir}"
        + (f" --repo-id {repo_id} --readme ''" if repo_id.endswith(STUDENT_SUFFIX) else ""),
    ])  # fmt: skip

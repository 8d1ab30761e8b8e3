"""``python -m emotions sweep``: hyperparameter search with Optuna through
``Trainer.hyperparameter_search``, maximising dev macro-F1 at per-class thresholds chosen on dev.

The study lives in SQLite (``--storage``), so a sweep that stops resumes where it was: the
budget (``--trials``) counts the trials already finished, and a trial cut off mid-run is marked
failed and tried again. Poor trials are pruned after an epoch (Optuna's median rule). Every
trial trains on ``train``'s recipe with the search space's values (``--space``, a JSON file;
``--max-train-examples`` subsamples for a laptop), and the results go to a markdown and CSV
table beside the best values, a JSON file ``train --config`` reads back.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from transformers import AutoTokenizer, DataCollatorWithPadding, set_seed

from .data import DataArguments
from .fitting import RecipeTrainer, make_loss, training_arguments
from .metrics import make_compute_metrics
from .searchspace import DEFAULT_SPACE, load_space
from .training import TrainConfig, build_model, datasets, load_splits, resolve_loss

logger = logging.getLogger(__name__)
OBJECTIVE = "eval_calibrated_macro_f1"  # dev macro-F1 at each class's best dev threshold
TRAINER_KEYS = {"epochs": "num_train_epochs", "batch_size": "per_device_train_batch_size"}


@dataclass
class SweepConfig:
    space: str = field(default=str(DEFAULT_SPACE), metadata={"help": "JSON search-space file."})
    trials: int = field(
        default=12, metadata={"help": "Trials in the study, counting those a stopped sweep finished."}
    )
    sweep_dir: str = field(
        default="runs/sweep",
        metadata={"help": "Where the study (study.db), results.md/.csv and best_args.json go."},
    )
    study_name: str = field(default="emotions", metadata={"help": "The study's name in the database."})
    prune_after: int = field(
        default=2, metadata={"help": "Trials that finish before any is pruned (median rule after)."}
    )
    start_from_recipe: bool = field(
        default=True,
        metadata={"help": "A new study's first trial is train's recipe (its values inside the space), the baseline every trial is read against."},
    )  # fmt: skip

    def __post_init__(self) -> None:
        if self.trials < 1:
            raise ValueError(f"trials={self.trials} must be at least 1.")
        if self.prune_after < 0:
            raise ValueError(f"prune_after={self.prune_after} must be >= 0.")
        load_space(self.space)  # a bad file fails before any training

    @property
    def storage(self) -> str:
        return f"sqlite:///{Path(self.sweep_dir) / 'study.db'}"


def open_study(config: SweepConfig):
    """The study in ``sweep_dir``, created or loaded. Trials heartbeat while they run, so one
    left running by a killed sweep is found stale and marked failed when the sweep restarts."""
    import optuna
    from optuna.storages import RDBStorage

    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    Path(config.sweep_dir).mkdir(parents=True, exist_ok=True)
    storage = RDBStorage(config.storage, heartbeat_interval=5, grace_period=10)
    return storage, optuna.create_study(
        storage=storage, study_name=config.study_name, direction="maximize", load_if_exists=True
    )


def enqueue_recipe(study, space, recipe: TrainConfig) -> dict:
    """Queue ``train``'s own values as the first trial (those the space holds; Optuna draws the
    rest), so the table shows what the sweep found against what training does already."""
    values = {}
    for param in space:
        value = getattr(recipe, param.name)
        if param.holds(value):
            values[param.name] = int(value) if param.kind == "int" else value  # epochs: 4.0 -> 4
    if values:
        logger.info("Trial 0 is train's recipe: %s", values)
        study.enqueue_trial(values)
    return values


def retry_failed(study) -> None:
    """Queue each failed trial's values once more (a sweep stopped mid-trial resumes with it)."""
    from optuna.trial import TrialState

    retried = set(study.user_attrs.get("retried", []))
    for trial in study.get_trials(deepcopy=False, states=(TrialState.FAIL,)):
        if trial.number not in retried and trial.params:
            logger.info("Trial %d was cut off: queued again with %s", trial.number, trial.params)
            study.enqueue_trial(trial.params, skip_if_exists=False)
            retried.add(trial.number)
    study.set_user_attr("retried", sorted(retried))


def finished(study) -> int:
    """Trials finished so far (complete or pruned)."""
    from optuna.trial import TrialState

    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)))


def sweep(config: SweepConfig, recipe: TrainConfig, data: DataArguments | None = None) -> dict:
    """Run the study up to ``config.trials`` trials; write the tables and the best values."""
    import optuna

    data = data or DataArguments()
    space = load_space(config.space)
    storage, study = open_study(config)
    optuna.storages.fail_stale_trials(study)  # a killed sweep's running trial: failed
    if config.start_from_recipe and not study.get_trials(deepcopy=False):
        enqueue_recipe(study, space, recipe)
    retry_failed(study)
    todo = config.trials - finished(study)
    if todo > 0:
        logger.info("Sweep: %d trials to run (%d of %d finished)", todo, finished(study), config.trials)
        _optimize(config, recipe, data, space, todo, storage)
    else:
        logger.info("The study already has %d finished trials (budget %d).", finished(study), config.trials)
    study = optuna.load_study(study_name=config.study_name, storage=storage)
    return write_results(study, Path(config.sweep_dir))


def _optimize(
    config: SweepConfig, recipe: TrainConfig, data: DataArguments, space, todo: int, storage
) -> None:
    import optuna

    set_seed(recipe.seed)
    train_split, dev_split = load_splits(recipe, data)
    multi = train_split.multi_label
    recipe.loss = resolve_loss(recipe, multi)
    tokenizer = AutoTokenizer.from_pretrained(recipe.base_model)
    train_ds, dev_ds = datasets(recipe, tokenizer, train_split, dev_split)
    trial_recipe = dataclasses.replace(recipe)  # the one each trial changes (the loss reads it)

    def model_init(trial=None):
        values = {p.name: p.suggest(trial) for p in space} if trial is not None else {}
        checked = dataclasses.replace(recipe, **values)  # __post_init__ checks the trial's values
        if multi:
            checked.loss = resolve_loss(checked, multi)
        for name, value in dataclasses.asdict(checked).items():
            setattr(trial_recipe, name, value)
        model = build_model(trial_recipe, train_split.labels, multi)
        recipe.preprocessing.save_to(model.config)
        return model

    def hp_space(trial) -> dict:  # what Trainer sets on its TrainingArguments (model_init asked first)
        return {TRAINER_KEYS[p.name]: p.suggest(trial) for p in space if p.name in TRAINER_KEYS}

    trainer = RecipeTrainer(
        model_init=model_init,
        args=training_arguments(recipe, Path(config.sweep_dir)),
        train_dataset=train_ds,
        eval_dataset=dev_ds,
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_loss_func=make_loss(trial_recipe, train_split.targets),
        compute_metrics=make_compute_metrics(multi),
        recipe=trial_recipe,
    )
    trainer.hyperparameter_search(
        hp_space=hp_space,
        compute_objective=lambda metrics: metrics[OBJECTIVE],
        n_trials=todo,
        direction="maximize",
        backend="optuna",
        hp_name=lambda trial: f"trial-{trial.number}",
        storage=storage,
        study_name=config.study_name,
        load_if_exists=True,
        pruner=optuna.pruners.MedianPruner(n_startup_trials=config.prune_after, n_warmup_steps=0),
    )


def write_results(study, folder: Path) -> dict:
    """results.md and results.csv (every trial, best first) and best_args.json; the best trial."""
    trials = sorted(study.get_trials(deepcopy=False), key=lambda t: -(t.value if t.value is not None else -1))
    names = sorted({k for t in trials for k in t.params})
    header = ["trial", "state", "dev macro-F1 (calibrated)", "minutes", *names]
    rows = []
    for t in trials:
        minutes = t.duration.total_seconds() / 60 if t.duration else None
        value = "" if t.value is None else f"{t.value:.4f}"
        rows.append([t.number, t.state.name.lower(), value, "" if minutes is None else f"{minutes:.1f}"])
        rows[-1] += [_fmt(t.params.get(k, "")) for k in names]
    with (folder / "results.csv").open("w", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    (folder / "results.md").write_text("\n".join(lines) + "\n")
    done = [t for t in trials if t.value is not None and t.state.name == "COMPLETE"]
    if not done:
        logger.warning("No trial finished yet: no best_args.json.")
        return {}
    best = done[0]
    (folder / "best_args.json").write_text(json.dumps(best.params, indent=2) + "\n")
    logger.info("Best trial %d: dev macro-F1 %.4f with %s", best.number, best.value, best.params)
    logger.info("Train with it: python -m emotions train --config %s", folder / "best_args.json")
    return {"trial": best.number, "value": best.value, "params": best.params}


def _fmt(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)

# The commands people type. Everything runs in .venv (made on first use); `make help` lists them.
# Pass options to the emotions commands with ARGS, e.g. `make train ARGS="--epochs 2"`.
VENV ?= .venv
PY ?= $(VENV)/bin/python
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install dev test lint format app train distill sweep teach-emoji calibrate evaluate behave bench loadtest publish-dry-run ci

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	python3 -m venv $(VENV)

install: $(VENV)/bin/python ## install what the app needs (CPU torch first)
	$(PY) -m pip install torch==2.13.0
	$(PY) -m pip install -r requirements.txt

dev: $(VENV)/bin/python ## install what tests, training and lint need too
	$(PY) -m pip install torch==2.13.0
	$(PY) -m pip install -r requirements-dev.txt

test: ## run the tests (the README's test command)
	$(PY) -m pytest

lint: ## ruff: lint and format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: ## ruff: fix what can be fixed, then format
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

app: ## serve the page on http://127.0.0.1:7860
	$(PY) app.py

train: ## fine-tune into model/
	$(PY) -m emotions train $(ARGS)

distill: ## a 3-layer student of model/ into runs/student (docs/training.md)
	$(PY) -m emotions distill --output-dir runs/student $(ARGS)

sweep: ## hyperparameter search into runs/sweep (resumes; docs/training.md)
	$(PY) -m emotions sweep $(ARGS)

teach-emoji: ## a token per emoji, only they trained, into runs/emoji (docs/model.md)
	$(PY) -m emotions teach-emoji $(ARGS)

calibrate: ## per-class thresholds on dev into thresholds/
	$(PY) -m emotions calibrate $(ARGS)

evaluate: ## test-split report
	$(PY) -m emotions evaluate $(ARGS)

behave: ## behaviour suite and bias audit (table, reports/behaviour.json, card section)
	$(PY) -m emotions behave $(ARGS)

bench: ## latency and throughput benchmark
	$(PY) -m emotions bench $(ARGS)

loadtest: ## 50 concurrent clients against app.py, then a 5,000-request soak
	$(PY) -m emotions loadtest $(ARGS)

publish-dry-run: ## list what would be published to the Hub, without touching it
	$(PY) -m emotions publish --dry-run $(ARGS)

ci: ## what CI runs, system packages included (needs root or sudo)
	bash .ci/run

# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := var/sample/complaints.csv
MODELS := models
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test lint typecheck unit bench install install-dev sample model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

$(SAMPLE): | install
	$(BIN)/triage sample --out $(SAMPLE) --rows 10000 --seed 7

sample: $(SAMPLE)

# Trains the default model only when models/ holds none yet.
model: $(SAMPLE)
	@if ! ls $(MODELS)/*/model.joblib >/dev/null 2>&1; then \
		$(BIN)/triage train --data $(SAMPLE) --out $(MODELS)/sample-default; \
	fi

run: install model
	$(BIN)/triage db upgrade
	TRIAGE_MODELS_DIR=$(MODELS) $(BIN)/gunicorn -c api/gunicorn.conf.py --workers $(WORKERS) \
		--bind $(HOST):$(PORT) 'api:create_app()'

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy triage training ops api

unit: install-dev
	$(BIN)/pytest -q

test: lint typecheck unit

bench: install-dev
	$(BIN)/python benchmarks/bench_pipeline.py

clean:
	rm -rf $(VENV) var build *.egg-info artifacts

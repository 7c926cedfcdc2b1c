# iess-extract: `make extract` sets up .venv when needed and runs the pipeline on raw/;
# `make test` runs the test suite. Paths can be overridden: make extract RAW=dir PROCESSED=dir
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RAW ?= raw
INTERIM ?= interim
PROCESSED ?= processed
ARGS ?=

.PHONY: extract test lint setup clean bench docs

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

extract: $(VENV)/.installed
	$(BIN)/extract run --raw $(RAW) --interim $(INTERIM) --processed $(PROCESSED) $(ARGS)

test: $(VENV)/.installed
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest

docs: $(VENV)/.installed
	$(BIN)/extract docs --processed $(PROCESSED) --out $(INTERIM)/gx

bench: $(VENV)/.installed
	$(BIN)/python scripts/bench.py

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy

clean:
	rm -rf $(INTERIM)/*/ $(PROCESSED)/*/ $(PROCESSED)/.staging
